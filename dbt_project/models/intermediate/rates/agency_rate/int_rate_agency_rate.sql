-- AGENCY_RATE (docs/measures.md#agency_rate): workers allocated to at least one child with an open case, in
-- the numerator when agency staff (prof_agency_worker_flag).
select 'AGENCY_RATE' as kpi_id, c.worker_id as item_id, cast(null as varchar) as person_id,
       coalesce(w.prof_agency_worker_flag, false) as in_numerator, c.worker_id, c.team_id
from {{ ref('int_worker_caseloads') }} c
left join {{ ref('stg_ssd_professionals') }} w on w.prof_professional_id = c.worker_id
