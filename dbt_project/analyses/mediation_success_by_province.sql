-- People's mediation success by province and year: the pooled rate from
-- disputes resolved / disputes mediated (same channel, exact counts) next to
-- the average of the rates the reports state themselves (one per report,
-- the general channel's when stated).
with derived as (
    select report_id, channel, numerator as resolved, denominator as mediated
    from {{ ref('fct_mediation') }}
    where metric_code = 'mediation.success_rate' and source = 'derived'
),

stated as (
    -- one stated rate per report: the general channel's if stated, else the first
    select report_id, value as stated_rate
    from {{ ref('fct_mediation') }}
    where metric_code = 'mediation.success_rate' and source = 'stated'
    qualify row_number() over (
        partition by report_id order by channel = 'general' desc, char_start
    ) = 1
),

per_report as (
    select
        r.report_id,
        r.report_year,
        g.province,
        sum(d.resolved) as resolved,
        sum(d.mediated) as mediated,
        any_value(s.stated_rate) as stated_rate
    from {{ ref('dim_report') }} as r
    left join {{ ref('dim_region') }} as g on g.region_code = r.region_code
    left join derived as d on d.report_id = r.report_id
    left join stated as s on s.report_id = r.report_id
    where d.report_id is not null or s.report_id is not null
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
