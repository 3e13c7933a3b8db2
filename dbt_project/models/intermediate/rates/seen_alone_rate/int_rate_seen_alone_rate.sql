-- SEEN_ALONE_RATE (docs/measures.md#seen_alone_rate): CP visits in the 3 months to D where the child was
-- seen, in the numerator when seen alone.
select 'SEEN_ALONE_RATE' as kpi_id, v.cppv_cp_visit_id as item_id, v.cppv_person_id as person_id,
       v.cppv_cp_visit_seen_alone as in_numerator, attr.worker_id, attr.team_id
from {{ ref('stg_ssd_cp_visits') }} v
left join {{ ref('int_person_attribution') }} attr on attr.person_id = v.cppv_person_id
where v.cppv_cp_visit_seen and v.cppv_cp_visit_date is not null
  and v.cppv_cp_visit_date > {{ add_months(reporting_date(), -3) }}
