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
-- One row per accepted report, one column per core metric, for BI tools: the
-- report's first stated figure for the metric, a general-channel (or
-- channel-less) figure preferred over a channel-specific one.
with picked as (
    select report_id, metric_code, value
    from {{ ref('int_facts_stated') }}
    qualify row_number() over (
        partition by report_id, metric_code
        order by coalesce(channel, 'general') = 'general' desc, char_start, fact_id
    ) = 1
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
    max(p.value) filter (where p.metric_code = '{{ metric }}') as {{ metric | replace('.', '_') }}{{ ',' if not loop.last }}
    {%- endfor %}
from {{ ref('dim_report') }} as r
left join {{ ref('dim_region') }} as g on g.region_code = r.region_code
left join picked as p on p.report_id = r.report_id
group by all
order by r.source_file
