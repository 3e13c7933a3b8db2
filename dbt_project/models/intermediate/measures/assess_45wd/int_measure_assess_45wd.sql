-- ASSESS_45WD (kpis.md; WT2023): single assessments started on or before D with no authorisation date,
-- whatever the referral's state. An authorisation dated after D is read as null (not yet happened).
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
