-- UNALLOCATED: docs/measures.md#unallocated (defined in plugins/csc_compliance/measures.yml).
-- An anti-join of the children with an open case (int_person_case_status) on int_allocated_workers. No due date:
-- status_rule 'always' lists every row as overdue. record_id is the person.
select
    'UNALLOCATED' as kpi_id, cs.person_id, cs.person_id as record_id,
    cast(null as date) as due_date, 'always' as status_rule, cast(null as varchar) as flag,
    cast(null as varchar) as source_team_id, cast(null as varchar) as source_worker_id
from {{ ref('int_person_case_status') }} cs
left join {{ ref('int_allocated_workers') }} a using (person_id)
where a.person_id is null
