-- Level figures for a catalog metric that are not the region's whole-year
-- figure: another period (上半年, 1-6月, 截至9月底, campaigns, the year so far in a
-- text written during the year, 近三年, 2018年以来, last year's baseline), another
-- scope (a sub-unit beside the region's total, cases against the government as
-- respondent, one kind of what the metric counts), or any figure of a
-- court-issued text. They never appear as stated rows of fct_metric_values;
-- here they keep their period, scope and provenance. Figures named in an
-- applied correction (reviewers' corrections file) are left out.
with accepted_reports as (
    select distinct report_id
    from {{ ref('stg_raw__report_files') }}
    where status = 'accepted' and report_id is not null
),

documents as (
    select report_id, region_code, report_year, kind
    from {{ ref('stg_parser__documents') }}
),

context as (
    select
        fact_id,
        report_id,
        metric_code,
        value,
        comparator,
        channel,
        period_kind,
        period_text,
        scope,
        printed_unit,
        evidence,
        clause,
        char_start,
        char_length,
        figure_text,
        rule
    from {{ ref('stg_parser__facts') }}
    where measure_kind = 'level'
      and parent_fact_id is null
      and section_kind <> 'plans'
      and not is_duplicate
      and report_id in (select report_id from accepted_reports)
      -- a figure a reviewer rejected or corrected is no longer the parser's to place
      and fact_id not in (
          select original_fact_id
          from {{ ref('int_corrections') }}
          where status = 'applied' and original_fact_id is not null
      )
),

final as (
    select
        o.fact_id,
        o.report_id,
        d.region_code,
        d.report_year,
        o.metric_code,
        cast(o.value as double) as value,
        m.measure,
        case when m.measure = 'count' then cast(round(o.value) as bigint) end as count_value,
        case when m.measure = 'rate' then cast(o.value as double) end as rate_value,
        o.comparator,
        o.channel,
        o.period_kind,
        o.period_text,
        o.scope,
        o.printed_unit,
        o.evidence,
        o.clause,
        o.char_start,
        o.char_length,
        o.figure_text,
        o.rule,
        d.kind = 'court_document' as from_court_document
    from context as o
    inner join documents as d on d.report_id = o.report_id
    left join {{ ref('dim_metric') }} as m on m.metric_code = o.metric_code
    where o.period_kind <> 'year' or o.scope <> 'region' or d.kind = 'court_document'
)

select * from final
