-- MANAGER_HELD: docs/measures.md#manager_held (defined in plugins/csc_compliance/measures.yml).
-- The allocated worker (int_allocated_workers) of a child with an open case, joined to ssd_professionals; the
-- job title (empty when null) is matched by regexp_matches against the manager_job_title_pattern standard,
-- inlined with its quotes doubled. No due date: status_rule 'always' (overdue).
select
    'MANAGER_HELD' as kpi_id, a.person_id, a.person_id as record_id,
    cast(null as date) as due_date, 'always' as status_rule, cast(null as varchar) as flag,
    a.team_id as source_team_id, a.worker_id as source_worker_id
from {{ ref('int_allocated_workers') }} a
join {{ ref('int_person_case_status') }} cs using (person_id)
join {{ ref('stg_ssd_professionals') }} w on w.prof_professional_id = a.worker_id
where regexp_matches(coalesce(w.prof_professional_job_title, ''),
                     '{{ standard('manager_job_title_pattern') | replace("'", "''") }}')
