-- Regions ranked by administrative reconsideration correction rate (纠错率)
-- for one report year: `dbt compile --select reconsideration_correction_rate_ranking --vars '{year: 2023}'`.
-- The stated rate is preferred; a rate derived from the report's own counts
-- (corrected / concluded) fills in when the report states none.
with rates as (
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
    from {{ ref('fct_review_rates') }}
    where metric_code = 'admin_review.correction_rate'
      and source in ('stated', 'derived')
      and report_year = {{ var('year', 2024) }}
)

select
    rank() over (order by r.rate_value desc) as correction_rank,
    g.region_name,
    g.level,
    g.province,
    r.region_code,
    r.rate_value as correction_rate_pct,
    r.source,
    r.basis,
    d.source_file
from rates as r
inner join {{ ref('dim_report') }} as d on d.report_id = r.report_id
left join {{ ref('dim_region') }} as g on g.region_code = r.region_code
where r.pick = 1
order by correction_rank, g.province, g.region_name
