{# Reading raw text values. The DuckDB macros csc_parse_date / csc_parse_flag are created by the landing
   step from csc_compliance/core/parsing.py, the one definition the data-quality suites share. #}

{# A date column: unparseable -> null; after the reporting date D -> null ("nothing after D counts"). #}
{% macro csc_date(column) -%}
    case when csc_parse_date({{ column }}) <= {{ reporting_date() }} then csc_parse_date({{ column }}) end
{%- endmacro %}

{# A due, target or expected date: exempt from the "after D" rule. #}
{% macro csc_due_date(column) -%}
    csc_parse_date({{ column }})
{%- endmacro %}

{# A Y/N flag: yes only for an accepted yes spelling; anything else, or null, means no (docs/conventions.md#flags). #}
{% macro csc_flag(column) -%}
    coalesce(csc_parse_flag({{ column }}), false)
{%- endmacro %}

{# A *_json value: a JSON object or array (as FOR JSON writes it), else null. #}
{% macro csc_json(column) -%}
    csc_parse_json({{ column }})
{%- endmacro %}

{% macro csc_text(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}

{% macro csc_int(column) -%}
    try_cast(trim({{ column }}) as bigint)
{%- endmacro %}

{# Rows sharing a key are all flagged as gaps; the measures keep the first in file order. #}
{# Keys compare trimmed, as they are read ("A1" and "A1 " are one key). Rows with no key are all kept. #}
{% macro first_row_per_key(key) -%}
    qualify nullif(trim({{ key }}), '') is null
         or row_number() over (partition by nullif(trim({{ key }}), '') order by _row_number) = 1
{%- endmacro %}
