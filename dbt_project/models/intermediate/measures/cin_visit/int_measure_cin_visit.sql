-- CIN_VISIT (kpis.md; local standard cin_visit, default 20 working days): open CIN plans of CIN-level
-- children; due add_standard(latest seen CIN visit on/after the plan start, or the plan start). CIN visits
-- carry no plan id, so they belong through the person.
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
