-- CLA_REVIEW: docs/measures.md#cla_review (defined in plugins/csc_compliance/measures.yml).
-- Cancelled reviews are dropped before belonging_items, so they count neither as the latest nor in the count
-- that picks the rule. Reviews belong through clar_cla_id, else the person (clar_cla_person_id, an SSD 1.4.5
-- column), from the start of care. Reviews are counted by date: one review recorded twice (two rows, one day)
-- is one review held. No source team/worker: attribution falls to the child's.
with periods as (select * from {{ ref('int_periods_of_care') }} where is_open),
reviews as (
    select * from {{ ref('stg_ssd_cla_reviews') }}
    where not clar_cla_review_cancelled and clar_cla_review_date is not null
),
belonging as (
    {{ belonging_items('periods', 'cla_id', 'person_id', 'start_of_care',
                       'reviews', 'clar_cla_id', 'clar_cla_person_id', 'clar_cla_review_date') }}
),
counted as (
    select parent_id as cla_id, count(distinct item_date) as reviews, max(item_date) as last_review
    from belonging group by parent_id
)

select
    'CLA_REVIEW' as kpi_id, p.person_id, p.cla_id as record_id,
    case when c.reviews is null then {{ add_wd('p.start_of_care', 20) }}
         when c.reviews = 1 then {{ add_months('c.last_review', 3) }}
         else {{ add_months('c.last_review', 6) }} end as due_date,
    'due' as status_rule, cast(null as varchar) as flag,
    cast(null as varchar) as source_team_id, cast(null as varchar) as source_worker_id
from periods p
left join counted c using (cla_id)
