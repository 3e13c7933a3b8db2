-- CIN_VISIT (kpis.md; local standard cin_visit, default 20 working days): open CIN plans of CIN-level
-- children; due add_standard(latest seen CIN visit on/after the plan start, or the plan start). CIN visits
-- carry no plan id, so they belong through the person.
with seen as (
    select cinv_person_id as person_id, cinv_cin_visit_date as visit_date
    from {{ ref('stg_ssd_cin_visits') }}
    where cinv_cin_visit_seen and cinv_cin_visit_date is not null
),
latest as (
    select p.cin_plan_id, max(s.visit_date) as last_seen
    from {{ ref('int_cin_plans') }} p join seen s using (person_id)
    where s.visit_date >= p.start_date
    group by p.cin_plan_id
)

select
    'CIN_VISIT' as kpi_id, p.person_id, p.cin_plan_id as record_id,
    {{ add_standard('coalesce(l.last_seen, p.start_date)', 'cin_visit') }} as due_date,
    'due' as status_rule, cast(null as varchar) as flag,
    p.team_id as source_team_id, p.worker_id as source_worker_id
from {{ ref('int_cin_plans') }} p
left join latest l using (cin_plan_id)
