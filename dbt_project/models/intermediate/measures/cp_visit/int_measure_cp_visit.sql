-- CP_VISIT (kpis.md; local standard cp_visit, default 10 working days): every open CP plan is due a visit
-- add_standard(latest seen visit on/after the plan start, or the plan start if none). Visits belong to the
-- plan as kpis.md "Belonging to a plan" says (macro belonging_items). Visits where the child was not seen do
-- not reset the clock.
with plans as (select * from {{ ref('int_cp_plans') }}),
seen as (
    select * from {{ ref('stg_ssd_cp_visits') }}
    where cppv_cp_visit_seen and cppv_cp_visit_date is not null
),
belonging as (
    {{ belonging_items('plans', 'cp_plan_id', 'person_id', 'start_date',
                       'seen', 'cppv_cp_plan_id', 'cppv_person_id', 'cppv_cp_visit_date') }}
),
last_seen as (select parent_id as cp_plan_id, max(item_date) as last_seen_visit from belonging group by 1)

select
    'CP_VISIT' as kpi_id,
    p.person_id,
    p.cp_plan_id as record_id,
    {{ add_standard('coalesce(l.last_seen_visit, p.start_date)', 'cp_visit') }} as due_date,
    'due' as status_rule,
    cast(null as varchar) as flag,
    p.team_id as source_team_id,
    p.worker_id as source_worker_id
from plans p
left join last_seen l using (cp_plan_id)
