-- One row per sentence with its section; offsets are 1-based into the original text.
with sentences as (
    select * from {{ source('parser', 'sentences') }}
),

final as (
    select
        report_id,
        cast(sentence_no as integer) as sentence_no,
        cast(char_start as bigint) as char_start,
        cast(char_length as bigint) as char_length,
        text as sentence_text,
        coalesce(section_path, '') as section_path,
        section_title,
        coalesce(section_kind, 'body') as section_kind,
        coalesce(is_chrome, false) as is_chrome
    from sentences
)

select * from final
