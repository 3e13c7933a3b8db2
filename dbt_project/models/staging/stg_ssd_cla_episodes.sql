-- ssd_cla_episodes, typed as docs/contract.md#ssd_cla_episodes reads it: bad values and links naming no row are null
-- (each is a recording gap, docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run), dates after D are
-- null (docs/conventions.md#nothing-after-d-counts), and rows sharing a key keep the first in file order.
select
    {{ csc_text('clae_cla_episode_id') }} as clae_cla_episode_id,
    {{ csc_ref('clae_person_id') }} as clae_person_id,
    {{ csc_text('clae_cla_id') }} as clae_cla_id,
    {{ csc_date('clae_cla_episode_start_date') }} as clae_cla_episode_start_date,
    {{ csc_date('clae_cla_episode_ceased_date') }} as clae_cla_episode_ceased_date,
    {{ csc_ref('clae_cla_placement_id') }} as clae_cla_placement_id,
    {{ csc_date('clae_entered_care_date') }} as clae_entered_care_date,
    {{ csc_text('clae_referral_id') }} as clae_referral_id,
    _row_number
from {{ source('raw', 'ssd_cla_episodes') }}
{{ first_row_per_key('clae_cla_episode_id') }}
