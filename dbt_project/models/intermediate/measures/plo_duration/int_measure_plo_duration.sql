-- PLO_DURATION: docs/measures.md#plo_duration (defined in plugins/csc_compliance/measures.yml).
-- int_pre_proceedings gives the rows not concluded at D and their clock start. Weeks are 7 calendar days
-- (docs/conventions.md#weeks), so the thresholds are clock_start + 7 * the plo standard's weeks, reached on the
-- day (docs/conventions.md#thresholds). status_rule 'watch' makes int_measure_items list the row as watch, with
-- the day the watch threshold was reached as due_date.
{%- set plo = standard('plo') %}
select
    'PLO_DURATION' as kpi_id, person_id, record_id,
    cast(clock_start + {{ 7 * plo['watch_weeks'] }} as date) as due_date,
    'watch' as status_rule,
    case when clock_start + {{ 7 * plo['red_weeks'] }} <= {{ reporting_date() }} then 'red' end as flag,
    cast(null as varchar) as source_team_id, cast(null as varchar) as source_worker_id
from {{ ref('int_pre_proceedings') }}
where clock_start + {{ 7 * plo['watch_weeks'] }} <= {{ reporting_date() }}
