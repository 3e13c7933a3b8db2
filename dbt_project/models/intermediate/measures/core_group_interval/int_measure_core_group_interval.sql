-- CORE_GROUP_INTERVAL: docs/measures.md#core_group_interval (defined in plugins/csc_compliance/measures.yml).
-- The inner join on int_core_groups keeps only plans with a belonging meeting (the rest are CORE_GROUP_FIRST's);
-- add_standard applies the core_group_interval standard in whatever unit it is configured.
select
    'CORE_GROUP_INTERVAL' as kpi_id, p.person_id, p.cp_plan_id as record_id,
    {{ add_standard('g.last_meeting', 'core_group_interval') }} as due_date,
    'due' as status_rule, cast(null as varchar) as flag,
    -- source record: the latest core group, else the plan's ICPC
    coalesce(g.last_meeting_team_id, p.team_id) as source_team_id,
    coalesce(g.last_meeting_worker_id, p.worker_id) as source_worker_id
from {{ ref('int_cp_plans') }} p
join {{ ref('int_core_groups') }} g using (cp_plan_id)
