-- Every row of the corrections file says one thing clearly: a known action,
-- a file key (64 or 16 hex digits), a span (whole numbers, start >= 1,
-- length >= 1, as long as figure_text), a reason and a reviewer; relabel and
-- add name a catalog metric, revalue and add a value (a number >= 0); a
-- comparator or channel, when given, is one the marts know. One row per
-- problem, naming the line of the file.
-- Shown in Dagster as a check on stg_review__corrections (a test on several models needs one named).
{{ config(meta={'dagster': {'ref': {'name': 'stg_review__corrections'}}}) }}

with corrections as (
    select * from {{ ref('stg_review__corrections') }}
),

metric_catalog as (
    select * from {{ ref('metric_catalog') }}
),

problems as (
    select
        line_no,
        'action must be reject, relabel, revalue or add' as problem
    from corrections
    where action is null or action not in ('reject', 'relabel', 'revalue', 'add')
    union all
    select
        line_no,
        'sha256 must be the file''s sha256 (64 hex digits) or its report_id (16)' as problem
    from corrections
    where file_key is null or not regexp_full_match(file_key, '[0-9a-f]{64}|[0-9a-f]{16}')
    union all
    select
        line_no,
        'char_start must be a whole number >= 1' as problem
    from corrections
    where char_start is null or char_start < 1
    union all
    select
        line_no,
        'char_length must be a whole number >= 1' as problem
    from corrections
    where char_length is null or char_length < 1
    union all
    select
        line_no,
        'figure_text is required' as problem
    from corrections
    where figure_text is null
    union all
    select
        line_no,
        'figure_text must be char_length characters long' as problem
    from corrections
    where figure_text is not null and char_length is not null and length(figure_text) <> char_length
    union all
    select
        line_no,
        'reason is required' as problem
    from corrections
    where reason is null
    union all
    select
        line_no,
        'reviewer is required' as problem
    from corrections
    where reviewer is null
    union all
    select
        line_no,
        action || ' needs a metric_code' as problem
    from corrections
    where action in ('relabel', 'add') and metric_code is null
    union all
    select
        line_no,
        'metric_code ' || metric_code || ' is not in the catalog (dim_metric)' as problem
    from corrections
    where metric_code is not null and metric_code not in (select metric_catalog.metric_code from metric_catalog)
    union all
    select
        line_no,
        action || ' needs a value' as problem
    from corrections
    where action in ('revalue', 'add') and value_text is null
    union all
    select
        line_no,
        'value ' || value_text || ' is not a number >= 0' as problem
    from corrections
    where value_text is not null and (value is null or value < 0)
    union all
    select
        line_no,
        'comparator must be one of = >= <= ~' as problem
    from corrections
    where comparator is not null and comparator not in ('=', '>=', '<=', '~')
    union all
    select
        line_no,
        'channel must be one of people, administrative, medical, traffic, labour, general' as problem
    from corrections
    where channel is not null
        and channel not in ('people', 'administrative', 'medical', 'traffic', 'labour', 'general')
    union all
    select
        line_no,
        'reject takes no metric_code, value, comparator or channel' as problem
    from corrections
    where action = 'reject'
        and (metric_code is not null or value_text is not null or comparator is not null or channel is not null)
)

select
    problems.line_no,
    problems.problem,
    corrections.corrections_file
from problems
left join corrections on problems.line_no = corrections.line_no
