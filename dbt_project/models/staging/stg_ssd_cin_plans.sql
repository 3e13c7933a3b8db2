-- ssd_cin_plans, typed as docs/contract.md#ssd_cin_plans reads it: bad values and links naming no row are null (each
-- is a recording gap, docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run), dates after D are
-- null (docs/conventions.md#nothing-after-d-counts), and rows sharing a key keep the first in file order.
select
    {{ csc_text('cinp_cin_plan_id') }} as cinp_cin_plan_id,
    {{ csc_ref('cinp_person_id') }} as cinp_person_id,
    {{ csc_ref('cinp_referral_id') }} as cinp_referral_id,
    {{ csc_date('cinp_cin_plan_start_date') }} as cinp_cin_plan_start_date,
    {{ csc_date('cinp_cin_plan_end_date') }} as cinp_cin_plan_end_date,
    {{ csc_ref('cinp_cin_plan_team') }} as cinp_cin_plan_team,
    {{ csc_ref('cinp_cin_plan_worker_id') }} as cinp_cin_plan_worker_id,
    _row_number
from {{ source('raw', 'ssd_cin_plans') }}
{{ first_row_per_key('cinp_cin_plan_id') }}
