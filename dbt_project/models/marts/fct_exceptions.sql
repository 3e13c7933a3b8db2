-- The exception list (docs/contract.md#exceptionscsv): one row per outstanding item someone must act on.
-- exceptions_published adds first_seen_date, from the run history.
select
    kpi_id, person_id, record_id, worker_id, team_id, area_id, lead,
    status, flag, due_date, days_overdue, working_days_overdue
from {{ ref('int_measure_items') }}
where status is not null
order by kpi_id, record_id, person_id
