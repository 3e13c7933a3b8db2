-- CLA_VISIT (kpis.md; CPR 2010 reg 28): children with an open period of care. Due = the earlier of
--  (a) when no seen visit is dated on or after the current placement's start: placement start + 7 days;
--  (b) the latest seen visit (or start of care if none) + 6 weeks, or + 3 months when the current placement
--      is of a long-term type (local standard long_term_placement_types) and that visit is on or after the
--      placement's first anniversary.
-- With no current placement, (a) and the long-term test do not apply. Visits belong through clav_cla_id
-- where the row holds one, else the person, and count from the start of care.
{%- set long_term = standard('long_term_placement_types') %}
with periods as (select * from {{ ref('int_periods_of_care') }} where is_open),
seen as (
    select * from {{ ref('stg_ssd_cla_visits') }}
    where clav_cla_visit_seen and clav_cla_visit_date is not null
),
belonging as (
    {{ belonging_items('periods', 'cla_id', 'person_id', 'start_of_care',
                       'seen', 'clav_cla_id', 'clav_person_id', 'clav_cla_visit_date') }}
),
visits as (
    select b.parent_id as cla_id, max(b.item_date) as last_seen,
           max(case when b.item_date >= cp.placement_start then b.item_date end) as last_seen_in_placement
    from belonging b
    left join {{ ref('int_current_placements') }} cp on cp.cla_id = b.parent_id
    group by b.parent_id
),
dues as (
    select
        p.cla_id, p.person_id, cp.placement_id,
        case when cp.placement_id is not null and v.last_seen_in_placement is null
             then cast(cp.placement_start + 7 as date) end as due_placement,
        coalesce(v.last_seen, p.start_of_care) as base,
        cp.placement_type in ({% for t in long_term %}'{{ t | trim | upper }}'{{ ", " if not loop.last }}{% endfor %})
            and coalesce(v.last_seen, p.start_of_care) >= {{ add_months('cp.placement_start', 12) }} as long_term
    from periods p
    left join visits v using (cla_id)
    left join {{ ref('int_current_placements') }} cp using (cla_id)
)

select
    'CLA_VISIT' as kpi_id, person_id, cla_id as record_id,
    least(due_placement,
          case when coalesce(long_term, false) then {{ add_months('base', 3) }} else cast(base + 42 as date) end) as due_date,
    'due' as status_rule, cast(null as varchar) as flag,
    cast(null as varchar) as source_team_id, cast(null as varchar) as source_worker_id
from dues
