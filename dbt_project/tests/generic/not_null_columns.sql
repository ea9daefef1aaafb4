{#- Rows where any of `columns` is null: one query per table instead of one
    not_null test per column (each dbt test costs ~0.1 s of fixed overhead in
    a run, whatever the table size). Marts declare not_null constraints in their
    contracts instead, which DuckDB enforces while building them. -#}
{% test not_null_columns(model, columns) %}
select *
from {{ model }}
where {% for c in columns %}{{ adapter.quote(c) }} is null{% if not loop.last %} or {% endif %}{% endfor %}
{% endtest %}
