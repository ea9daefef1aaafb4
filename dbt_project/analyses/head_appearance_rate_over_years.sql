-- Administrative agency heads appearing in court (负责人出庭应诉率), by region
-- and year, with the change from the region's previous report. Stated rate
-- preferred, else derived from head_appeared / cases.
with review_rates as (
    select * from {{ ref('fct_review_rates') }}
),

regions as (
    select * from {{ ref('dim_region') }}
),

rates as (
    select
        region_code,
        report_year,
        rate_value,
        source,
        row_number() over (
            partition by region_code, report_year
            order by case source when 'stated' then 0 else 1 end, figure_rank, report_id
        ) as pick
    from review_rates
    where
        metric_code = 'admin_litigation.head_appearance_rate'
        and source in ('stated', 'derived')
        and region_code is not null
        and report_year is not null
)

select
    regions.province,
    regions.region_name,
    rates.region_code,
    rates.report_year,
    rates.rate_value as head_appearance_rate_pct,
    rates.source,
    rates.rate_value - lag(rates.rate_value) over by_region as change_pp,
    rates.report_year - lag(rates.report_year) over by_region as years_since_previous
from rates
left join regions on rates.region_code = regions.region_code
where rates.pick = 1
window by_region as (partition by rates.region_code order by rates.report_year)
order by regions.province, regions.region_name, rates.report_year
