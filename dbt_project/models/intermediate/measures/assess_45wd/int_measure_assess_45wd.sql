-- ASSESS_45WD: docs/measures.md#assess_45wd (defined in plugins/csc_compliance/measures.yml).
-- The due date (add_wd of the referral date, else the start date) is computed once in int_assessments, shared
-- with ASSESS_45WD_RATE; here only the filter. Staging nulls dates after D
-- (docs/conventions.md#nothing-after-d-counts), so `start_date is not null` drops an assessment starting after
-- D, and an authorisation dated after D reads as none. Source team/worker: the assessment's own columns.
select
    'ASSESS_45WD' as kpi_id,
    person_id,
    assessment_id as record_id,
    due_date,
    'due' as status_rule,
    cast(null as varchar) as flag,
    team_id as source_team_id,
    worker_id as source_worker_id
from {{ ref('int_assessments') }}
where start_date is not null
  and auth_date is null
