-- ssd_cp_plans, typed as docs/contract.md#ssd_cp_plans reads it: bad values and links naming no row are null (each
-- is a recording gap, docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run), dates after D are
-- null (docs/conventions.md#nothing-after-d-counts), and rows sharing a key keep the first in file order.
select
    {{ csc_text('cppl_cp_plan_id') }} as cppl_cp_plan_id,
    {{ csc_ref('cppl_person_id') }} as cppl_person_id,
    {{ csc_ref('cppl_icpc_id') }} as cppl_icpc_id,
    {{ csc_text('cppl_referral_id') }} as cppl_referral_id,
    {{ csc_date('cppl_cp_plan_start_date') }} as cppl_cp_plan_start_date,
    {{ csc_date('cppl_cp_plan_end_date') }} as cppl_cp_plan_end_date,
    {{ csc_text('cppl_cp_plan_initial_category') }} as cppl_cp_plan_initial_category,
    {{ csc_text('cppl_cp_plan_latest_category') }} as cppl_cp_plan_latest_category,
    _row_number
from {{ source('raw', 'ssd_cp_plans') }}
{{ first_row_per_key('cppl_cp_plan_id') }}
