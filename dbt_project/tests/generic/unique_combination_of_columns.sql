{#- Grain test: no two rows share the combination (nulls compare equal, so a
    null channel cannot hide a duplicate). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
select {{ combination_of_columns | join(', ') }}, count(*) as n_rows
from {{ model }}
group by all
having count(*) > 1
{% endtest %}
