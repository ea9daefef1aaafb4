-- Administrative agency heads appearing in court (负责人出庭应诉率), by region
-- and year, with the change from the region's previous report. Stated rate
-- preferred, else derived from head_appeared / cases.
with rates as (
    select
        region_code,
        report_year,
        rate_value,
        source,
        row_number() over (
            partition by region_code, report_year
            order by case source when 'stated' then 0 else 1 end, figure_rank, report_id
        ) as pick
    from {{ ref('fct_review_rates') }}
    where metric_code = 'admin_litigation.head_appearance_rate'
      and source in ('stated', 'derived')
      and region_code is not null
      and report_year is not null
)

select
    g.province,
    g.region_name,
    r.region_code,
    r.report_year,
    r.rate_value as head_appearance_rate_pct,
    r.source,
    r.rate_value - lag(r.rate_value) over w as change_pp,
    r.report_year - lag(r.report_year) over w as years_since_previous
from rates as r
left join {{ ref('dim_region') }} as g on g.region_code = r.region_code
where r.pick = 1
window w as (partition by r.region_code order by r.report_year)
order by g.province, g.region_name, r.report_year
