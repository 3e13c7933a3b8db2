-- Periods of care (docs/conventions.md#period-of-care): the ssd_cla_episodes rows sharing clae_cla_id (an episode with
-- no clae_cla_id is a period of its own). Episodes starting after D (or with no readable start) are ignored.
-- Open at D when the latest-starting episode is open; start of care = earliest non-null entered-care
-- date of its episodes, else the earliest episode start.
-- is_open marks the period of care open at D, one per child: a child with two periods open at D (an
-- overlap, a recording gap) is measured on the one that starts last (start of care), then the greatest
-- cla_id as text (docs/conventions.md#period-of-care, #one-of-several); the other stays with is_open = false.
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
),

periods as (
    select latest.*, bounds.start_of_care,
           (latest.latest_episode_ceased is null or latest.latest_episode_ceased > {{ reporting_date() }}) as open_at_d
    from latest
    join bounds using (cla_id)
)

select
    cla_id,
    person_id,
    start_of_care,
    latest_episode_id,
    latest_episode_start,
    latest_episode_ceased,
    open_at_d and (person_id is null or row_number() over (
        partition by person_id, open_at_d
        order by start_of_care desc nulls last, cast(cla_id as varchar) desc) = 1) as is_open
from periods
