-- ssd_cin_episodes, typed as docs/contract.md#ssd_cin_episodes reads it: bad values and links naming no row are null
-- (each is a recording gap, docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run), dates after D are
-- null (docs/conventions.md#nothing-after-d-counts), and rows sharing a key keep the first in file order.
select
    {{ csc_text('cine_referral_id') }} as cine_referral_id,
    {{ csc_ref('cine_person_id') }} as cine_person_id,
    {{ csc_date('cine_referral_date') }} as cine_referral_date,
    {{ csc_date('cine_close_date') }} as cine_close_date,
    {{ csc_text('cine_cin_primary_need_code') }} as cine_cin_primary_need_code,
    {{ csc_flag('cine_referral_nfa') }} as cine_referral_nfa,
    {{ csc_ref('cine_referral_team') }} as cine_referral_team,
    {{ csc_ref('cine_referral_worker_id') }} as cine_referral_worker_id,
    _row_number
from {{ source('raw', 'ssd_cin_episodes') }}
{{ first_row_per_key('cine_referral_id') }}
