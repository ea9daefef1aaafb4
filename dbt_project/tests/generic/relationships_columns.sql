{#- Child values with no parent, one row per (column_name, value) with
    n_records: one query per table instead of one relationships test per
    column (each dbt test costs fixed overhead in a run, whatever the table
    size). `references` maps column -> {to: "ref('x')" or "source('a', 'b')",
    field: parent column}; dbt renders ref()/source() at any depth of test
    arguments, so each parent becomes a dependency of the test. Nulls pass, as
    in dbt's relationships. -#}
{% test relationships_columns(model, references) %}
{%- if references is not mapping or not references -%}
  {{ exceptions.raise_compiler_error("relationships_columns: `references` must map column -> {to, field}") }}
{%- endif %}
with child as (
    select * from {{ model }}
)
{%- for column, parent in references.items() %}
{%- if parent is not mapping or not parent.get('to') or not parent.get('field') -%}
  {{ exceptions.raise_compiler_error("relationships_columns: column " ~ column ~ " needs `to` and `field`") }}
{%- endif %}
select '{{ column | replace("'", "''") }}' as column_name,
       cast(child.{{ adapter.quote(column) }} as varchar) as value,
       count(*) as n_records
from child
where child.{{ adapter.quote(column) }} is not null
  and not exists (
    select 1 from {{ parent['to'] }} as parent
    where parent.{{ adapter.quote(parent['field']) }} = child.{{ adapter.quote(column) }}
  )
group by all
{% if not loop.last %}union all{% endif %}
{%- endfor %}
{% endtest %}
