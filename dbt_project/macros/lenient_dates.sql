{#-
  Dates and times as people write them in a spreadsheet, read leniently: a
  value that does not parse is null (the text is kept beside it, and
  int_report_sources reports it). Accepted: ISO (2024-03-20, 2024-03-20
  10:15, 2024-03-20T10:15:00+08:00), 2024/3/20, 2024.3.20, 2024年3月20日,
  20240320.
-#}
{% macro _dates_as_iso(text) -%}
regexp_replace(replace(replace(replace({{ text }}, '年', '-'), '月', '-'), '日', ''), '^(\d{4})[./](\d{1,2})[./](\d{1,2})', '\1-\2-\3')
{%- endmacro %}

{% macro lenient_date(text) -%}
coalesce(
    try_cast({{ text }} as date),
    try_cast({{ _dates_as_iso(text) }} as date),
    cast(try_strptime({{ text }}, '%Y%m%d') as date)
)
{%- endmacro %}

{#- A time with an offset (Z, +08:00) is that instant; a time or date without one is taken as UTC. -#}
{% macro lenient_timestamptz(text) -%}
case
    when regexp_matches({{ text }}, '\d:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)$')
        then try_cast({{ text }} as timestamptz)
    else timezone('UTC', coalesce(
        try_cast({{ text }} as timestamp),
        try_cast({{ _dates_as_iso(text) }} as timestamp),
        try_strptime({{ text }}, '%Y%m%d')
    ))
end
{%- endmacro %}
