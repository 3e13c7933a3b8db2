-- CLA_VISIT: docs/measures.md#cla_visit (defined in plugins/csc_compliance/measures.yml).
-- One row per open period of care (int_periods_of_care). Seen visits belong through belonging_items
-- (clav_cla_id, else the person) from the start of care; `visits` keeps the latest (rule (b)'s base, else the
-- start of care) and the latest on or after the current placement's start (int_current_placements), whose
-- absence gives rule (a)'s placement start + 7. With no current placement, due_placement and long_term are null
-- and least() ignores nulls, so rule (b) alone applies. 6 weeks = + 42 days (docs/conventions.md#weeks); the
-- long-term types (standard long_term_placement_types) are inlined trimmed and upper case. No source
-- team/worker: attribution falls to the child's (docs/conventions.md#attribution).
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
