-- Stated level figures that belong in the marts, one row per distinct figure.
-- Out: year-on-year changes, breakdown parts (其中…), figures the parser marked
-- as restated, targets from the plans section, figures for another period
-- than the report's whole year or another scope than its region
-- (fct_context_figures keeps those), every figure of a court-issued text, and
-- anything from a report that was not accepted. Belt and braces on
-- restatements: the same metric, channel, value and comparator stated twice
-- in a report is one figure, with its first occurrence as evidence.
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

levels as (
    select f.*
    from {{ ref('stg_parser__facts') }} as f
    where f.measure_kind = 'level'
      and f.parent_fact_id is null
      and not f.is_duplicate
      and f.section_kind <> 'plans'
      and f.period_kind = 'year'
      and f.scope = 'region'
      and f.report_id in (select report_id from accepted_reports)
      and f.report_id not in (select report_id from court_documents)
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
    p.page
from restatements as r
left join {{ ref('stg_parser__documents') }} as d on d.report_id = r.report_id
-- the page of a paged source (PDF, OFD, scans) the figure stands on
left join {{ ref('stg_raw__report_pages') }} as p
    on p.report_id = r.report_id
    and r.char_start >= p.char_start
    and r.char_start < p.char_start + p.char_length
-- left join: an unknown metric code must fail the relationships test, not vanish
left join {{ ref('dim_metric') }} as m on m.metric_code = r.metric_code
where r.occurrence_no = 1
