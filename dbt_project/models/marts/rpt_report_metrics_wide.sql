{#- One column per core metric. Adding a metric here means adding its column
    to rpt_report_metrics_wide.yml (the contract is enforced). -#}
{%- set core_metrics = [
    'admin_review.received', 'admin_review.accepted', 'admin_review.concluded',
    'admin_review.upheld', 'admin_review.corrected', 'admin_review.mediated_settled',
    'admin_review.lawsuit_after', 'admin_review.concluded_rate',
    'admin_review.correction_rate', 'admin_review.mediation_settlement_rate',
    'admin_litigation.cases', 'admin_litigation.concluded', 'admin_litigation.won',
    'admin_litigation.lost', 'admin_litigation.head_appeared',
    'admin_litigation.head_appearance_rate', 'admin_litigation.loss_rate',
    'admin_litigation.win_rate',
    'mediation.organizations', 'mediation.mediators', 'mediation.disputes_screened',
    'mediation.disputes_mediated', 'mediation.disputes_resolved',
    'mediation.resolution_rate', 'mediation.success_rate',
    'legal_aid.cases', 'legal_aid.consultations',
] -%}
{#- Every rate a rule of seeds/derived_rate_rules.csv can derive: a
    <metric>_derived column beside the stated one. -#}
{%- set derived_rates = [
    'admin_review.concluded_rate', 'admin_review.correction_rate',
    'admin_review.mediation_settlement_rate',
    'admin_litigation.head_appearance_rate', 'admin_litigation.loss_rate',
    'admin_litigation.win_rate',
    'mediation.resolution_rate', 'mediation.success_rate',
] -%}
-- One row per accepted report, one column per core metric, for BI tools: the
-- report's first stated (or corrected) figure for the metric, a general-channel
-- (or channel-less) figure preferred over a channel-specific one; counts as
-- BIGINT. Each derivable rate also has a <metric>_derived column: the rate
-- computed from the report's counts (int_rates_derived, the catalog's basis),
-- general channel preferred, so stated and derived rates never share a column.
with facts_stated as (
    select * from {{ ref('int_facts_stated') }}
),

rates_derived as (
    select * from {{ ref('int_rates_derived') }}
),

reports as (
    select * from {{ ref('dim_report') }}
),

regions as (
    select * from {{ ref('dim_region') }}
),

picked as (
    select
        report_id,
        metric_code,
        measure,
        value
    from facts_stated
    qualify
        row_number() over (
            partition by report_id, metric_code
            order by coalesce(channel, 'general') = 'general' desc, char_start asc, fact_id asc
        ) = 1
),

derived as (
    select
        report_id,
        metric_code,
        value
    from rates_derived
    qualify
        row_number() over (
            partition by report_id, metric_code
            order by coalesce(channel, 'general') = 'general' desc, channel asc
        ) = 1
),

derived_wide as (
    select
        {% for metric in derived_rates %}
        max(value) filter (where metric_code = '{{ metric }}') as {{ metric | replace('.', '_') }}_derived,
        {% endfor %}
        report_id
    from derived
    group by report_id
),

final as (
    select
        reports.report_id,
        reports.source_file,
        reports.region_code,
        regions.region_name,
        regions.level as region_level,
        regions.province,
        reports.report_year,
        {% for metric in core_metrics %}
        {% if metric.endswith('_rate') %}
        max(picked.value) filter (where picked.metric_code = '{{ metric }}')
            as {{ metric | replace('.', '_') }},
        {% else %}
        cast(round(max(picked.value) filter (where picked.metric_code = '{{ metric }}')) as bigint)
            as {{ metric | replace('.', '_') }},
        {% endif %}
        {% endfor %}
        {% for metric in derived_rates[:-1] %}
        derived_wide.{{ metric | replace('.', '_') }}_derived,
        {% endfor %}
        derived_wide.{{ derived_rates[-1] | replace('.', '_') }}_derived
    from reports
    left join regions on reports.region_code = regions.region_code
    left join picked on reports.report_id = picked.report_id
    left join derived_wide on reports.report_id = derived_wide.report_id
    group by all
)

select * from final
