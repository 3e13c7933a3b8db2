-- The exception list as published (docs/contract.md#exceptionscsv): fct_exceptions with first_seen_date, the
-- first reporting date of the item's current unbroken run of listings, from the run history
-- (docs/contract.md#outputs, history.duckdb) as it stood before this run. Gaps and islands over the run dates:
-- the island that holds D gives first_seen_date.
with run_dates as (
    select reporting_date from {{ source('meta', 'previous_runs') }}
    union select {{ reporting_date() }}
),

run_idx as (
    select reporting_date, row_number() over (order by reporting_date) as idx from run_dates
),

listings as (
    select kpi_id, coalesce(record_id, '') as rid, reporting_date from {{ source('meta', 'previous_exceptions') }}
    union all
    select kpi_id, coalesce(record_id, ''), {{ reporting_date() }} from {{ ref('fct_exceptions') }}
),

islands as (
    select l.kpi_id, l.rid, l.reporting_date,
           r.idx - row_number() over (partition by l.kpi_id, l.rid order by r.idx) as island
    from (select distinct * from listings) l
    join run_idx r using (reporting_date)
),

first_seen as (
    select i.kpi_id, i.rid, min(i.reporting_date) as first_seen_date
    from islands i
    join islands cur on cur.kpi_id = i.kpi_id and cur.rid = i.rid and cur.island = i.island
                    and cur.reporting_date = {{ reporting_date() }}
    group by i.kpi_id, i.rid
)

select e.*, f.first_seen_date
from {{ ref('fct_exceptions') }} e
left join first_seen f on f.kpi_id = e.kpi_id and f.rid = coalesce(e.record_id, '')
order by e.kpi_id, e.record_id, e.person_id
