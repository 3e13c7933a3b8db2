-- CORE_GROUP_FIRST: docs/measures.md#core_group_first (defined in plugins/csc_compliance/measures.yml).
-- An anti-join of the open CP plans (int_cp_plans) on int_core_groups, which holds only meetings belonging to
-- the plan (docs/conventions.md#belonging-to-a-plan); due by add_wd. Source team/worker: the plan's ICPC.
select
    'CORE_GROUP_FIRST' as kpi_id, p.person_id, p.cp_plan_id as record_id,
    {{ add_wd('p.start_date', 10) }} as due_date,
    'due' as status_rule, cast(null as varchar) as flag,
    p.team_id as source_team_id, p.worker_id as source_worker_id
from {{ ref('int_cp_plans') }} p
left join {{ ref('int_core_groups') }} g using (cp_plan_id)
where g.cp_plan_id is null
