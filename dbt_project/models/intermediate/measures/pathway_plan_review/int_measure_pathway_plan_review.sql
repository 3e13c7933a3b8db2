-- PATHWAY_PLAN_REVIEW: docs/measures.md#pathway_plan_review (defined in plugins/csc_compliance/measures.yml).
-- A person may have several ssd_care_leavers rows: a window max() takes the latest review over all of them, and
-- one_of_several (latest review date, then greatest clea_table_id) keeps the one row to name. With no review at
-- all add_months gives null, which int_measure_items lists as overdue with no due date. Source team/worker: the
-- named row's care-leaver team and worker.
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
