-- CIN_VISIT: docs/measures.md#cin_visit (defined in plugins/csc_compliance/measures.yml).
-- int_cin_plans holds only CIN-level children's plans (docs/conventions.md#cin-level-child). CIN visits carry
-- no plan id, so belonging_items is called with item_parent_col=none: they belong through the person, on or
-- after the plan start. Only seen, dated visits count; base = the latest, else the plan start; add_standard
-- applies the cin_visit standard in its configured unit.
with plans as (select * from {{ ref('int_cin_plans') }}),
seen as (
    select * from {{ ref('stg_ssd_cin_visits') }}
    where cinv_cin_visit_seen and cinv_cin_visit_date is not null
),
belonging as (
    {{ belonging_items('plans', 'cin_plan_id', 'person_id', 'start_date',
                       'seen', none, 'cinv_person_id', 'cinv_cin_visit_date') }}
),
latest as (select parent_id as cin_plan_id, max(item_date) as last_seen from belonging group by 1)

select
    'CIN_VISIT' as kpi_id, p.person_id, p.cin_plan_id as record_id,
    {{ add_standard('coalesce(l.last_seen, p.start_date)', 'cin_visit') }} as due_date,
    'due' as status_rule, cast(null as varchar) as flag,
    p.team_id as source_team_id, p.worker_id as source_worker_id
from plans p
left join latest l using (cin_plan_id)
