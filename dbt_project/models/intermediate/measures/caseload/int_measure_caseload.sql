-- CASELOAD: docs/measures.md#caseload (defined in plugins/csc_compliance/measures.yml).
-- int_worker_caseloads counts each worker's allocated children with an open case and gives the worker's team;
-- the caseload_threshold standard is inlined. One row per worker (person_id null, record_id the worker); no due
-- date: status_rule 'always' (overdue).
select
    'CASELOAD' as kpi_id, cast(null as varchar) as person_id, worker_id as record_id,
    cast(null as date) as due_date, 'always' as status_rule, cast(null as varchar) as flag,
    team_id as source_team_id, worker_id as source_worker_id
from {{ ref('int_worker_caseloads') }}
where children >= {{ standard('caseload_threshold') }}
