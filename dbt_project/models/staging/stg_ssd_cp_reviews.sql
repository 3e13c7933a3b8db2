-- ssd_cp_reviews, typed as docs/contract.md#ssd_cp_reviews reads it: bad values and links naming no row are null (each
-- is a recording gap, docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run), dates after D are
-- null (docs/conventions.md#nothing-after-d-counts), and rows sharing a key keep the first in file order.
select
    {{ csc_text('cppr_cp_review_id') }} as cppr_cp_review_id,
    {{ csc_ref('cppr_person_id') }} as cppr_person_id,
    {{ csc_ref('cppr_cp_plan_id') }} as cppr_cp_plan_id,
    {{ csc_due_date('cppr_cp_review_due') }} as cppr_cp_review_due,
    {{ csc_date('cppr_cp_review_date') }} as cppr_cp_review_date,
    _row_number
from {{ source('raw', 'ssd_cp_reviews') }}
{{ first_row_per_key('cppr_cp_review_id') }}
