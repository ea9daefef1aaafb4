-- The source manifest matched to the report files: one row per manifest row,
-- with the file's status and, for the row dim_report takes (the first line
-- naming an accepted file), its report_id. `problem` says what is wrong with
-- a row, codes first: no_file, duplicate_file, file_not_found,
-- malformed_url, unreadable_date. A row with a problem is reported
-- (assert_sources_manifest_matches warns; `make run` lists it), never
-- fatal: the manifest only describes reports, it changes no figure.
with manifest as (
    select
        *,
        row_number() over (partition by source_file order by line_no) as nth_for_file,
        min(line_no) over (partition by source_file) as first_line_for_file
    from {{ ref('stg_raw__sources') }}
),

files as (
    select source_file, status, report_id from {{ ref('stg_raw__report_files') }}
)

select
    m.line_no,
    m.source_file,
    f.status as file_status,
    case when f.status = 'accepted' and m.nth_for_file = 1 then f.report_id end as report_id,
    coalesce(m.url, m.url_text) as url,
    m.host,
    m.is_official_domain,
    m.title,
    m.published_at,
    m.fetched_at,
    nullif(concat_ws('; ',
        case when m.source_file is null then 'no_file: the row names no file' end,
        case when m.source_file is not null and m.nth_for_file > 1
            then 'duplicate_file: line ' || m.first_line_for_file || ' already gives ' || m.source_file end,
        case when m.source_file is not null and f.source_file is null
            then 'file_not_found: no file ' || m.source_file || ' in the reports folder' end,
        case when m.url_problem is not null then 'malformed_url: ' || m.url_problem || ': ' || m.url_text end,
        case when m.published_at_text is not null and m.published_at is null
            then 'unreadable_date: published_at ' || m.published_at_text end,
        case when m.fetched_at_text is not null and m.fetched_at is null
            then 'unreadable_date: fetched_at ' || m.fetched_at_text end
    ), '') as problem,
    m.sources_file
from manifest as m
left join files as f on f.source_file = m.source_file
order by m.line_no
