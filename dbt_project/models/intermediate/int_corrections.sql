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
with review_corrections as (
    select * from {{ ref('stg_review__corrections') }}
),

report_files as (
    select * from {{ ref('stg_raw__report_files') }}
),

parser_documents as (
    select * from {{ ref('stg_parser__documents') }}
),

parser_facts as (
    select * from {{ ref('stg_parser__facts') }}
),

mentions as (
    select * from {{ ref('stg_parser__mentions') }}
),

sentences as (
    select * from {{ ref('stg_parser__sentences') }}
),

corrections as (
    select
        line_no,
        action,
        file_key,
        char_start,
        char_length,
        figure_text,
        metric_code,
        value,
        comparator,
        channel,
        reason,
        reviewer,
        noted_source_file,
        corrections_file,
        loaded_at
    from review_corrections
    where
        action in ('reject', 'relabel', 'revalue', 'add')
        and file_key is not null
        and char_start >= 1
        and char_length >= 1
        and figure_text is not null
),

reports as (
    select
        report_id,
        sha256,
        source_file,
        text
    from report_files
    where status = 'accepted' and report_id is not null
),

located as (
    select
        corrections.line_no,
        corrections.action,
        corrections.file_key,
        corrections.char_start,
        corrections.char_length,
        corrections.figure_text,
        corrections.metric_code,
        corrections.value,
        corrections.comparator,
        corrections.channel,
        corrections.reason,
        corrections.reviewer,
        corrections.noted_source_file,
        corrections.corrections_file,
        corrections.loaded_at,
        reports.report_id,
        reports.source_file,
        substr(reports.text, corrections.char_start, corrections.char_length) as text_at_span
    from corrections
    left join reports
        on corrections.file_key = reports.sha256 or corrections.file_key = reports.report_id
),

facts as (
    select
        parser_facts.fact_id,
        parser_facts.report_id,
        parser_facts.char_start,
        parser_facts.char_length,
        parser_facts.metric_code,
        parser_facts.value,
        parser_facts.comparator,
        parser_facts.channel,
        parser_facts.printed_unit,
        parser_facts.section_kind,
        parser_facts.evidence,
        parser_facts.clause,
        parser_facts.basis_numerator,
        parser_facts.basis_denominator,
        -- where the parser's figure went (int_facts_stated / fct_context_figures rules)
        case
            when parser_facts.measure_kind = 'change' then 'change'
            when parser_facts.parent_fact_id is not null then 'part'
            when parser_facts.is_duplicate then 'restated'
            when parser_facts.section_kind = 'plans' then 'plan'
            when
                parser_facts.period_kind <> 'year'
                or parser_facts.scope <> 'region'
                or parser_documents.kind = 'court_document'
                then 'context'
            else 'stated'
        end as placement
    from parser_facts
    left join parser_documents on parser_facts.report_id = parser_documents.report_id
),

matched as (
    select
        located.line_no,
        located.action,
        located.file_key,
        located.char_start,
        located.char_length,
        located.figure_text,
        located.metric_code,
        located.value,
        located.comparator,
        located.channel,
        located.reason,
        located.reviewer,
        located.noted_source_file,
        located.corrections_file,
        located.loaded_at,
        located.report_id,
        located.source_file,
        located.text_at_span,
        facts.fact_id as original_fact_id,
        facts.placement as original_placement,
        facts.metric_code as original_metric_code,
        facts.value as original_value,
        facts.comparator as original_comparator,
        facts.channel as original_channel,
        facts.printed_unit as fact_printed_unit,
        facts.section_kind as fact_section_kind,
        facts.evidence as fact_evidence,
        facts.clause as fact_clause,
        facts.basis_numerator,
        facts.basis_denominator,
        mentions.mention_no,
        mentions.value as mention_value,
        mentions.comparator as mention_comparator,
        mentions.unit as mention_unit,
        mentions.metric_code as mention_metric_code,
        sentences.sentence_no,
        sentences.sentence_text,
        sentences.section_kind as sentence_section_kind
    from located
    left join facts
        on
            located.report_id = facts.report_id
            and located.char_start = facts.char_start
            and located.char_length = facts.char_length
    left join mentions
        on
            located.report_id = mentions.report_id
            and located.char_start = mentions.char_start
            and located.char_length = mentions.char_length
    left join sentences
        on
            located.report_id = sentences.report_id
            and located.char_start >= sentences.char_start
            and located.char_start < sentences.char_start + sentences.char_length
    qualify
        row_number() over (
            partition by located.line_no
            order by facts.fact_id, mentions.mention_no, sentences.sentence_no
        ) = 1
),

judged as (
    select
        *,
        case
            when report_id is null then 'report_not_found'
            -- parenthesised: sqlfluff's duckdb grammar cannot read a bare IS DISTINCT FROM after WHEN
            when (text_at_span is distinct from figure_text) then 'text_mismatch'
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
