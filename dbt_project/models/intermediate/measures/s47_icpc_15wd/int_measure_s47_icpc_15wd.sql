-- S47_ICPC_15WD (kpis.md; WT2023): section 47 enquiries, not NFA, with no ICPC held (linked by
-- icpc_s47_enquiry_id), still open or ended with CP_CONFERENCE_FLAG = Y in s47e_s47_outcome_json.
-- Due add_wd(s47 start, 15): the s47 start is the strategy discussion that initiated it.
with held as (
    select distinct icpc_s47_enquiry_id
    from {{ ref('stg_ssd_initial_cp_conference') }}
    where icpc_icpc_date is not null and icpc_s47_enquiry_id is not null
)

select
    'S47_ICPC_15WD' as kpi_id,
    s.s47e_person_id as person_id,
    s.s47e_s47_enquiry_id as record_id,
    {{ add_wd('s.s47e_s47_start_date', 15) }} as due_date,
    'due' as status_rule,
    cast(null as varchar) as flag,
    s.s47e_s47_completed_by_team as source_team_id,
    s.s47e_s47_completed_by_worker_id as source_worker_id
from {{ ref('stg_ssd_s47_enquiry') }} s
left join held h on h.icpc_s47_enquiry_id = s.s47e_s47_enquiry_id
where s.s47e_s47_start_date is not null
  and not s.s47e_s47_nfa
  and h.icpc_s47_enquiry_id is null
  and (s.s47e_s47_end_date is null
       or coalesce(csc_json_flag(s.s47e_s47_outcome_json, 'CP_CONFERENCE_FLAG'), false))
