-- CP_DURATION: docs/measures.md#cp_duration (defined in plugins/csc_compliance/measures.yml).
-- Thresholds from the cp_duration standard by add_months (clamped to the month's end), reached on the day
-- (docs/conventions.md#thresholds); due_date = the day the watch threshold was reached, status_rule 'watch'.
-- Source team/worker: the plan's ICPC (int_cp_plans).
{%- set cpd = standard('cp_duration') %}
select
    'CP_DURATION' as kpi_id, person_id, cp_plan_id as record_id,
    {{ add_months('start_date', cpd['watch_months']) }} as due_date,
    'watch' as status_rule,
    case when {{ add_months('start_date', cpd['red_months']) }} <= {{ reporting_date() }} then 'red' end as flag,
    team_id as source_team_id, worker_id as source_worker_id
from {{ ref('int_cp_plans') }}
where {{ add_months('start_date', cpd['watch_months']) }} <= {{ reporting_date() }}
