-- One row per accepted report: the file it came from and what the parser
-- decided about it, with counts of the figures the marts hold for it, and
-- where it was published when the source manifest (sources.csv) says so.
with accepted_files as (
    select *
    from {{ ref('stg_raw__report_files') }}
    where status = 'accepted' and report_id is not null
    -- two accepted files cannot share bytes; if they ever did, keep one row
    qualify row_number() over (partition by report_id order by source_file) = 1
),

stated as (
    select report_id, count(*) as n from {{ ref('int_facts_stated') }} group by report_id
),

derived as (
    select report_id, count(*) as n from {{ ref('int_rates_derived') }} group by report_id
),

changes as (
    select report_id, count(*) as n from {{ ref('int_facts_changes') }} group by report_id
),

manifest as (
    -- the source manifest's row for the report (at most one: int_report_sources)
    select * from {{ ref('int_report_sources') }} where report_id is not null
)

select
    f.report_id,
    f.source_file,
    cast(d.region_code as varchar) as region_code,
    cast(d.report_year as integer) as report_year,
    d.title,
    d.issuer,
    d.kind,
    d.script,
    d.published_on,
    d.region_evidence,
    d.year_evidence,
    coalesce(d.char_count, f.text_length) as char_count,
    d.parser_version,
    f.sha256,
    f.encoding,
    f.media_type,
    f.size_bytes,
    f.ingested_at,
    cast(coalesce(s.n, 0) as integer) as stated_fact_count,
    cast(coalesce(v.n, 0) as integer) as derived_fact_count,
    cast(coalesce(c.n, 0) as integer) as change_fact_count,
    m.url as source_url,
    m.title as source_title,
    m.published_at,
    m.fetched_at,
    m.host as source_host,
    m.is_official_domain
from accepted_files as f
left join {{ ref('stg_parser__documents') }} as d on d.report_id = f.report_id
left join stated as s on s.report_id = f.report_id
left join derived as v on v.report_id = f.report_id
left join changes as c on c.report_id = f.report_id
left join manifest as m on m.report_id = f.report_id
order by f.source_file
