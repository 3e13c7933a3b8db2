-- PLO_DURATION (kpis.md; PLO pre-proceedings guidance, local standard plo): one row per pre-proceedings row not
-- concluded, on the watch list at >= watch_weeks from its start (due_date = the day that was reached),
-- flagged red at >= red_weeks.
{%- set plo = standard('plo') %}
select
    'PLO_DURATION' as kpi_id, person_id, record_id,
    cast(clock_start + {{ 7 * plo['watch_weeks'] }} as date) as due_date,
    'watch' as status_rule,
    case when clock_start + {{ 7 * plo['red_weeks'] }} <= {{ reporting_date() }} then 'red' end as flag,
    cast(null as varchar) as source_team_id, cast(null as varchar) as source_worker_id
from {{ ref('int_pre_proceedings') }}
where clock_start + {{ 7 * plo['watch_weeks'] }} <= {{ reporting_date() }}
