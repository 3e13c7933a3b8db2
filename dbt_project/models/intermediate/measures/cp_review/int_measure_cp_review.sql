-- CP_REVIEW: docs/measures.md#cp_review (defined in plugins/csc_compliance/measures.yml).
-- Dated reviews belong through belonging_items (cppr_cp_plan_id, else the person, on or after the plan start);
-- whether any belongs picks the 3- or the 6-month add_months (calendar months, clamped to the month's end).
-- Source team/worker: the plan's ICPC (int_cp_plans).
with plans as (select * from {{ ref('int_cp_plans') }}),
reviews as (
    select * from {{ ref('stg_ssd_cp_reviews') }} where cppr_cp_review_date is not null
),
belonging as (
    {{ belonging_items('plans', 'cp_plan_id', 'person_id', 'start_date',
                       'reviews', 'cppr_cp_plan_id', 'cppr_person_id', 'cppr_cp_review_date') }}
),
latest as (select parent_id as cp_plan_id, max(item_date) as last_review from belonging group by 1)

select
    'CP_REVIEW' as kpi_id, p.person_id, p.cp_plan_id as record_id,
    case when l.last_review is null then {{ add_months('p.start_date', 3) }}
         else {{ add_months('l.last_review', 6) }} end as due_date,
    'due' as status_rule, cast(null as varchar) as flag,
    p.team_id as source_team_id, p.worker_id as source_worker_id
from plans p
left join latest l using (cp_plan_id)
