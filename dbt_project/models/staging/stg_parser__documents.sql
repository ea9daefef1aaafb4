-- One row per parsed report: what the parser decided about the whole document.
with documents as (
    select * from {{ source('parser', 'documents') }}
),

final as (
    select
        report_id,
        parser_version,
        nullif(trim(title), '') as title,
        nullif(trim(issuer), '') as issuer,
        kind,
        script,
        nullif(trim(region_code), '') as region_code,
        region_evidence,
        cast(report_year as integer) as report_year,
        year_evidence,
        published_on,
        cast(char_count as bigint) as char_count,
        t2s_length_preserved
    from documents
)

select * from final
