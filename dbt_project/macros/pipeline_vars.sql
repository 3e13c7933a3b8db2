{#
  The pipeline passes every variable the models read (csc_compliance.pipeline.dbt_build.dbt_vars: the reporting date,
  the local standards, the measures' requirements, the catalogue's reference rules). A `dbt build` without
  them would not fail by itself: `var('references', {})` and `var('measure_requires', {})` would quietly give
  other numbers. This run-start hook stops such a build, naming what is missing (README "Running dbt by hand").
#}
{% macro missing_vars_error(missing) -%}
    {{ exceptions.raise_compiler_error("this dbt project runs with the variables the pipeline passes, and "
       ~ missing | join(', ') ~ " " ~ ("is" if missing | length == 1 else "are") ~ " not set: print them with "
       ~ "`python -m csc_compliance.pipeline.dbt_build --vars [--config FILE] [--as-at YYYY-MM-DD]` and pass them as "
       ~ "--vars (README: Running dbt by hand)") }}
{%- endmacro %}

{# One local standard of the run (docs/measures.md#local-standards-defaults): parse needs them too. #}
{% macro standard(name) -%}
    {%- set standards = var("standards", none) or {} -%}
    {%- if name not in standards -%}{{ missing_vars_error(['standards']) }}{%- endif -%}
    {{- return(standards[name]) -}}
{%- endmacro %}

{% macro require_pipeline_vars() %}
    {%- set missing = [] -%}
    {%- for name in ['reporting_date', 'authority_code', 'authority_name', 'standards', 'measure_requires',
                     'rate_measures', 'count_measures', 'references', 'unassigned', 'row_owners'] -%}
        {%- if not var(name, none) -%}{%- do missing.append(name) -%}{%- endif -%}
    {%- endfor -%}
    {%- if execute and missing -%}
        {{ missing_vars_error(missing) }}
    {%- endif -%}
    select 1
{% endmacro %}
