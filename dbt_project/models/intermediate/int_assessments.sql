-- Single assessments with their 45-working-day due date (docs/measures.md#assess_45wd, #assess_45wd_rate):
-- due = add_wd(referral date, 45), the referral found through cina_referral_id; with no such referral (or
-- no readable referral date) the assessment start date is the clock start.
select
    a.cina_assessment_id as assessment_id,
    a.cina_person_id as person_id,
    a.cina_referral_id as referral_id,
    a.cina_assessment_start_date as start_date,
    a.cina_assessment_auth_date as auth_date,
    a.cina_assessment_outcome_nfa as is_nfa,
    r.cine_referral_date as referral_date,
    coalesce(r.cine_referral_date, a.cina_assessment_start_date) as clock_start,
    {{ add_wd('coalesce(r.cine_referral_date, a.cina_assessment_start_date)', 45) }} as due_date,
    a.cina_assessment_team as team_id,
    a.cina_assessment_worker_id as worker_id
from {{ ref('stg_ssd_cin_assessments') }} as a
left join {{ ref('stg_ssd_cin_episodes') }} as r
    on r.cine_referral_id = a.cina_referral_id
