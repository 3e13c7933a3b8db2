-- The items each rate measure counts (kpis.md "Rate measures"): one row per denominator item (for counts,
-- per counted child or family), whether it is in the numerator, and the worker and team it drills down to.
-- Rates over children count a child once, overdue if any of its items is; rates over plans or events count
-- each. Past events (assessments, ICPCs, CP plans, referrals) drill down by their own team/worker where the
-- row holds them, else by the child's attribution.
with items as (select * from {{ ref('int_measure_items') }}),
attribution as (select * from {{ ref('int_person_attribution') }}),

assess_45wd as (
    select 'ASSESS_45WD_RATE' as kpi_id, a.assessment_id as item_id, a.person_id,
           (a.auth_date <= a.due_date) as in_numerator,
           coalesce(a.worker_id, attr.worker_id) as worker_id, coalesce(a.team_id, attr.team_id) as team_id
    from {{ ref('int_assessments') }} a
    left join attribution attr using (person_id)
    where a.auth_date is not null and a.auth_date > {{ add_months(reporting_date(), -12) }}
),

icpc_15wd as (
    select 'ICPC_15WD_RATE' as kpi_id, i.icpc_icpc_id as item_id, i.icpc_person_id as person_id,
           i.icpc_icpc_date <= {{ add_wd('s.s47e_s47_start_date', 15) }} as in_numerator,
           coalesce(i.icpc_icpc_worker_id, attr.worker_id) as worker_id,
           coalesce(i.icpc_icpc_team, attr.team_id) as team_id
    from {{ ref('stg_ssd_initial_cp_conference') }} i
    join {{ ref('stg_ssd_s47_enquiry') }} s on s.s47e_s47_enquiry_id = i.icpc_s47_enquiry_id
    left join attribution attr on attr.person_id = i.icpc_person_id
    where not i.icpc_icpc_transfer_in
      and i.icpc_icpc_date is not null
      and i.icpc_icpc_date > {{ add_months(reporting_date(), -12) }}
),

-- "visits in time" rates are over children: the child drills down as its first item (by record id)
by_child as (
    select kpi_id || '_RATE' as kpi_id, person_id as item_id, person_id,
           not bool_or(coalesce(status = 'overdue', false)) over (partition by kpi_id, person_id) as in_numerator,
           worker_id, team_id
    from items
    where kpi_id in ('CP_VISIT', 'CIN_VISIT', 'CLA_VISIT') and person_id is not null
    qualify row_number() over (partition by kpi_id, person_id order by record_id) = 1
),

-- review rates are over the population's items (plans, periods of care, care leavers)
by_item as (
    select kpi_id || '_RATE' as kpi_id, record_id as item_id, person_id,
           coalesce(status, '') <> 'overdue' as in_numerator, worker_id, team_id
    from items
    where kpi_id in ('CP_REVIEW', 'CLA_REVIEW', 'CIN_REVIEW', 'PATHWAY_PLAN_REVIEW')
),

core_group as (
    select 'CORE_GROUP_RATE' as kpi_id, p.cp_plan_id as item_id, p.person_id,
           not coalesce(bool_or(i.status = 'overdue'), false) as in_numerator,
           any_value(i.worker_id) as worker_id, any_value(i.team_id) as team_id
    from {{ ref('int_cp_plans') }} p
    left join items i on i.record_id = p.cp_plan_id and i.kpi_id in ('CORE_GROUP_FIRST', 'CORE_GROUP_INTERVAL')
    group by p.cp_plan_id, p.person_id
),

cp_plans as (
    select cppl_cp_plan_id, cppl_person_id, cppl_cp_plan_start_date, cppl_cp_plan_end_date, cppl_icpc_id
    from {{ ref('stg_ssd_cp_plans') }}
    where cppl_cp_plan_start_date is not null and cppl_person_id is not null
),
repeat_cp as (
    select
        p.cppl_cp_plan_id as item_id, p.cppl_person_id as person_id,
        exists (select 1 from cp_plans e where e.cppl_person_id = p.cppl_person_id
                and e.cppl_cp_plan_id <> p.cppl_cp_plan_id
                and e.cppl_cp_plan_start_date < p.cppl_cp_plan_start_date) as repeat_ever,
        exists (select 1 from cp_plans e where e.cppl_person_id = p.cppl_person_id
                and e.cppl_cp_plan_id <> p.cppl_cp_plan_id
                and e.cppl_cp_plan_start_date < p.cppl_cp_plan_start_date
                and (e.cppl_cp_plan_end_date is null
                     or e.cppl_cp_plan_end_date >= {{ add_months('p.cppl_cp_plan_start_date', -24) }})) as repeat_2y,
        -- ssd_cp_plans holds no team/worker: the child's attribution, a CP plan's source being its ICPC
        coalesce(attr.allocated_worker_id, i.icpc_icpc_worker_id, attr.referral_worker_id) as worker_id,
        coalesce(attr.allocated_team_id, i.icpc_icpc_team, attr.referral_team_id) as team_id
    from cp_plans p
    left join {{ ref('stg_ssd_initial_cp_conference') }} i on i.icpc_icpc_id = p.cppl_icpc_id
    left join attribution attr on attr.person_id = p.cppl_person_id
    where p.cppl_cp_plan_start_date > {{ add_months(reporting_date(), -12) }}
),

referrals as (
    select cine_referral_id, cine_person_id, cine_referral_date, cine_referral_team, cine_referral_worker_id
    from {{ ref('stg_ssd_cin_episodes') }}
    where cine_referral_date is not null and cine_person_id is not null
),
re_referral as (
    select 'RE_REFERRAL_RATE' as kpi_id, r.cine_referral_id as item_id, r.cine_person_id as person_id,
           exists (select 1 from referrals o where o.cine_person_id = r.cine_person_id
                   and o.cine_referral_id <> r.cine_referral_id
                   -- a previous referral is one dated before this one: two on one day are not each other's
                   and o.cine_referral_date < r.cine_referral_date
                   and o.cine_referral_date > {{ add_months('r.cine_referral_date', -12) }}) as in_numerator,
           coalesce(r.cine_referral_worker_id, attr.worker_id) as worker_id,
           coalesce(r.cine_referral_team, attr.team_id) as team_id
    from referrals r
    left join attribution attr on attr.person_id = r.cine_person_id
    where r.cine_referral_date > {{ add_months(reporting_date(), -12) }}
),

cp_over_2y as (
    select p.person_id, p.cp_plan_id, coalesce(i.worker_id, p.worker_id) as worker_id,
           coalesce(i.team_id, p.team_id) as team_id
    from {{ ref('int_cp_plans') }} p
    left join items i on i.kpi_id = 'CP_VISIT' and i.record_id = p.cp_plan_id
    where {{ add_months('p.start_date', 24) }} <= {{ reporting_date() }}
),
families as (
    select fami_person_id as person_id, fami_family_id as family_id
    from {{ ref('stg_ssd_family') }} where fami_person_id is not null and fami_family_id is not null
),
plo_over_26w as (
    select p.record_id, p.person_id, p.family_id, attr.worker_id, attr.team_id
    from {{ ref('int_pre_proceedings') }} p
    left join attribution attr using (person_id)
    where p.clock_start + 182 <= {{ reporting_date() }}
),

seen_alone as (
    select 'SEEN_ALONE_RATE' as kpi_id, v.cppv_cp_visit_id as item_id, v.cppv_person_id as person_id,
           v.cppv_cp_visit_seen_alone as in_numerator, attr.worker_id, attr.team_id
    from {{ ref('stg_ssd_cp_visits') }} v
    left join attribution attr on attr.person_id = v.cppv_person_id
    where v.cppv_cp_visit_seen and v.cppv_cp_visit_date is not null
      and v.cppv_cp_visit_date > {{ add_months(reporting_date(), -3) }}
),

agency as (
    select 'AGENCY_RATE' as kpi_id, c.worker_id as item_id, cast(null as varchar) as person_id,
           coalesce(w.prof_agency_worker_flag, false) as in_numerator, c.worker_id, c.team_id
    from {{ ref('int_worker_caseloads') }} c
    left join {{ ref('stg_ssd_professionals') }} w on w.prof_professional_id = c.worker_id
),

assessed_6m as (
    select 'ASSESSED_6M' as kpi_id, r.person_id as item_id, r.person_id,
           exists (select 1 from {{ ref('int_assessments') }} a where a.person_id = r.person_id
                   and a.auth_date is not null
                   and a.auth_date > {{ add_months(reporting_date(), -6) }}) as in_numerator,
           coalesce(attr.worker_id, r.worker_id) as worker_id, coalesce(attr.team_id, r.team_id) as team_id
    from {{ ref('int_open_referrals') }} r
    left join attribution attr using (person_id)
)

select * from assess_45wd
union all select * from icpc_15wd
union all select * from by_child
union all select * from by_item
union all select * from core_group
union all select 'REPEAT_CP_RATE', item_id, person_id, repeat_ever, worker_id, team_id from repeat_cp
union all select 'REPEAT_CP_2Y_RATE', item_id, person_id, repeat_2y, worker_id, team_id from repeat_cp
union all select * from re_referral
-- counts: one item per child (or family), all in the numerator
union all
select 'CP_OVER_2Y_CHILDREN', person_id, person_id, true, any_value(worker_id), any_value(team_id)
from cp_over_2y group by person_id
union all
select 'CP_OVER_2Y_FAMILIES', coalesce(f.family_id, 'PERSON:' || c.person_id), c.person_id, true, c.worker_id, c.team_id
from cp_over_2y c left join families f using (person_id)
union all
select 'PLO_OVER_26W_CHILDREN', person_id, person_id, true, any_value(worker_id), any_value(team_id)
from plo_over_26w group by person_id
union all
select 'PLO_OVER_26W_FAMILIES', family_id, person_id, true, worker_id, team_id from plo_over_26w
union all select * from seen_alone
union all select * from agency
union all select * from assessed_6m
