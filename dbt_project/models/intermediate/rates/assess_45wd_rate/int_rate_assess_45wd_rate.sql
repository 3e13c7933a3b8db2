-- ASSESS_45WD_RATE (docs/measures.md#assess_45wd_rate): assessments authorised in the 12 months to D, in
-- the numerator when authorised on or before their due date. An assessment that starts after D is not in
-- stg_ssd_cin_assessments at all (docs/conventions.md#nothing-after-d-counts).
select 'ASSESS_45WD_RATE' as kpi_id, a.assessment_id as item_id, a.person_id,
       (a.auth_date <= a.due_date) as in_numerator,
       coalesce(a.worker_id, attr.worker_id) as worker_id, coalesce(a.team_id, attr.team_id) as team_id
from {{ ref('int_assessments') }} a
left join {{ ref('int_person_attribution') }} attr using (person_id)
where a.auth_date is not null and a.auth_date > {{ add_months(reporting_date(), -12) }}
