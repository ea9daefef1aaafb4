-- Case counts by report, domain and stage (admin_review, admin_litigation,
-- legal_aid: the metrics dim_metric routes to fct_cases). A report stating two
-- different figures for the same stage keeps both, told apart by figure_rank.
-- source: stated, or corrected (a reviewer's figure, see fct_metric_values).
with facts_stated as (
    select * from {{ ref('int_facts_stated') }}
),

final as (
    select
        report_id,
        region_code,
        report_year,
        domain,
        substr(metric_code, length(domain) + 2) as stage,
        substr(metric_code, length(domain) + 2) as metric_name,
        measure,
        cast(row_number() over (
            partition by report_id, metric_code order by char_start, fact_id
        ) as integer) as figure_rank,
        metric_code,
        value,
        cast(round(value) as bigint) as count_value,
        value as case_count,
        comparator,
        source,
        unit,
        printed_unit,
        fact_id,
        evidence,
        figure_text,
        char_start,
        char_length
    from facts_stated
    where fact_table = 'fct_cases'
)

select * from final
