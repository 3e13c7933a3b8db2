-- Periods of care (kpis.md "Period of care"): the ssd_cla_episodes rows sharing clae_cla_id (an episode with
-- no clae_cla_id is a period of its own). Episodes starting after D (or with no readable start) are ignored.
-- Open at D when the latest-starting episode is open; start of care = earliest non-null entered-care
-- date of its episodes, else the earliest episode start.
with episodes as (
    select *, coalesce(clae_cla_id, clae_cla_episode_id) as cla_id
    from {{ ref('stg_ssd_cla_episodes') }}
    where clae_cla_episode_start_date is not null
      and coalesce(clae_cla_id, clae_cla_episode_id) is not null
),

latest as (
    select cla_id, clae_person_id as person_id, clae_cla_episode_id as latest_episode_id,
           clae_cla_episode_start_date as latest_episode_start, clae_cla_episode_ceased_date as latest_episode_ceased
    from episodes
    {{ one_of_several('cla_id', 'clae_cla_episode_start_date', 'clae_cla_episode_id') }}
),

bounds as (
    select cla_id,
           coalesce(min(clae_entered_care_date), min(clae_cla_episode_start_date)) as start_of_care
    from episodes
    group by cla_id
)

select
    latest.cla_id,
    latest.person_id,
    bounds.start_of_care,
    latest.latest_episode_id,
    latest.latest_episode_start,
    latest.latest_episode_ceased,
    (latest.latest_episode_ceased is null or latest.latest_episode_ceased > {{ reporting_date() }}) as is_open
from latest
join bounds using (cla_id)
