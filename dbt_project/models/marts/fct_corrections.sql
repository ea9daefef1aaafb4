-- Every correction in the corrections file that is well formed, with what it
-- matched in the current parse: the audit trail of the review, and the list
-- of corrections that no longer find their figure (status 'unmatched': the
-- file changed, the span or text is wrong, or the parser no longer reads a
-- figure there). assert_corrections_all_matched warns about the latter.
with corrections as (
    select * from {{ ref('int_corrections') }}
),

facts_stated as (
    select * from {{ ref('int_facts_stated') }}
),

kept as (
    -- the corrected row the figure became (none for reject, or when the
    -- corrected figure restates one stated earlier in the report)
    select
        correction_line_no,
        fact_id
    from facts_stated
    where source = 'corrected'
),

final as (
    select
        corrections.line_no,
        corrections.action,
        corrections.status,
        corrections.unmatched_reason,
        corrections.report_id,
        corrections.file_key,
        corrections.source_file,
        corrections.char_start,
        corrections.char_length,
        corrections.figure_text,
        corrections.text_at_span,
        corrections.original_fact_id,
        corrections.original_placement,
        corrections.original_metric_code,
        corrections.original_value,
        corrections.original_comparator,
        corrections.corrected_metric_code,
        corrections.corrected_value,
        corrections.corrected_comparator,
        kept.fact_id as corrected_fact_id,
        corrections.reason,
        corrections.reviewer,
        corrections.corrections_file
    from corrections
    left join kept on corrections.line_no = kept.correction_line_no
)

select * from final
