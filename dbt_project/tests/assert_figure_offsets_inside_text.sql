-- Every mention and fact points into its report's original text, and the span
-- there is the figure as printed: substr(text, char_start, char_length) = figure_text.
with spans as (
    select 'mention' as kind, report_id, cast(mention_no as varchar) as id,
           char_start, char_length, figure_text
    from {{ ref('stg_parser__mentions') }}
    union all
    select 'fact', report_id, fact_id, char_start, char_length, figure_text
    from {{ ref('stg_parser__facts') }}
)

select s.*, f.text_length, substr(f.text, s.char_start, s.char_length) as text_at_span
from spans as s
left join {{ ref('stg_raw__report_files') }} as f
    on f.report_id = s.report_id and f.status = 'accepted'
where f.text is null
   or s.char_start is null
   or s.char_length is null
   or s.char_start < 1
   or s.char_length < 1
   or s.char_start + s.char_length - 1 > f.text_length
   or substr(f.text, s.char_start, s.char_length) is distinct from s.figure_text
