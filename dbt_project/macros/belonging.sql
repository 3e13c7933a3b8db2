{#
  docs/conventions.md#belonging-to-a-plan: a visit, review or core group belongs to a plan (or period of care) through
  the plan's id where the row holds one, else through the person; only items dated on or after the start of
  the plan (period of care) count. Returns (parent_id, item_date) pairs; `items` is a relation or CTE of
  dated items. With item_parent_col=none (CIN visits carry no plan id) items belong through the person.
#}
{% macro belonging_items(parents, parent_id, parent_person, parent_start,
                         items, item_parent_col, item_person_col, item_date_col) -%}
    {%- if item_parent_col %}
    select p.{{ parent_id }} as parent_id, i.{{ item_date_col }} as item_date
    from {{ parents }} p
    join {{ items }} i on i.{{ item_parent_col }} = p.{{ parent_id }}
    where i.{{ item_date_col }} >= p.{{ parent_start }}
    union all
    {%- endif %}
    select p.{{ parent_id }} as parent_id, i.{{ item_date_col }} as item_date
    from {{ parents }} p
    join {{ items }} i on {% if item_parent_col %}i.{{ item_parent_col }} is null and {% endif %}i.{{ item_person_col }} = p.{{ parent_person }}
    where i.{{ item_date_col }} >= p.{{ parent_start }}
{%- endmacro %}
