-- One row per page (or part) of an accepted paged source (PDF, OFD, scans,
-- DOCX/DOC with page breaks), from raw.report_files.pages_json: the span of
-- `text` it covers, 1-based like every char_start in the warehouse.
with paged as (
    select
        report_id,
        unnest(from_json(
            pages_json,
            '[{"page": "INTEGER", "char_start": "BIGINT", "char_end": "BIGINT", "ocr": "BOOLEAN", "ocr_confidence": "DOUBLE"}]'
        )) as span
    from {{ ref('stg_raw__report_files') }}
    where is_accepted and pages_json is not null
)

select
    report_id,
    span.page as page,
    span.char_start + 1 as char_start,
    span.char_end - span.char_start as char_length,
    coalesce(span.ocr, false) as is_ocr,
    span.ocr_confidence as ocr_confidence
from paged
