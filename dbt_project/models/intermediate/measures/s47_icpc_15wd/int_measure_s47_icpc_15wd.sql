-- S47_ICPC_15WD: docs/measures.md#s47_icpc_15wd (defined in plugins/csc_compliance/measures.yml).
-- "Held" is an anti-join on ICPC rows with a date naming the enquiry by icpc_s47_enquiry_id: an undated ICPC (or
-- one after D, nulled in staging) does not stop the clock. s47e_s47_nfa is already false for null or unknown
-- values (csc_flag, docs/conventions.md#flags); csc_json_flag reads the outcome's CP_CONFERENCE_FLAG, a missing
-- key counting as no. Due by add_wd over int_calendar. Source team/worker: the enquiry's completed-by columns.
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
