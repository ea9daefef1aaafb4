-- Every input file, typed and tidied; `text` is the string every offset points into.
with report_files as (
    select * from {{ source('raw', 'report_files') }}
),

final as (
    select
        source_file,
        nullif(trim(report_id), '') as report_id,
        lower(sha256) as sha256,
        cast(size_bytes as bigint) as size_bytes,
        modified_at,
        lower(encoding) as encoding,
        media_type,
        lower(trim(status)) as status,
        status = 'accepted' as is_accepted,
        reason,
        -- the short code before the colon: empty, binary, undecodable, duplicate, ...
        nullif(trim(split_part(reason, ':', 1)), '') as reason_code,
        duplicate_of,
        text,
        length(text) as text_length,
        raw_html,
        ingested_at,
        format,
        reader,
        cast(page_count as integer) as page_count,
        coalesce(ocr, false) as is_ocr,
        ocr_confidence,
        pages_json
    from report_files
)

select * from final
