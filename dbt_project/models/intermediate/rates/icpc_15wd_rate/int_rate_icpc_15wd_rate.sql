-- ICPC_15WD_RATE (docs/measures.md#icpc_15wd_rate): ICPCs (not transfer-in) held in the 12 months to D whose
-- linked s47 is in the extract, in the numerator when held on or before add_wd(s47 start, 15).
select 'ICPC_15WD_RATE' as kpi_id, i.icpc_icpc_id as item_id, i.icpc_person_id as person_id,
       i.icpc_icpc_date <= {{ add_wd('s.s47e_s47_start_date', 15) }} as in_numerator,
       coalesce(i.icpc_icpc_worker_id, attr.worker_id) as worker_id,
       coalesce(i.icpc_icpc_team, attr.team_id) as team_id
from {{ ref('stg_ssd_initial_cp_conference') }} i
join {{ ref('stg_ssd_s47_enquiry') }} s on s.s47e_s47_enquiry_id = i.icpc_s47_enquiry_id
left join {{ ref('int_person_attribution') }} attr on attr.person_id = i.icpc_person_id
where not i.icpc_icpc_transfer_in
  and i.icpc_icpc_date is not null
  and i.icpc_icpc_date > {{ add_months(reporting_date(), -12) }}
