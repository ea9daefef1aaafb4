-- Regions ranked by administrative reconsideration correction rate (纠错率)
-- for one report year: `dbt compile --select reconsideration_correction_rate_ranking --vars '{year: 2023}'`.
-- The stated rate is preferred; a rate derived from the report's own counts
-- (corrected / concluded) fills in when the report states none.
with review_rates as (
    select * from {{ ref('fct_review_rates') }}
),

reports as (
    select * from {{ ref('dim_report') }}
),

regions as (
    select * from {{ ref('dim_region') }}
),

rates as (
    select
        report_id,
        region_code,
        rate_value,
        source,
        basis,
        row_number() over (
            partition by report_id
            order by case source when 'stated' then 0 else 1 end, figure_rank
        ) as pick
    from review_rates
    where
        metric_code = 'admin_review.correction_rate'
        and source in ('stated', 'derived')
        and report_year = {{ var('year', 2024) }}
)

select
    rank() over (order by rates.rate_value desc) as correction_rank,
    regions.region_name,
    regions.level,
    regions.province,
    rates.region_code,
    rates.rate_value as correction_rate_pct,
    rates.source,
    rates.basis,
    reports.source_file
from rates
inner join reports on rates.report_id = reports.report_id
left join regions on rates.region_code = regions.region_code
where rates.pick = 1
order by correction_rank, regions.province, regions.region_name
