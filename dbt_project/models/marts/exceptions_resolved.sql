-- What the previous run listed and this one does not: resolved since then (the workbooks' "Resolved" rows).
with previous as (
    select max(reporting_date) as d from {{ source('meta', 'previous_runs') }}
)

select p.kpi_id, p.record_id, p.person_id, p.worker_id, p.team_id, p.area_id, p.lead, p.status,
       p.due_date, p.first_seen_date, p.reporting_date as last_listed
from {{ source('meta', 'previous_exceptions') }} p
join previous on p.reporting_date = previous.d
where not exists (
    select 1 from {{ ref('fct_exceptions') }} c
    where c.kpi_id = p.kpi_id and coalesce(c.record_id, '') = coalesce(p.record_id, '')
)
order by p.kpi_id, p.record_id
