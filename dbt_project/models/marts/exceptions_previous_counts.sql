-- The previous run's count of exceptions per lead and measure: "change since the previous run".
with previous as (
    select max(reporting_date) as d from {{ source('meta', 'previous_runs') }}
)

select p.lead, p.kpi_id, count(*) as previous_count, any_value(previous.d) as previous_date
from {{ source('meta', 'previous_exceptions') }} p
join previous on p.reporting_date = previous.d
group by p.lead, p.kpi_id
