{#
  docs/contract.md#recording-gaps-bad-values-do-not-stop-a-run: a broken reference is a recording gap (a `references`
  rule of expectations/catalogue.yml, checked by the data-quality suites) and the measures read it as null.
  csc_ref reads a link column as staging reads text, then nulls it when it names no row of its parent table.
  The rules come from the catalogue through the var `references` ({table: {column: [[parent_table,
  parent_column, rule_id], ...]}}, passed by the runner), so the suites and the measures read one rule.
  A parent table absent from the extract cannot be checked: the link is kept as written, as the suites skip
  the rule. Values compare trimmed and case-sensitive, as the suites compare them.
#}
{% macro csc_ref(column) -%}
    {%- set table = model.name | replace('stg_', '', 1) -%}
    {%- set rules = var('references', {}).get(table, {}).get(column) -%}
    {%- if execute and var('references', {}) and not rules -%}
        {{ exceptions.raise_compiler_error("csc_ref('" ~ column ~ "') in " ~ model.name ~ ": the catalogue has no references rule for " ~ table ~ "." ~ column ~ "; read it with csc_text") }}
    {%- endif -%}
    {%- if not rules -%}
    {{ csc_text(column) }}
    {%- else -%}
    case when {% for parent_table, parent_column, rule_id in rules %}{{ ' and ' if not loop.first }}(
            -- {{ rule_id }}
            {{ csc_text(column) }} in (select {{ csc_text(parent_column) }} from {{ source('raw', parent_table) }})
            or not exists (select 1 from {{ source('meta', 'table_availability') }}
                           where table_name = '{{ parent_table }}' and present)){% endfor %}
         then {{ csc_text(column) }} end
    {%- endif %}
{%- endmacro %}
