-- UNALLOCATED (kpis.md; Buckinghamshire monitoring-visit finding): children with an open case and no
-- allocated worker at D. No due date: status overdue.
select
    'UNALLOCATED' as kpi_id, cs.person_id, cs.person_id as record_id,
    cast(null as date) as due_date, 'always' as status_rule, cast(null as varchar) as flag,
    cast(null as varchar) as source_team_id, cast(null as varchar) as source_worker_id
from {{ ref('int_person_case_status') }} cs
left join {{ ref('int_allocated_workers') }} a using (person_id)
where a.person_id is null
