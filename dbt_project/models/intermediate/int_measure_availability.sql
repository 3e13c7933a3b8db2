-- Which measures can be computed: a measure whose required extract table is absent is "not available"
-- (never a silent zero). The requirements come from the measure catalogue (measures.yml `requires`),
-- passed by the runner as the var measure_requires.
{%- set requires = var('measure_requires', {}) %}
with requirements as (
    {%- for kpi, tables in requires.items() %}
    {%- for t in tables %}
    select '{{ kpi }}' as kpi_id, '{{ t }}' as table_name
    {{- " union all" if not loop.last }}
    {%- endfor %}
    {{- " union all" if not loop.last }}
    {%- endfor %}
    {%- if not requires %}
    select cast(null as varchar) as kpi_id, cast(null as varchar) as table_name where false
    {%- endif %}
)

select
    r.kpi_id,
    bool_and(coalesce(a.present, false)) as is_available,
    string_agg(case when not coalesce(a.present, false) then r.table_name end, ', ' order by r.table_name) as missing_tables
from requirements r
left join {{ source('meta', 'table_availability') }} a using (table_name)
group by r.kpi_id
