-- CP_DURATION (kpis.md; seeds, DfE statistics; local standard cp_duration): open CP plans on the watch list at
-- >= watch_months (due_date = the day that was reached), flagged red at >= red_months.
{%- set cpd = standard('cp_duration') %}
select
    'CP_DURATION' as kpi_id, person_id, cp_plan_id as record_id,
    {{ add_months('start_date', cpd['watch_months']) }} as due_date,
    'watch' as status_rule,
    case when {{ add_months('start_date', cpd['red_months']) }} <= {{ reporting_date() }} then 'red' end as flag,
    team_id as source_team_id, worker_id as source_worker_id
from {{ ref('int_cp_plans') }}
where {{ add_months('start_date', cpd['watch_months']) }} <= {{ reporting_date() }}
