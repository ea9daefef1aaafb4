-- Each well-formed correction, found in the current parse or reported as
-- unmatched. A correction is matched by what survives re-parsing: the report
-- (file sha256 or report_id of an accepted file), the span, and the figure's
-- text at that span in the original text. The figure the parser read there
-- (a fact, or only a mention) is looked up by the same span; its fact_id is
-- whatever the current parse calls it.
--   reject, revalue: need a classified figure (fact) at the span
--   relabel: needs a figure the parser found (fact or mention) at the span
--   add: needs only the text
-- An applied reject drops the figure; relabel, revalue and add make the span
-- a figure of the report's own whole year and region ('corrected' rows of
-- int_facts_stated), replacing whatever the parser made of it.
with corrections as (
    select *
    from {{ ref('stg_review__corrections') }}
    where action in ('reject', 'relabel', 'revalue', 'add')
      and file_key is not null
      and char_start >= 1
      and char_length >= 1
      and figure_text is not null
),

reports as (
    select report_id, sha256, source_file, text
    from {{ ref('stg_raw__report_files') }}
    where status = 'accepted' and report_id is not null
),

documents as (
    select report_id, kind
    from {{ ref('stg_parser__documents') }}
),

located as (
    select
        c.*,
        r.report_id,
        r.source_file,
        substr(r.text, c.char_start, c.char_length) as text_at_span
    from corrections as c
    left join reports as r on c.file_key = r.sha256 or c.file_key = r.report_id
),

facts as (
    select
        f.*,
        -- where the parser's figure went (int_facts_stated / fct_context_figures rules)
        case
            when f.measure_kind = 'change' then 'change'
            when f.parent_fact_id is not null then 'part'
            when f.is_duplicate then 'restated'
            when f.section_kind = 'plans' then 'plan'
            when f.period_kind <> 'year' or f.scope <> 'region' or d.kind = 'court_document' then 'context'
            else 'stated'
        end as placement
    from {{ ref('stg_parser__facts') }} as f
    left join documents as d on d.report_id = f.report_id
),

mentions as (
    select * from {{ ref('stg_parser__mentions') }}
),

sentences as (
    select * from {{ ref('stg_parser__sentences') }}
),

matched as (
    select
        l.*,
        f.fact_id as original_fact_id,
        f.placement as original_placement,
        f.metric_code as original_metric_code,
        f.value as original_value,
        f.comparator as original_comparator,
        f.channel as original_channel,
        f.printed_unit as fact_printed_unit,
        f.section_kind as fact_section_kind,
        f.evidence as fact_evidence,
        f.clause as fact_clause,
        f.basis_numerator,
        f.basis_denominator,
        m.mention_no,
        m.value as mention_value,
        m.comparator as mention_comparator,
        m.unit as mention_unit,
        m.metric_code as mention_metric_code,
        s.sentence_no,
        s.sentence_text,
        s.section_kind as sentence_section_kind
    from located as l
    left join facts as f
        on f.report_id = l.report_id and f.char_start = l.char_start and f.char_length = l.char_length
    left join mentions as m
        on m.report_id = l.report_id and m.char_start = l.char_start and m.char_length = l.char_length
    left join sentences as s
        on s.report_id = l.report_id
        and l.char_start >= s.char_start
        and l.char_start < s.char_start + s.char_length
    qualify row_number() over (partition by l.line_no order by f.fact_id, m.mention_no, s.sentence_no) = 1
),

judged as (
    select
        *,
        case
            when report_id is null then 'report_not_found'
            when text_at_span is distinct from figure_text then 'text_mismatch'
            when action in ('reject', 'revalue') and original_fact_id is null then 'no_fact_at_span'
            when action = 'relabel' and original_fact_id is null and mention_no is null then 'no_figure_at_span'
        end as unmatched_reason
    from matched
),

final as (
    select
        line_no,
        action,
        file_key,
        report_id,
        coalesce(source_file, noted_source_file) as source_file,
        char_start,
        char_length,
        figure_text,
        text_at_span,
        case when unmatched_reason is null then 'applied' else 'unmatched' end as status,
        unmatched_reason,
        original_fact_id,
        coalesce(original_placement, case when mention_no is not null then 'unclassified' end) as original_placement,
        original_metric_code,
        original_value,
        original_comparator,
        -- the figure after the correction (null for reject)
        case when action <> 'reject' then coalesce(metric_code, original_metric_code, mention_metric_code) end
            as corrected_metric_code,
        case when action <> 'reject' then coalesce(value, original_value, mention_value) end as corrected_value,
        case when action <> 'reject' then coalesce(comparator, original_comparator, mention_comparator, '=') end
            as corrected_comparator,
        channel as given_channel,
        original_channel,
        coalesce(fact_printed_unit, mention_unit) as printed_unit,
        coalesce(fact_section_kind, sentence_section_kind, 'body') as section_kind,
        coalesce(fact_evidence, sentence_text) as evidence,
        fact_clause as clause,
        basis_numerator,
        basis_denominator,
        mention_no,
        sentence_no,
        reason,
        reviewer,
        corrections_file,
        loaded_at
    from judged
)

select * from final
