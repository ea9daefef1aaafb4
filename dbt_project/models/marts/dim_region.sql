-- Every administrative division of raw.divisions (not only those reports map
-- to: the review site's map and its "divisions with a report" counts need them
-- all), with how many accepted reports map to it. Gaps of the division table
-- are filled from what it knows: a prefecture-level division is its own
-- prefecture, a county's prefecture is its parent when the parent is one, and
-- a division without coordinates takes its parent's seat (coordinate_source
-- says which). report_count reads the parser's documents directly, not
-- dim_report, because dim_report's region_code is a foreign key to this table
-- (this table is built first).
with accepted as (
    select distinct report_id
    from {{ ref('stg_raw__report_files') }}
    where status = 'accepted' and report_id is not null
),

reports as (
    select cast(d.region_code as varchar) as region_code, count(*) as n
    from {{ ref('stg_parser__documents') }} as d
    inner join accepted as a on a.report_id = d.report_id
    where d.region_code is not null
    group by 1
),

divisions as (
    select * from {{ ref('stg_raw__divisions') }}
)

select
    g.region_code,
    g.region_name,
    g.level,
    g.province,
    g.province_code,
    coalesce(
        g.prefecture_code,
        case when g.level = 'prefecture' then g.region_code end,
        case when p.level = 'prefecture' then p.region_code end
    ) as prefecture_code,
    coalesce(
        g.prefecture,
        case when g.level = 'prefecture' then g.region_name end,
        case when p.level = 'prefecture' then p.region_name end
    ) as prefecture,
    g.parent_code,
    case when g.longitude is not null and g.latitude is not null then g.longitude else p.longitude end as longitude,
    case when g.longitude is not null and g.latitude is not null then g.latitude else p.latitude end as latitude,
    case
        when g.longitude is not null and g.latitude is not null then 'own'
        when p.longitude is not null and p.latitude is not null then 'parent'
    end as coordinate_source,
    cast(coalesce(r.n, 0) as integer) as report_count
from divisions as g
left join divisions as p on p.region_code = g.parent_code
left join reports as r on r.region_code = g.region_code
order by g.region_code
