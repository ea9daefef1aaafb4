-- Stated level figures that belong in the marts, one row per distinct figure.
-- Out: year-on-year changes, breakdown parts (其中…), figures the parser marked
-- as restated, targets from the plans section, figures for another period
-- than the report's whole year or another scope than its region
-- (fct_context_figures keeps those), every figure of a court-issued text, and
-- anything from a report that was not accepted. Belt and braces on
-- restatements: the same metric, channel, value and comparator stated twice
-- in a report is one figure, with its first occurrence as evidence.
--
-- Reviewers' corrections (int_corrections, status applied) come before that:
-- a rejected figure is left out, and a relabelled, revalued or added one
-- replaces whatever the parser made of its span by a row with source
-- 'corrected' that keeps the parser's metric, value and comparator for audit.
with report_files as (
    select * from {{ ref('stg_raw__report_files') }}
),

documents as (
    select * from {{ ref('stg_parser__documents') }}
),

parser_facts as (
    select * from {{ ref('stg_parser__facts') }}
),

report_pages as (
    select * from {{ ref('stg_raw__report_pages') }}
),

corrections as (
    select * from {{ ref('int_corrections') }}
),

metric_catalog as (
    select * from {{ ref('metric_catalog') }}
),

accepted_reports as (
    select distinct report_id
    from report_files
    where status = 'accepted' and report_id is not null
),

court_documents as (
    select report_id
    from documents
    where kind = 'court_document'
),

applied_corrections as (
    select * from corrections
    where status = 'applied'
),

parsed_levels as (
    select
        fact_id,
        report_id,
        mention_no,
        sentence_no,
        metric_code,
        value,
        comparator,
        channel,
        printed_unit,
        section_kind,
        rule,
        evidence,
        clause,
        char_start,
        char_length,
        figure_text,
        basis_numerator,
        basis_denominator,
        'stated' as source,
        cast(null as varchar) as original_fact_id,
        cast(null as varchar) as original_metric_code,
        cast(null as double) as original_value,
        cast(null as varchar) as original_comparator,
        cast(null as varchar) as correction_action,
        cast(null as varchar) as correction_reason,
        cast(null as varchar) as corrected_by,
        cast(null as integer) as correction_line_no
    from parser_facts
    where
        measure_kind = 'level'
        and parent_fact_id is null
        and not is_duplicate
        and section_kind <> 'plans'
        and period_kind = 'year'
        and scope = 'region'
        and report_id in (select accepted_reports.report_id from accepted_reports)
        and report_id not in (select court_documents.report_id from court_documents)
        -- a corrected span is the reviewer's, whatever the parser made of it
        and fact_id not in (
            select applied_corrections.original_fact_id
            from applied_corrections
            where applied_corrections.original_fact_id is not null
        )
),

corrected_levels as (
    select
        'corrected:' || report_id || ':' || char_start || '+' || char_length as fact_id,
        report_id,
        mention_no,
        sentence_no,
        corrected_metric_code as metric_code,
        corrected_value as value,
        corrected_comparator as comparator,
        case
            when corrected_metric_code like 'mediation.%'
                then
                    coalesce(
                        given_channel,
                        case when original_metric_code like 'mediation.%' then original_channel end,
                        'general'
                    )
        end as channel,
        printed_unit,
        section_kind,
        'correction:' || action as rule,
        evidence,
        clause,
        char_start,
        char_length,
        figure_text,
        -- the text's own numerator and denominator still describe the figure only if its metric did not change
        case when corrected_metric_code = original_metric_code then basis_numerator end as basis_numerator,
        case when corrected_metric_code = original_metric_code then basis_denominator end as basis_denominator,
        'corrected' as source,
        original_fact_id,
        original_metric_code,
        original_value,
        original_comparator,
        action as correction_action,
        reason as correction_reason,
        reviewer as corrected_by,
        line_no as correction_line_no
    from applied_corrections
    where action <> 'reject'
),

levels as (
    select * from parsed_levels
    union all
    select * from corrected_levels
),

restatements as (
    select
        *,
        row_number() over (figure order by char_start, mention_no) as occurrence_no,
        -- no ORDER BY here: an ordered window would give a running count
        count(*) over figure as times_stated
    from levels
    window figure as (partition by report_id, metric_code, channel, value, comparator)
),

final as (
    select
        restatements.fact_id,
        restatements.report_id,
        documents.region_code,
        documents.report_year,
        restatements.metric_code,
        metric_catalog.fact_table,
        metric_catalog.domain,
        metric_catalog.measure,
        metric_catalog.unit,
        restatements.value,
        restatements.comparator,
        restatements.channel,
        restatements.printed_unit,
        restatements.section_kind,
        restatements.rule,
        restatements.evidence,
        restatements.clause,
        restatements.char_start,
        restatements.char_length,
        restatements.figure_text,
        restatements.mention_no,
        restatements.sentence_no,
        restatements.basis_numerator,
        restatements.basis_denominator,
        cast(restatements.times_stated as integer) as times_stated,
        restatements.source,
        restatements.original_fact_id,
        restatements.original_metric_code,
        restatements.original_value,
        restatements.original_comparator,
        restatements.correction_action,
        restatements.correction_reason,
        restatements.corrected_by,
        restatements.correction_line_no,
        report_pages.page
    from restatements
    left join documents on restatements.report_id = documents.report_id
    -- the page of a paged source (PDF, OFD, scans) the figure stands on
    left join report_pages
        on
            restatements.report_id = report_pages.report_id
            and restatements.char_start >= report_pages.char_start
            and restatements.char_start < report_pages.char_start + report_pages.char_length
    -- left join: an unknown metric code must fail the relationships test, not vanish
    left join metric_catalog on restatements.metric_code = metric_catalog.metric_code
    where restatements.occurrence_no = 1
)

select * from final
