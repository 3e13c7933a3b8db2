-- Rate measures at every level (contract.md kpi_values.csv): la (the configured authority), area, team and
-- worker; items with no known unit go to UNASSIGNED. value = numerator / denominator, unrounded, null when
-- the denominator is 0. A measure whose source table is absent has one la row with empty numbers and a
-- note saying why (never a silent zero).
{%- set rate_kpis = var('rate_measures', ['ASSESS_45WD_RATE', 'CP_VISIT_RATE']) %}
with kpis as (
    {%- for k in rate_kpis %}
    select '{{ k }}' as kpi_id{{ " union all" if not loop.last }}
    {%- endfor %}
),
availability as (
    select kpis.kpi_id, coalesce(av.is_available, true) as is_available, av.missing_tables
    from kpis left join {{ ref('int_measure_availability') }} av using (kpi_id)
),
items as (
    select i.*, u.area_id, u.area_name, u.team_name
    from {{ ref('int_rate_items') }} i
    left join {{ ref('int_units') }} u on u.team_id = i.team_id
),
by_unit as (
    select kpi_id, 'area' as level, coalesce(area_id, 'UNASSIGNED') as unit_id,
           coalesce(any_value(area_name), coalesce(area_id, 'UNASSIGNED')) as unit_name,
           count_if(in_numerator) as numerator, count(*) as denominator
    from items group by kpi_id, coalesce(area_id, 'UNASSIGNED')
    union all
    select kpi_id, 'team', coalesce(team_id, 'UNASSIGNED'),
           coalesce(any_value(team_name), coalesce(team_id, 'UNASSIGNED')),
           count_if(in_numerator), count(*)
    from items group by kpi_id, coalesce(team_id, 'UNASSIGNED')
    union all
    select kpi_id, 'worker', coalesce(worker_id, 'UNASSIGNED'), coalesce(worker_id, 'UNASSIGNED'),
           count_if(in_numerator), count(*)
    from items group by kpi_id, coalesce(worker_id, 'UNASSIGNED')
),
la as (
    select a.kpi_id, 'la' as level, '{{ var("authority_code") }}' as unit_id,
           '{{ var("authority_name") | replace("'", "''") }}' as unit_name,
           count_if(i.in_numerator) as numerator, count(i.kpi_id) as denominator
    from availability a left join items i using (kpi_id)
    where a.is_available
    group by a.kpi_id
),
computed as (
    select * from la
    union all
    select b.* from by_unit b join availability a using (kpi_id) where a.is_available
)

select
    kpi_id, level, unit_id, unit_name,
    numerator, denominator,
    case when denominator > 0 then numerator::double / denominator end as value,
    cast(null as varchar) as note
from computed
union all
select kpi_id, 'la', '{{ var("authority_code") }}', '{{ var("authority_name") | replace("'", "''") }}',
       null, null, null, 'not available: ' || missing_tables || ' not in the extract'
from availability
where not is_available
order by kpi_id,
         case level when 'la' then 0 when 'area' then 1 when 'team' then 2 else 3 end,
         unit_id
