-- The metric catalog (seeds/metric_catalog.csv) as a mart with a contract and
-- a primary key, so that every fact table's metric_code can declare a foreign
-- key to it. Same rows, columns and column order as the seed.
with catalog as (
    select * from {{ ref('metric_catalog') }}
),

final as (
    select
        metric_code,
        fact_table,
        domain,
        measure,
        unit,
        label_zh,
        definition
    from catalog
)

select * from final
