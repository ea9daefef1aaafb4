-- Every figure found in the text, with its span in the original.
with mentions as (
    select * from {{ source('parser', 'mentions') }}
),

final as (
    select
        report_id,
        cast(mention_no as integer) as mention_no,
        cast(sentence_no as integer) as sentence_no,
        cast(char_start as bigint) as char_start,
        cast(char_length as bigint) as char_length,
        figure_text,
        number_text,
        cast(value as double) as value,
        unit,
        unit_kind,
        comparator,
        coalesce(is_change, false) as is_change,
        cast(change_direction as integer) as change_direction,
        metric_code
    from mentions
)

select * from final
