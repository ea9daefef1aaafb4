-- Every administrative division, with how many accepted reports map to it.
with reports as (
    select region_code, count(*) as n
    from {{ ref('dim_report') }}
    where region_code is not null
    group by region_code
)

select
    g.region_code,
    g.region_name,
    g.level,
    g.province,
    g.province_code,
    g.prefecture_code,
    g.prefecture,
    g.parent_code,
    g.longitude,
    g.latitude,
    cast(coalesce(r.n, 0) as integer) as report_count
from {{ ref('stg_raw__divisions') }} as g
left join reports as r on r.region_code = g.region_code
order by g.region_code
