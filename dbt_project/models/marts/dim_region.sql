-- Every administrative division of raw.divisions (not only those reports map
-- to: the review site's map and its "divisions with a report" counts need them
-- all), with how many accepted reports map to it. Gaps of the division table
-- are filled from what it knows: a prefecture-level division is its own
-- prefecture, a county's prefecture is its parent when the parent is one, and
-- a division without coordinates takes its parent's seat (coordinate_source
-- says which). report_count reads the parser's documents directly, not
-- dim_report, because dim_report's region_code is a foreign key to this table
-- (this table is built first).
with report_files as (
    select * from {{ ref('stg_raw__report_files') }}
),

documents as (
    select * from {{ ref('stg_parser__documents') }}
),

divisions as (
    select * from {{ ref('stg_raw__divisions') }}
),

accepted as (
    select distinct report_id
    from report_files
    where status = 'accepted' and report_id is not null
),

reports as (
    select
        cast(documents.region_code as varchar) as region_code,
        count(*) as n_reports
    from documents
    inner join accepted on documents.report_id = accepted.report_id
    where documents.region_code is not null
    group by 1
),

final as (
    select
        divisions.region_code,
        divisions.region_name,
        divisions.level,
        divisions.province,
        divisions.province_code,
        coalesce(
            divisions.prefecture_code,
            case when divisions.level = 'prefecture' then divisions.region_code end,
            case when parents.level = 'prefecture' then parents.region_code end
        ) as prefecture_code,
        coalesce(
            divisions.prefecture,
            case when divisions.level = 'prefecture' then divisions.region_name end,
            case when parents.level = 'prefecture' then parents.region_name end
        ) as prefecture,
        divisions.parent_code,
        case
            when divisions.longitude is not null and divisions.latitude is not null then divisions.longitude
            else parents.longitude
        end as longitude,
        case
            when divisions.longitude is not null and divisions.latitude is not null then divisions.latitude
            else parents.latitude
        end as latitude,
        case
            when divisions.longitude is not null and divisions.latitude is not null then 'own'
            when parents.longitude is not null and parents.latitude is not null then 'parent'
        end as coordinate_source,
        cast(coalesce(reports.n_reports, 0) as integer) as report_count
    from divisions
    left join divisions as parents on divisions.parent_code = parents.region_code
    left join reports on divisions.region_code = reports.region_code
)

select * from final
