-- The child's open referral at D (docs/conventions.md#open-case); with several, docs/conventions.md#one-of-several:
-- latest start, then the greatest id. Its team and worker are the last fallback of attribution.
select
    cine_person_id as person_id,
    cine_referral_id as referral_id,
    cine_referral_date as referral_date,
    cine_referral_team as team_id,
    cine_referral_worker_id as worker_id
from {{ ref('stg_ssd_cin_episodes') }}
where cine_person_id is not null
  and {{ open_at_d('cine_referral_date', 'cine_close_date') }}
{{ one_of_several('cine_person_id', 'cine_referral_date', 'cine_referral_id') }}
