-- ssd_cla_reviews, typed as docs/contract.md#ssd_cla_reviews reads it: bad values and links naming no row are null
-- (each is a recording gap, docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run), dates after D are
-- null (docs/conventions.md#nothing-after-d-counts), and rows sharing a key keep the first in file order.
select
    {{ csc_text('clar_cla_review_id') }} as clar_cla_review_id,
    {{ csc_ref('clar_cla_id') }} as clar_cla_id,
    {{ csc_ref('clar_cla_person_id') }} as clar_cla_person_id,
    {{ csc_due_date('clar_cla_review_due_date') }} as clar_cla_review_due_date,
    {{ csc_date('clar_cla_review_date') }} as clar_cla_review_date,
    {{ csc_flag('clar_cla_review_cancelled') }} as clar_cla_review_cancelled,
    _row_number
from {{ source('raw', 'ssd_cla_reviews') }}
{{ first_row_per_key('clar_cla_review_id') }}
