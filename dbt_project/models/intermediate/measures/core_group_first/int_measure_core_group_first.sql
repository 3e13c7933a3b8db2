-- CORE_GROUP_FIRST (kpis.md; WT2023): open CP plans with no core group meeting on or after the plan start;
-- due add_wd(plan start, 10).
select
    'CORE_GROUP_FIRST' as kpi_id, p.person_id, p.cp_plan_id as record_id,
    {{ add_wd('p.start_date', 10) }} as due_date,
    'due' as status_rule, cast(null as varchar) as flag,
    p.team_id as source_team_id, p.worker_id as source_worker_id
from {{ ref('int_cp_plans') }} p
left join {{ ref('int_core_groups') }} g using (cp_plan_id)
where g.cp_plan_id is null
