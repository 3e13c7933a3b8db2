-- ssd_ext_cin_reviews, typed as docs/contract.md#ssd_ext_cin_reviews reads it: bad values and links naming no row are
-- null (each is a recording gap, docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run), dates after D are
-- null (docs/conventions.md#nothing-after-d-counts), and rows sharing a key keep the first in file order.
select
    {{ csc_text('cinr_review_id') }} as cinr_review_id,
    {{ csc_ref('cinr_cin_plan_id') }} as cinr_cin_plan_id,
    {{ csc_ref('cinr_person_id') }} as cinr_person_id,
    {{ csc_date('cinr_review_date') }} as cinr_review_date,
    _row_number
from {{ source('raw', 'ssd_ext_cin_reviews') }}
{{ first_row_per_key('cinr_review_id') }}
