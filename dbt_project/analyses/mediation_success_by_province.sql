-- People's mediation success by province and year: the pooled rate from
-- disputes resolved / disputes mediated (same channel, exact counts) next to
-- the average of the rates the reports state themselves (one per report,
-- the general channel's when stated).
with mediation as (
    select * from {{ ref('fct_mediation') }}
),

reports as (
    select * from {{ ref('dim_report') }}
),

regions as (
    select * from {{ ref('dim_region') }}
),

derived as (
    select
        report_id,
        channel,
        numerator as resolved,
        denominator as mediated
    from mediation
    where metric_code = 'mediation.success_rate' and source = 'derived'
),

stated as (
    -- one stated rate per report: the general channel's if stated, else the first
    select
        report_id,
        value as stated_rate
    from mediation
    where metric_code = 'mediation.success_rate' and source = 'stated'
    qualify
        row_number() over (
            partition by report_id order by channel = 'general' desc, char_start asc
        ) = 1
),

per_report as (
    select
        reports.report_id,
        reports.report_year,
        regions.province,
        sum(derived.resolved) as resolved,
        sum(derived.mediated) as mediated,
        any_value(stated.stated_rate) as stated_rate
    from reports
    left join regions on reports.region_code = regions.region_code
    left join derived on reports.report_id = derived.report_id
    left join stated on reports.report_id = stated.report_id
    where derived.report_id is not null or stated.report_id is not null
    group by all
)

select
    coalesce(province, '(region unresolved)') as province,
    report_year,
    count(*) as reports,
    count(mediated) as reports_with_counts,
    sum(resolved) as disputes_resolved,
    sum(mediated) as disputes_mediated,
    round(100.0 * sum(resolved) / nullif(sum(mediated), 0), 2) as pooled_success_rate_pct,
    round(avg(stated_rate), 2) as mean_stated_success_rate_pct,
    count(stated_rate) as reports_stating_rate
from per_report
group by all
order by province, report_year
