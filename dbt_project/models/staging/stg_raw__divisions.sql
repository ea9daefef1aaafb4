-- Administrative divisions, codes as clean six-character strings.
with divisions as (
    select * from {{ source('raw', 'divisions') }}
),

final as (
    select
        trim(cast(region_code as varchar)) as region_code,
        trim(region_name) as region_name,
        lower(trim(level)) as level,
        nullif(trim(cast(province_code as varchar)), '') as province_code,
        nullif(trim(province), '') as province,
        nullif(trim(cast(prefecture_code as varchar)), '') as prefecture_code,
        nullif(trim(prefecture), '') as prefecture,
        nullif(trim(cast(parent_code as varchar)), '') as parent_code,
        cast(longitude as double) as longitude,
        cast(latitude as double) as latitude
    from divisions
)

select * from final
