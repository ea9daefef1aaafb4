-- One row per page (or part) of an accepted paged source (PDF, OFD, scans,
-- DOCX/DOC with page breaks), from raw.report_files.pages_json: the span of
-- `text` it covers, 1-based like every char_start in the warehouse.
with report_files as (
    select * from {{ ref('stg_raw__report_files') }}
),

paged as (
    select
        report_id,
        unnest(from_json(
            pages_json,
            '[{"page": "INTEGER", "char_start": "BIGINT", "char_end": "BIGINT", "ocr": "BOOLEAN", "ocr_confidence": "DOUBLE"}]'  -- noqa: LT05
        )) as span
    from report_files
    where is_accepted and pages_json is not null
),

final as (
    select
        paged.report_id,
        paged.span.page,
        paged.span.char_start + 1 as char_start,
        paged.span.char_end - paged.span.char_start as char_length,
        coalesce(paged.span.ocr, false) as is_ocr,
        paged.span.ocr_confidence
    from paged
)

select * from final
