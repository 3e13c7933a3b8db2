-- CASELOAD (kpis.md; Bradford KPI "workers with 25+ cases"): workers who are the allocated worker of at least
-- caseload_threshold children with an open case; one row per worker (person_id empty, record_id = worker).
select
    'CASELOAD' as kpi_id, cast(null as varchar) as person_id, worker_id as record_id,
    cast(null as date) as due_date, 'always' as status_rule, cast(null as varchar) as flag,
    team_id as source_team_id, worker_id as source_worker_id
from {{ ref('int_worker_caseloads') }}
where children >= {{ standard('caseload_threshold') }}
