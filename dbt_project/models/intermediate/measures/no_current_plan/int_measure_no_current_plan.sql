-- NO_CURRENT_PLAN: docs/measures.md#no_current_plan (defined in plugins/csc_compliance/measures.yml).
-- (a) one_of_several picks, per referral, the latest-starting assessment linked to the child's open referral
-- (int_open_referrals); int_person_case_status.is_planned_case rules out an open CIN plan, CP plan or period of
-- care. (b) care plans open at D (open_at_d) against the open periods of care, one per child by one_of_several.
-- The two parts are disjoint ((b)'s children are planned cases), so one row per child, record_id the person.
-- Both add the no_plan_grace standard with add_standard.
with latest_assessment as (
    select a.*
    from {{ ref('int_assessments') }} a
    join {{ ref('int_open_referrals') }} r
      on r.referral_id = a.referral_id and r.person_id = a.person_id
    where a.start_date is not null
    {{ one_of_several('a.referral_id', 'a.start_date', 'a.assessment_id') }}
),
case_status as (select * from {{ ref('int_person_case_status') }}),

referral_without_plan as (
    select
        la.person_id,
        {{ add_standard('la.auth_date', 'no_plan_grace') }} as due_date,
        la.team_id as source_team_id,
        la.worker_id as source_worker_id
    from latest_assessment la
    join case_status cs using (person_id)
    where la.auth_date is not null
      and not la.is_nfa
      and not cs.is_planned_case
),

open_care_plans as (
    select distinct lacp_person_id as person_id
    from {{ ref('stg_ssd_cla_care_plan') }}
    where lacp_person_id is not null
      and {{ open_at_d('lacp_cla_care_plan_start_date', 'lacp_cla_care_plan_end_date') }}
),
looked_after_without_plan as (
    select
        poc.person_id,
        {{ add_standard('poc.start_of_care', 'no_plan_grace') }} as due_date,
        cast(null as varchar) as source_team_id,
        cast(null as varchar) as source_worker_id
    from {{ ref('int_periods_of_care') }} poc
    where poc.is_open
      and poc.person_id is not null
      and poc.person_id not in (select person_id from open_care_plans)
    {{ one_of_several('poc.person_id', 'poc.start_of_care', 'poc.cla_id') }}
)

select 'NO_CURRENT_PLAN' as kpi_id, person_id, person_id as record_id, due_date,
       'due' as status_rule, cast(null as varchar) as flag, source_team_id, source_worker_id
from referral_without_plan
union all
select 'NO_CURRENT_PLAN', person_id, person_id, due_date, 'due', null, source_team_id, source_worker_id
from looked_after_without_plan
