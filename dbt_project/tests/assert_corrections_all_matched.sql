-- A warning, not an error: a correction whose key (file, span, figure text)
-- no longer matches is not applied, and is listed here and in
-- marts.fct_corrections (status 'unmatched') until the reviewer fixes or
-- removes the line. The build and publish go on.
{{ config(severity='warn') }}

select
    line_no,
    action,
    file_key,
    source_file,
    char_start,
    char_length,
    figure_text,
    text_at_span,
    unmatched_reason
from {{ ref('fct_corrections') }}
where status = 'unmatched'
