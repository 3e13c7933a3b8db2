-- Rate measures at every level (docs/contract.md#kpi_valuescsv): la (the configured authority), area, team and
-- worker; items with no known unit go to UNASSIGNED. value = numerator / denominator, unrounded, null when
-- the denominator is 0. A measure whose source table is absent has one la row with empty numbers and a
-- note saying why (never a silent zero).
{%- set rate_kpis = var('rate_measures', []) %}
{%- set count_kpis = var('count_measures', []) %}
with kpis as (
    {%- for k in rate_kpis %}
    select '{{ k }}' as kpi_id, {{ 'true' if k in count_kpis else 'false' }} as is_count{{ " union all" if not loop.last }}
    {%- endfor %}
    {%- if not rate_kpis %}
    select cast(null as varchar) as kpi_id, false as is_count where false
    {%- endif %}
),
availability as (
    select kpis.kpi_id, kpis.is_count, coalesce(av.is_available, true) as is_available, av.missing_tables
    from kpis left join {{ ref('int_measure_availability') }} av using (kpi_id)
),
items as (
    select i.*, u.area_id, u.area_name, u.team_name
    from {{ ref('int_rate_items') }} i
    left join {{ ref('int_units') }} u on u.team_id = i.team_id
),
by_unit as (
    select kpi_id, 'area' as level, coalesce(area_id, {{ unassigned_unit() }}) as unit_id,
           coalesce(any_value(area_name), coalesce(area_id, {{ unassigned_unit() }})) as unit_name,
           count(distinct case when in_numerator then item_id end) as numerator, count(distinct item_id) as denominator
    from items group by kpi_id, coalesce(area_id, {{ unassigned_unit() }})
    union all
    select kpi_id, 'team', coalesce(team_id, {{ unassigned_unit() }}),
           coalesce(any_value(team_name), coalesce(team_id, {{ unassigned_unit() }})),
           count(distinct case when in_numerator then item_id end), count(distinct item_id)
    from items group by kpi_id, coalesce(team_id, {{ unassigned_unit() }})
    union all
    select kpi_id, 'worker', coalesce(worker_id, {{ unassigned_unit() }}), coalesce(worker_id, {{ unassigned_unit() }}),
           count(distinct case when in_numerator then item_id end), count(distinct item_id)
    from items group by kpi_id, coalesce(worker_id, {{ unassigned_unit() }})
),
la as (
    select a.kpi_id, 'la' as level, '{{ var("authority_code") }}' as unit_id,
           '{{ var("authority_name") | replace("'", "''") }}' as unit_name,
           count(distinct case when i.in_numerator then i.item_id end) as numerator, count(distinct i.item_id) as denominator
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
    c.kpi_id, c.level, c.unit_id, c.unit_name,
    c.numerator,
    case when not a.is_count then c.denominator end as denominator,
    case when a.is_count then c.numerator::double
         when c.denominator > 0 then c.numerator::double / c.denominator end as value,
    cast(null as varchar) as note
from computed c
join availability a using (kpi_id)
union all
select kpi_id, 'la', '{{ var("authority_code") }}', '{{ var("authority_name") | replace("'", "''") }}',
       null, null, null, 'not available: ' || missing_tables || ' not in the extract'
from availability
where not is_available
order by kpi_id,
         case level when 'la' then 0 when 'area' then 1 when 'team' then 2 else 3 end,
         unit_id
