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
with accepted_reports as (
    select distinct report_id
    from {{ ref('stg_raw__report_files') }}
    where status = 'accepted' and report_id is not null
),

court_documents as (
    select report_id
    from {{ ref('stg_parser__documents') }}
    where kind = 'court_document'
),

applied_corrections as (
    select * from {{ ref('int_corrections') }} where status = 'applied'
),

parsed_levels as (
    select
        f.fact_id,
        f.report_id,
        f.mention_no,
        f.sentence_no,
        f.metric_code,
        f.value,
        f.comparator,
        f.channel,
        f.printed_unit,
        f.section_kind,
        f.rule,
        f.evidence,
        f.clause,
        f.char_start,
        f.char_length,
        f.figure_text,
        f.basis_numerator,
        f.basis_denominator,
        'stated' as source,
        cast(null as varchar) as original_fact_id,
        cast(null as varchar) as original_metric_code,
        cast(null as double) as original_value,
        cast(null as varchar) as original_comparator,
        cast(null as varchar) as correction_action,
        cast(null as varchar) as correction_reason,
        cast(null as varchar) as corrected_by,
        cast(null as integer) as correction_line_no
    from {{ ref('stg_parser__facts') }} as f
    where f.measure_kind = 'level'
      and f.parent_fact_id is null
      and not f.is_duplicate
      and f.section_kind <> 'plans'
      and f.period_kind = 'year'
      and f.scope = 'region'
      and f.report_id in (select report_id from accepted_reports)
      and f.report_id not in (select report_id from court_documents)
      -- a corrected span is the reviewer's, whatever the parser made of it
      and f.fact_id not in (
          select original_fact_id from applied_corrections where original_fact_id is not null
      )
),

corrected_levels as (
    select
        'corrected:' || c.report_id || ':' || c.char_start || '+' || c.char_length as fact_id,
        c.report_id,
        c.mention_no,
        c.sentence_no,
        c.corrected_metric_code as metric_code,
        c.corrected_value as value,
        c.corrected_comparator as comparator,
        case
            when c.corrected_metric_code like 'mediation.%' then coalesce(
                c.given_channel,
                case when c.original_metric_code like 'mediation.%' then c.original_channel end,
                'general'
            )
        end as channel,
        c.printed_unit,
        c.section_kind,
        'correction:' || c.action as rule,
        c.evidence,
        c.clause,
        c.char_start,
        c.char_length,
        c.figure_text,
        -- the text's own numerator and denominator still describe the figure only if its metric did not change
        case when c.corrected_metric_code = c.original_metric_code then c.basis_numerator end as basis_numerator,
        case when c.corrected_metric_code = c.original_metric_code then c.basis_denominator end as basis_denominator,
        'corrected' as source,
        c.original_fact_id,
        c.original_metric_code,
        c.original_value,
        c.original_comparator,
        c.action as correction_action,
        c.reason as correction_reason,
        c.reviewer as corrected_by,
        c.line_no as correction_line_no
    from applied_corrections as c
    where c.action <> 'reject'
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
)

select
    r.fact_id,
    r.report_id,
    d.region_code,
    d.report_year,
    r.metric_code,
    m.fact_table,
    m.domain,
    m.measure,
    m.unit,
    r.value,
    r.comparator,
    r.channel,
    r.printed_unit,
    r.section_kind,
    r.rule,
    r.evidence,
    r.clause,
    r.char_start,
    r.char_length,
    r.figure_text,
    r.mention_no,
    r.sentence_no,
    r.basis_numerator,
    r.basis_denominator,
    cast(r.times_stated as integer) as times_stated,
    r.source,
    r.original_fact_id,
    r.original_metric_code,
    r.original_value,
    r.original_comparator,
    r.correction_action,
    r.correction_reason,
    r.corrected_by,
    r.correction_line_no,
    p.page
from restatements as r
left join {{ ref('stg_parser__documents') }} as d on d.report_id = r.report_id
-- the page of a paged source (PDF, OFD, scans) the figure stands on
left join {{ ref('stg_raw__report_pages') }} as p
    on p.report_id = r.report_id
    and r.char_start >= p.char_start
    and r.char_start < p.char_start + p.char_length
-- left join: an unknown metric code must fail the relationships test, not vanish
left join {{ ref('metric_catalog') }} as m on m.metric_code = r.metric_code
where r.occurrence_no = 1
