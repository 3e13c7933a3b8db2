-- MANAGER_HELD (kpis.md; Buckinghamshire finding: "cases held in managers' names"): children with an open
-- case whose allocated worker's job title matches the manager pattern (local standard
-- manager_job_title_pattern, default (?i)manager). No due date: status overdue.
select
    'MANAGER_HELD' as kpi_id, a.person_id, a.person_id as record_id,
    cast(null as date) as due_date, 'always' as status_rule, cast(null as varchar) as flag,
    a.team_id as source_team_id, a.worker_id as source_worker_id
from {{ ref('int_allocated_workers') }} a
join {{ ref('int_person_case_status') }} cs using (person_id)
join {{ ref('stg_ssd_professionals') }} w on w.prof_professional_id = a.worker_id
where regexp_matches(coalesce(w.prof_professional_job_title, ''),
                     '{{ standard('manager_job_title_pattern') | replace("'", "''") }}')
