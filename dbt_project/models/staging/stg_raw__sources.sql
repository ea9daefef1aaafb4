-- The source manifest, typed and tidied: blanks are null; the file as a
-- source_file ('/' separated, no leading './'); the URL normalised (scheme
-- and host lower case, no user info, no trailing dot on the host) with its
-- host, whether the host is an official government domain (seed
-- official_domains) and, when the URL cannot be read, why; dates cast
-- leniently (macros/lenient_dates.sql). The cells as written are kept.
with sources as (
    select * from {{ source('raw', 'sources') }}
),

official_domains as (
    select * from {{ ref('official_domains') }}
),

manifest as (
    select
        cast(line_no as integer) as line_no,
        nullif(trim(file), '') as file_text,
        nullif(trim(url), '') as url_text,
        nullif(trim(title), '') as title,
        nullif(trim(published_at), '') as published_at_text,
        nullif(trim(fetched_at), '') as fetched_at_text,
        sources_file,
        loaded_at
    from sources
),

parts as (
    select
        *,
        regexp_extract(url_text, '^([A-Za-z][A-Za-z0-9+.-]*)://', 1) as scheme,
        -- what follows the scheme up to the path, without user info:
        -- http://www.gov.cn@evil.com/ is a page on evil.com
        regexp_replace(regexp_extract(url_text, '^[A-Za-z][A-Za-z0-9+.-]*://([^/?#]*)', 1), '^.*@', '') as host_port,
        regexp_extract(url_text, '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*(.*)$', 1) as path_part
    from manifest
),

hosts as (
    select
        *,
        rtrim(lower(regexp_extract(host_port, '^(\[[^\]]*\]|[^:]*)', 1)), '.') as host_name,
        regexp_extract(host_port, '^(?:\[[^\]]*\]|[^:]*)(.*)$', 1) as port_part
    from parts
),

checked as (
    select
        *,
        case
            when url_text is null then null
            when lower(scheme) not in ('http', 'https') then 'not an http:// or https:// URL'
            when regexp_matches(url_text, '\s') then 'contains a space'
            -- labels of letters, digits, '-' or '_', at least two; or an IPv6 address in brackets
            when not regexp_full_match(host_name, '\[[0-9a-f:.]+\]|[\p{L}\p{N}_-]+(\.[\p{L}\p{N}_-]+)+')
                then 'no valid host name'
            when port_part <> '' and not regexp_full_match(port_part, ':[0-9]{1,5}')
                then 'not a port number after the host'
        end as url_problem
    from hosts
),

final as (
    select
        line_no,
        file_text,
        nullif(regexp_replace(replace(file_text, '\', '/'), '^(\./)+', ''), '') as source_file,
        url_text,
        case when url_problem is null then lower(scheme) || '://' || host_name || port_part || path_part end as url,
        case when url_problem is null then host_name end as host,
        case
            when url_text is null then null
            when url_problem is not null then false
            else
                exists (
                    select 1 from official_domains
                    where
                        checked.host_name = official_domains.suffix
                        or ends_with(checked.host_name, '.' || official_domains.suffix)
                )
        end as is_official_domain,
        url_problem,
        title,
        published_at_text,
        {{ lenient_date('published_at_text') }} as published_at,
        fetched_at_text,
        {{ lenient_timestamptz('fetched_at_text') }} as fetched_at,
        sources_file,
        loaded_at
    from checked
)

select * from final
