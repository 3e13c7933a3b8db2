{# dbt deps cannot reach the package hub here: the one dbt_utils test we need, written out. #}
{% test unique_combination_of_columns(model, columns) %}
select {{ columns | join(', ') }}, count(*) as n
from {{ model }}
where {% for c in columns %}{{ c }} is not null{{ " and " if not loop.last }}{% endfor %}  {# a row without a key is a recording gap, never a failed night #}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
