-- PATHWAY_PLAN_REVIEW (kpis.md; Care Leavers (England) Regulations 2010): every person in ssd_care_leavers;
-- due add_months(latest non-null pathway plan review date across the person's rows, 6); null on every row:
-- overdue with no due date. The row named is the one holding the latest review (else the greatest id).
with rows_ranked as (
    select *, max(clea_pathway_plan_review_date) over (partition by clea_person_id) as latest_review
    from {{ ref('stg_ssd_care_leavers') }}
    where clea_person_id is not null
    {{ one_of_several('clea_person_id', 'clea_pathway_plan_review_date', 'clea_table_id') }}
)

select
    'PATHWAY_PLAN_REVIEW' as kpi_id, clea_person_id as person_id, clea_table_id as record_id,
    {{ add_months('latest_review', 6) }} as due_date,
    'due' as status_rule, cast(null as varchar) as flag,
    clea_care_leaver_allocated_team as source_team_id, clea_care_leaver_worker_id as source_worker_id
from rows_ranked
