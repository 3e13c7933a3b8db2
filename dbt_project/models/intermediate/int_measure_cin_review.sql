-- CIN_REVIEW (kpis.md; local standard cin_review, default 3 months): open CIN plans of CIN-level children;
-- due add_standard(latest review on/after the plan start, or the plan start). Reviews (ssd_ext_cin_reviews)
-- belong through cinr_cin_plan_id, else the person.
with reviews as (
    select * from {{ ref('stg_ssd_ext_cin_reviews') }} where cinr_review_date is not null
),
belonging as (
    select p.cin_plan_id, p.start_date, r.cinr_review_date as review_date
    from {{ ref('int_cin_plans') }} p join reviews r on r.cinr_cin_plan_id = p.cin_plan_id
    union all
    select p.cin_plan_id, p.start_date, r.cinr_review_date
    from {{ ref('int_cin_plans') }} p join reviews r on r.cinr_cin_plan_id is null and r.cinr_person_id = p.person_id
),
latest as (
    select cin_plan_id, max(review_date) as last_review
    from belonging where review_date >= start_date group by cin_plan_id
)

select
    'CIN_REVIEW' as kpi_id, p.person_id, p.cin_plan_id as record_id,
    {{ add_standard('coalesce(l.last_review, p.start_date)', 'cin_review') }} as due_date,
    'due' as status_rule, cast(null as varchar) as flag,
    p.team_id as source_team_id, p.worker_id as source_worker_id
from {{ ref('int_cin_plans') }} p
left join latest l using (cin_plan_id)
