-- ssd_initial_cp_conference, typed as docs/contract.md#ssd_initial_cp_conference reads it: bad values and links
-- naming no row are null (each is a recording gap, docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run),
-- dates after D are null (docs/conventions.md#nothing-after-d-counts), and rows sharing a key keep the first in file
-- order.
select
    {{ csc_text('icpc_icpc_id') }} as icpc_icpc_id,
    {{ csc_ref('icpc_s47_enquiry_id') }} as icpc_s47_enquiry_id,
    {{ csc_ref('icpc_person_id') }} as icpc_person_id,
    {{ csc_ref('icpc_cp_plan_id') }} as icpc_cp_plan_id,
    {{ csc_text('icpc_referral_id') }} as icpc_referral_id,
    {{ csc_flag('icpc_icpc_transfer_in') }} as icpc_icpc_transfer_in,
    {{ csc_due_date('icpc_icpc_target_date') }} as icpc_icpc_target_date,
    {{ csc_date('icpc_icpc_date') }} as icpc_icpc_date,
    {{ csc_flag('icpc_icpc_outcome_cp_flag') }} as icpc_icpc_outcome_cp_flag,
    {{ csc_ref('icpc_icpc_team') }} as icpc_icpc_team,
    {{ csc_ref('icpc_icpc_worker_id') }} as icpc_icpc_worker_id,
    _row_number
from {{ source('raw', 'ssd_initial_cp_conference') }}
{{ first_row_per_key('icpc_icpc_id') }}
