{#- Values outside their column's accepted list, one row per (column_name,
    value) with n_records: one query per table instead of one accepted_values
    test per column (each dbt test costs fixed overhead in a run, whatever the
    table size). `values` maps column -> accepted values. Nulls pass, as in
    dbt's accepted_values. Each value is written as a literal of its YAML type
    (a string quoted, a number or boolean bare), so [1, -1] on an integer column
    compares as integers, as dbt's accepted_values does with quote: false. -#}
{% test accepted_values_columns(model, values) %}
{%- if values is not mapping or not values -%}
  {{ exceptions.raise_compiler_error("accepted_values_columns: `values` must map column -> list of accepted values") }}
{%- endif %}
{%- for column, accepted in values.items() %}
{%- if accepted is string or accepted is not iterable or not accepted -%}
  {{ exceptions.raise_compiler_error("accepted_values_columns: column " ~ column ~ " needs a non-empty list of values") }}
{%- endif %}
select '{{ column | replace("'", "''") }}' as column_name,
       cast({{ adapter.quote(column) }} as varchar) as value,
       count(*) as n_records
from {{ model }}
where {{ adapter.quote(column) }} not in (
    {%- for v in accepted -%}
      {%- if v is boolean -%}{{ 'true' if v else 'false' }}
      {%- elif v is number -%}{{ v }}
      {%- else -%}'{{ v | string | replace("'", "''") }}'
      {%- endif -%}
      {%- if not loop.last %}, {% endif -%}
    {%- endfor -%}
)
group by all
{% if not loop.last %}union all{% endif %}
{%- endfor %}
{% endtest %}
