{#
  Post-hook of every table and seed: log how many rows it now holds, as
  "fazhi_row_count <n>". The Dagster asset puts the number on the table's
  materialization (dagster/row_count, assets/dbt_tests.py). Counted here, in
  dbt's own connection, because no other process can open the DuckDB file
  while dbt writes it. Views log nothing (a count would run their query).
#}
{% macro log_row_count() %}
  {% if execute and config.get('materialized') in ('table', 'incremental', 'seed') %}
    {% set result = run_query('select count(*) from ' ~ this) %}
    {{ log('fazhi_row_count ' ~ result.columns[0].values()[0], info=True) }}
  {% endif %}
{% endmacro %}
