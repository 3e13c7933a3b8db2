-- Per worker, the children with an open case whose allocated worker they are (one per child, as Attribution
-- picks it), and the team of the worker's latest-starting open allocation (docs/measures.md#caseload, #agency_rate).
with allocations as (
    select a.*
    from {{ ref('int_allocated_workers') }} a
    join {{ ref('int_person_case_status') }} cs using (person_id)
),
team as (
    select worker_id, team_id
    from allocations
    {{ one_of_several('worker_id', 'allocated_since', 'involvement_id') }}
)

select a.worker_id, count(distinct a.person_id) as children, any_value(team.team_id) as team_id
from allocations a
join team using (worker_id)
group by a.worker_id
