-- CLA_REVIEW (kpis.md; CPR 2010 reg 33): children with an open period of care. Count the non-cancelled
-- reviews dated on/after the start of care (cancelled reviews are ignored, also for the count): none ->
-- add_wd(start of care, 20); exactly one -> add_months(it, 3); two or more -> add_months(latest, 6).
-- Reviews belong through clar_cla_id where held, else the person (clar_cla_person_id, SSD 1.4.5).
with periods as (select * from {{ ref('int_periods_of_care') }} where is_open),
reviews as (
    select clar_cla_id, clar_cla_person_id, clar_cla_review_date as review_date
    from {{ ref('stg_ssd_cla_reviews') }}
    where not clar_cla_review_cancelled and clar_cla_review_date is not null
),
belonging as (
    select p.cla_id, r.review_date from periods p join reviews r on r.clar_cla_id = p.cla_id
    union all
    select p.cla_id, r.review_date from periods p
    join reviews r on r.clar_cla_id is null and r.clar_cla_person_id = p.person_id
),
counted as (
    select p.cla_id, count(*) as reviews, max(b.review_date) as last_review
    from periods p join belonging b using (cla_id)
    where b.review_date >= p.start_of_care
    group by p.cla_id
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
