-- The current placement of each open period of care (docs/conventions.md#current-placement): among the period's
-- placements (clap_cla_id = the period's clae_cla_id, or named by one of its episodes' clae_cla_placement_id),
-- the one open at D, the latest start if several.
with periods as (select * from {{ ref('int_periods_of_care') }} where is_open),
placements as (
    select periods.cla_id, pl.*
    from periods join {{ ref('stg_ssd_cla_placement') }} pl on pl.clap_cla_id = periods.cla_id
    union
    select periods.cla_id, pl.*
    from periods
    join {{ ref('stg_ssd_cla_episodes') }} e on coalesce(e.clae_cla_id, e.clae_cla_episode_id) = periods.cla_id
        -- an episode starting after D (or with no readable start) is ignored, the placement it names too
        and e.clae_cla_episode_start_date is not null
    join {{ ref('stg_ssd_cla_placement') }} pl on pl.clap_cla_placement_id = e.clae_cla_placement_id
)

select
    cla_id,
    clap_cla_placement_id as placement_id,
    clap_cla_placement_start_date as placement_start,
    upper(trim(clap_cla_placement_type)) as placement_type
from placements
where {{ open_at_d('clap_cla_placement_start_date', 'clap_cla_placement_end_date') }}
{{ one_of_several('cla_id', 'clap_cla_placement_start_date', 'clap_cla_placement_id') }}
