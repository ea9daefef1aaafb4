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
with picked as (
    select report_id, metric_code, measure, value
    from {{ ref('int_facts_stated') }}
    qualify row_number() over (
        partition by report_id, metric_code
        order by coalesce(channel, 'general') = 'general' desc, char_start, fact_id
    ) = 1
),

derived as (
    select report_id, metric_code, value
    from {{ ref('int_rates_derived') }}
    qualify row_number() over (
        partition by report_id, metric_code
        order by coalesce(channel, 'general') = 'general' desc, channel
    ) = 1
),

derived_wide as (
    select
        report_id,
        {%- for metric in derived_rates %}
        max(value) filter (where metric_code = '{{ metric }}') as {{ metric | replace('.', '_') }}_derived{{ ',' if not loop.last }}
        {%- endfor %}
    from derived
    group by report_id
)

select
    r.report_id,
    r.source_file,
    r.region_code,
    g.region_name,
    g.level as region_level,
    g.province,
    r.report_year,
    {%- for metric in core_metrics %}
    {%- if metric.endswith('_rate') %}
    max(p.value) filter (where p.metric_code = '{{ metric }}') as {{ metric | replace('.', '_') }},
    {%- else %}
    cast(round(max(p.value) filter (where p.metric_code = '{{ metric }}')) as bigint) as {{ metric | replace('.', '_') }},
    {%- endif %}
    {%- endfor %}
    {%- for metric in derived_rates %}
    dw.{{ metric | replace('.', '_') }}_derived{{ ',' if not loop.last }}
    {%- endfor %}
from {{ ref('dim_report') }} as r
left join {{ ref('dim_region') }} as g on g.region_code = r.region_code
left join picked as p on p.report_id = r.report_id
left join derived_wide as dw on dw.report_id = r.report_id
group by all
order by r.source_file
