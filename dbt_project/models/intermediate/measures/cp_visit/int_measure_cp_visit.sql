-- CP_VISIT: docs/measures.md#cp_visit (defined in plugins/csc_compliance/measures.yml).
-- Only seen, dated visits enter belonging_items (docs/conventions.md#belonging-to-a-plan: cppv_cp_plan_id, else
-- the person, on or after the plan start), so an unseen visit never resets the clock
-- (docs/conventions.md#seen-visit). Base = the latest such visit, else the plan start; add_standard applies the
-- cp_visit standard in its configured unit. Source team/worker: the plan's ICPC (int_cp_plans).
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
