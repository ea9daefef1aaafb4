-- One row per accepted report: the file it came from and what the parser
-- decided about it, with counts of the figures the marts hold for it, and
-- where it was published when the source manifest (sources.csv) says so.
with report_files as (
    select * from {{ ref('stg_raw__report_files') }}
),

documents as (
    select * from {{ ref('stg_parser__documents') }}
),

facts_stated as (
    select * from {{ ref('int_facts_stated') }}
),

rates_derived as (
    select * from {{ ref('int_rates_derived') }}
),

facts_changes as (
    select * from {{ ref('int_facts_changes') }}
),

report_sources as (
    select * from {{ ref('int_report_sources') }}
),

accepted_files as (
    select * from report_files
    where status = 'accepted' and report_id is not null
    -- two accepted files cannot share bytes; if they ever did, keep one row
    qualify row_number() over (partition by report_id order by source_file) = 1
),

stated as (
    select
        report_id,
        count(*) as n_facts
    from facts_stated
    group by report_id
),

derived as (
    select
        report_id,
        count(*) as n_facts
    from rates_derived
    group by report_id
),

changes as (
    select
        report_id,
        count(*) as n_facts
    from facts_changes
    group by report_id
),

manifest as (
    -- the source manifest's row for the report (at most one: int_report_sources)
    select * from report_sources
    where report_id is not null
),

final as (
    select
        accepted_files.report_id,
        accepted_files.source_file,
        cast(documents.region_code as varchar) as region_code,
        cast(documents.report_year as integer) as report_year,
        documents.title,
        documents.issuer,
        documents.kind,
        documents.script,
        documents.published_on,
        documents.region_evidence,
        documents.year_evidence,
        coalesce(documents.char_count, accepted_files.text_length) as char_count,
        documents.parser_version,
        accepted_files.sha256,
        accepted_files.encoding,
        accepted_files.media_type,
        accepted_files.size_bytes,
        accepted_files.ingested_at,
        cast(coalesce(stated.n_facts, 0) as integer) as stated_fact_count,
        cast(coalesce(derived.n_facts, 0) as integer) as derived_fact_count,
        cast(coalesce(changes.n_facts, 0) as integer) as change_fact_count,
        manifest.url as source_url,
        manifest.title as source_title,
        manifest.published_at,
        manifest.fetched_at,
        manifest.host as source_host,
        manifest.is_official_domain
    from accepted_files
    left join documents on accepted_files.report_id = documents.report_id
    left join stated on accepted_files.report_id = stated.report_id
    left join derived on accepted_files.report_id = derived.report_id
    left join changes on accepted_files.report_id = changes.report_id
    left join manifest on accepted_files.report_id = manifest.report_id
)

select * from final
