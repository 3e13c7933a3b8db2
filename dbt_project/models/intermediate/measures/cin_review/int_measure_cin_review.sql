-- CIN_REVIEW: docs/measures.md#cin_review (defined in plugins/csc_compliance/measures.yml).
-- int_cin_plans holds only CIN-level children's plans (docs/conventions.md#cin-level-child). Reviews
-- (ssd_ext_cin_reviews) belong through belonging_items by cinr_cin_plan_id, else the person; base = the latest,
-- else the plan start; add_standard applies the cin_review standard in its configured unit.
with plans as (select * from {{ ref('int_cin_plans') }}),
reviews as (
    select * from {{ ref('stg_ssd_ext_cin_reviews') }} where cinr_review_date is not null
),
belonging as (
    {{ belonging_items('plans', 'cin_plan_id', 'person_id', 'start_date',
                       'reviews', 'cinr_cin_plan_id', 'cinr_person_id', 'cinr_review_date') }}
),
latest as (select parent_id as cin_plan_id, max(item_date) as last_review from belonging group by 1)

select
    'CIN_REVIEW' as kpi_id, p.person_id, p.cin_plan_id as record_id,
    {{ add_standard('coalesce(l.last_review, p.start_date)', 'cin_review') }} as due_date,
    'due' as status_rule, cast(null as varchar) as flag,
    p.team_id as source_team_id, p.worker_id as source_worker_id
from plans p
left join latest l using (cin_plan_id)
