-- CORE_GROUP_INTERVAL (kpis.md; local standard core_group_interval, default 6 weeks): open CP plans with at
-- least one core group; due = last core group + the interval.
select
    'CORE_GROUP_INTERVAL' as kpi_id, p.person_id, p.cp_plan_id as record_id,
    {{ add_standard('g.last_meeting', 'core_group_interval') }} as due_date,
    'due' as status_rule, cast(null as varchar) as flag,
    -- source record: the latest core group, else the plan's ICPC
    coalesce(g.last_meeting_team_id, p.team_id) as source_team_id,
    coalesce(g.last_meeting_worker_id, p.worker_id) as source_worker_id
from {{ ref('int_cp_plans') }} p
join {{ ref('int_core_groups') }} g using (cp_plan_id)
