-- Level figures for a catalog metric that are not the region's whole-year
-- figure: another period (上半年, 1-6月, 截至9月底, campaigns, the year so far in a
-- text written during the year, 近三年, 2018年以来, last year's baseline), another
-- scope (a sub-unit beside the region's total, cases against the government as
-- respondent, one kind of what the metric counts), or any figure of a
-- court-issued text. They never appear as stated rows of fct_metric_values;
-- here they keep their period, scope and provenance. Figures named in an
-- applied correction (reviewers' corrections file) are left out.
with report_files as (
    select * from {{ ref('stg_raw__report_files') }}
),

parser_documents as (
    select * from {{ ref('stg_parser__documents') }}
),

parser_facts as (
    select * from {{ ref('stg_parser__facts') }}
),

corrections as (
    select * from {{ ref('int_corrections') }}
),

metrics as (
    select * from {{ ref('dim_metric') }}
),

accepted_reports as (
    select distinct report_id
    from report_files
    where status = 'accepted' and report_id is not null
),

documents as (
    select
        report_id,
        region_code,
        report_year,
        kind
    from parser_documents
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
    from parser_facts
    where
        measure_kind = 'level'
        and parent_fact_id is null
        and section_kind <> 'plans'
        and not is_duplicate
        and report_id in (select accepted_reports.report_id from accepted_reports)
        -- a figure a reviewer rejected or corrected is no longer the parser's to place
        and fact_id not in (
            select corrections.original_fact_id
            from corrections
            where corrections.status = 'applied' and corrections.original_fact_id is not null
        )
),

final as (
    select
        context.fact_id,
        context.report_id,
        documents.region_code,
        documents.report_year,
        context.metric_code,
        cast(context.value as double) as value,
        metrics.measure,
        case when metrics.measure = 'count' then cast(round(context.value) as bigint) end as count_value,
        case when metrics.measure = 'rate' then cast(context.value as double) end as rate_value,
        context.comparator,
        context.channel,
        context.period_kind,
        context.period_text,
        context.scope,
        context.printed_unit,
        context.evidence,
        context.clause,
        context.char_start,
        context.char_length,
        context.figure_text,
        context.rule,
        documents.kind = 'court_document' as from_court_document
    from context
    inner join documents on context.report_id = documents.report_id
    left join metrics on context.metric_code = metrics.metric_code
    where context.period_kind <> 'year' or context.scope <> 'region' or documents.kind = 'court_document'
)

select * from final
