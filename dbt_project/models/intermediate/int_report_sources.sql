-- The source manifest matched to the report files: one row per manifest row,
-- with the file's status and, for the row dim_report takes (the first line
-- naming an accepted file), its report_id. `problem` says what is wrong with
-- a row, codes first: no_file, duplicate_file, file_not_found,
-- malformed_url, unreadable_date. A row with a problem is reported
-- (assert_sources_manifest_matches warns; `make run` lists it), never
-- fatal: the manifest only describes reports, it changes no figure.
with sources as (
    select * from {{ ref('stg_raw__sources') }}
),

report_files as (
    select * from {{ ref('stg_raw__report_files') }}
),

manifest as (
    select
        *,
        row_number() over (partition by source_file order by line_no) as nth_for_file,
        min(line_no) over (partition by source_file) as first_line_for_file
    from sources
),

files as (
    select
        source_file,
        status,
        report_id
    from report_files
),

final as (
    select
        manifest.line_no,
        manifest.source_file,
        files.status as file_status,
        case when files.status = 'accepted' and manifest.nth_for_file = 1 then files.report_id end as report_id,
        coalesce(manifest.url, manifest.url_text) as url,
        manifest.host,
        manifest.is_official_domain,
        manifest.title,
        manifest.published_at,
        manifest.fetched_at,
        nullif(concat_ws(
            '; ',
            case when manifest.source_file is null then 'no_file: the row names no file' end,
            case
                when manifest.source_file is not null and manifest.nth_for_file > 1
                    then
                        'duplicate_file: line ' || manifest.first_line_for_file
                        || ' already gives ' || manifest.source_file
            end,
            case
                when manifest.source_file is not null and files.source_file is null
                    then 'file_not_found: no file ' || manifest.source_file || ' in the reports folder'
            end,
            case
                when manifest.url_problem is not null
                    then 'malformed_url: ' || manifest.url_problem || ': ' || manifest.url_text
            end,
            case
                when manifest.published_at_text is not null and manifest.published_at is null
                    then 'unreadable_date: published_at ' || manifest.published_at_text
            end,
            case
                when manifest.fetched_at_text is not null and manifest.fetched_at is null
                    then 'unreadable_date: fetched_at ' || manifest.fetched_at_text
            end
        ), '') as problem,
        manifest.sources_file
    from manifest
    left join files on manifest.source_file = files.source_file
)

select * from final
