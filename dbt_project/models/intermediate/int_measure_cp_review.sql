-- CP_REVIEW (kpis.md; WT2023): open CP plans; no review held yet: add_months(plan start, 3); else
-- add_months(latest review, 6). Reviews belong through cppr_cp_plan_id, else the person, on/after the start.
with reviews as (
    select * from {{ ref('stg_ssd_cp_reviews') }} where cppr_cp_review_date is not null
),
belonging as (
    select p.cp_plan_id, p.start_date, r.cppr_cp_review_date as review_date
    from {{ ref('int_cp_plans') }} p join reviews r on r.cppr_cp_plan_id = p.cp_plan_id
    union all
    select p.cp_plan_id, p.start_date, r.cppr_cp_review_date
    from {{ ref('int_cp_plans') }} p join reviews r on r.cppr_cp_plan_id is null and r.cppr_person_id = p.person_id
),
latest as (
    select cp_plan_id, max(review_date) as last_review
    from belonging where review_date >= start_date group by cp_plan_id
)

select
    'CP_REVIEW' as kpi_id, p.person_id, p.cp_plan_id as record_id,
    case when l.last_review is null then {{ add_months('p.start_date', 3) }}
         else {{ add_months('l.last_review', 6) }} end as due_date,
    'due' as status_rule, cast(null as varchar) as flag,
    p.team_id as source_team_id, p.worker_id as source_worker_id
from {{ ref('int_cp_plans') }} p
left join latest l using (cp_plan_id)
