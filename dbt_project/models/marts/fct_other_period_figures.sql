-- Figures for a catalog metric that cover another period than the report's
-- whole year: part of it (上半年, 1-6月, 截至9月底, campaigns), the year so far in
-- a text written during the year, several years (近三年, 2018年以来) or another
-- year (last year's baseline). They never appear as stated rows of
-- fct_metric_values; here they keep their period and provenance.
with accepted_reports as (
    select distinct report_id
    from {{ ref('stg_raw__report_files') }}
    where status = 'accepted' and report_id is not null
),

documents as (
    select report_id, region_code, report_year, kind
    from {{ ref('stg_parser__documents') }}
),

other_periods as (
    select
        fact_id,
        report_id,
        metric_code,
        value,
        comparator,
        channel,
        period_kind,
        period_text,
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
      and period_kind <> 'year'
      and report_id in (select report_id from accepted_reports)
),

final as (
    select
        o.fact_id,
        o.report_id,
        d.region_code,
        d.report_year,
        o.metric_code,
        cast(o.value as double) as value,
        o.comparator,
        o.channel,
        o.period_kind,
        o.period_text,
        o.printed_unit,
        o.evidence,
        o.clause,
        o.char_start,
        o.char_length,
        o.figure_text,
        o.rule,
        d.kind = 'court_document' as from_court_document
    from other_periods as o
    inner join documents as d on d.report_id = o.report_id
)

select * from final
