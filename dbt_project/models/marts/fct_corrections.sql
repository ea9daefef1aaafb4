-- Every correction in the corrections file that is well formed, with what it
-- matched in the current parse: the audit trail of the review, and the list
-- of corrections that no longer find their figure (status 'unmatched': the
-- file changed, the span or text is wrong, or the parser no longer reads a
-- figure there). assert_corrections_all_matched warns about the latter.
with corrections as (
    select * from {{ ref('int_corrections') }}
),

kept as (
    -- the corrected row the figure became (none for reject, or when the
    -- corrected figure restates one stated earlier in the report)
    select correction_line_no, fact_id
    from {{ ref('int_facts_stated') }}
    where source = 'corrected'
),

final as (
    select
        c.line_no,
        c.action,
        c.status,
        c.unmatched_reason,
        c.report_id,
        c.file_key,
        c.source_file,
        c.char_start,
        c.char_length,
        c.figure_text,
        c.text_at_span,
        c.original_fact_id,
        c.original_placement,
        c.original_metric_code,
        c.original_value,
        c.original_comparator,
        c.corrected_metric_code,
        c.corrected_value,
        c.corrected_comparator,
        k.fact_id as corrected_fact_id,
        c.reason,
        c.reviewer,
        c.corrections_file
    from corrections as c
    left join kept as k on k.correction_line_no = c.line_no
)

select * from final
