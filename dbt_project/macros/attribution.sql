{# The attribution chain (docs/conventions.md#attribution), the one place it is written: the child's allocated
   worker (and that involvement's team), else the source record's own, else the child's open referral's.
   `attr` is a row of int_person_attribution. #}
{% macro attributed_worker(attr, source_worker) -%}
    coalesce({{ attr }}.allocated_worker_id, {{ source_worker }}, {{ attr }}.referral_worker_id)
{%- endmacro %}
{% macro attributed_team(attr, source_team) -%}
    coalesce({{ attr }}.allocated_team_id, {{ source_team }}, {{ attr }}.referral_team_id)
{%- endmacro %}

{# What no one owns (docs/conventions.md#attribution): the lead of a row with no known area, and the unit of a
   KPI value with no known area, team or worker. Python's names for them are the same (the `unassigned` var,
   from csc_compliance/core/vocabulary.py). #}
{# (read leniently: dbt parses before the run-start hook names a missing variable) #}
{% macro unassigned_lead() -%}
    '{{ (var("unassigned", none) or {}).get("lead", "") }}'
{%- endmacro %}
{% macro unassigned_unit() -%}
    '{{ (var("unassigned", none) or {}).get("unit", "") }}'
{%- endmacro %}

{# Each raw row's own team and worker, by (table, row number), for the tables whose catalogue entry names
   them (`team` / `worker`; the `row_owners` var). A team that is no team of ssd_department, or a worker who
   is no professional, routes nothing: the gap may be about it. #}
{% macro row_owners() -%}
    select o.tbl, o._row_number,
           (select u.team_id from {{ ref('int_units') }} u where u.team_id = o.team) as team_id,
           (select p.prof_professional_id from {{ ref('stg_ssd_professionals') }} p
             where p.prof_professional_id = o.worker limit 1) as worker_id
    from (
        {%- for table, columns in (var("row_owners", none) or {}).items() %}
        select '{{ table }}' as tbl, _row_number, nullif(trim({{ columns[0] }}), '') as team,
               nullif(trim({{ columns[1] }}), '') as worker
        from {{ source('raw', table) }}{{ " union all" if not loop.last }}
        {%- endfor %}
    ) o
{%- endmacro %}
