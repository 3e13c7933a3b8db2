-- ssd_s47_enquiry, typed as docs/contract.md#ssd_s47_enquiry reads it: bad values and links naming no row are null
-- (each is a recording gap, docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run), dates after D are
-- null (docs/conventions.md#nothing-after-d-counts), and rows sharing a key keep the first in file order.
select
    {{ csc_text('s47e_s47_enquiry_id') }} as s47e_s47_enquiry_id,
    {{ csc_ref('s47e_person_id') }} as s47e_person_id,
    {{ csc_ref('s47e_referral_id') }} as s47e_referral_id,
    {{ csc_date('s47e_s47_start_date') }} as s47e_s47_start_date,
    {{ csc_date('s47e_s47_end_date') }} as s47e_s47_end_date,
    {{ csc_flag('s47e_s47_nfa') }} as s47e_s47_nfa,
    {{ csc_json('s47e_s47_outcome_json') }} as s47e_s47_outcome_json,
    {{ csc_ref('s47e_s47_completed_by_team') }} as s47e_s47_completed_by_team,
    {{ csc_ref('s47e_s47_completed_by_worker_id') }} as s47e_s47_completed_by_worker_id,
    _row_number
from {{ source('raw', 'ssd_s47_enquiry') }}
{{ first_row_per_key('s47e_s47_enquiry_id') }}
