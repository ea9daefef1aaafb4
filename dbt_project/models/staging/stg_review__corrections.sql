-- The corrections file, typed and tidied: blanks are null, the file key and
-- codes lower case, numbers cast where they parse (the raw cell is kept, so
-- assert_corrections_well_formed can name a cell that does not).
with corrections as (
    select * from {{ source('review', 'corrections') }}
),

final as (
    select
        cast(line_no as integer) as line_no,
        lower(nullif(trim(action), '')) as action,
        lower(nullif(trim(sha256), '')) as file_key,
        nullif(trim(char_start), '') as char_start_text,
        try_cast(nullif(trim(char_start), '') as bigint) as char_start,
        nullif(trim(char_length), '') as char_length_text,
        try_cast(nullif(trim(char_length), '') as bigint) as char_length,
        nullif(figure_text, '') as figure_text,
        lower(nullif(trim(metric_code), '')) as metric_code,
        nullif(trim(value), '') as value_text,
        try_cast(replace(nullif(trim(value), ''), ',', '') as double) as value,
        nullif(trim(comparator), '') as comparator,
        lower(nullif(trim(channel), '')) as channel,
        nullif(trim(reason), '') as reason,
        nullif(trim(reviewer), '') as reviewer,
        nullif(trim(source_file), '') as noted_source_file,
        corrections_file,
        loaded_at
    from corrections
)

select * from final
