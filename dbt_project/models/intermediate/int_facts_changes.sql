-- Year-on-year changes (同比上升5%, 下降2个百分点) from accepted reports: kept
-- apart because they are not levels and must never reach fct_metric_values.
-- A change restated with the same size is kept once (first occurrence).
with accepted_reports as (
    select distinct report_id
    from {{ ref('stg_raw__report_files') }}
    where status = 'accepted' and report_id is not null
),

changes as (
    select
        f.*,
        mn.change_direction,
        row_number() over (
            partition by f.report_id, f.metric_code, f.channel, f.value, f.comparator, f.change_unit
            order by f.char_start, f.mention_no
        ) as occurrence_no
    from {{ ref('stg_parser__facts') }} as f
    left join {{ ref('stg_parser__mentions') }} as mn
        on mn.report_id = f.report_id and mn.mention_no = f.mention_no
    where f.measure_kind = 'change'
      and not f.is_duplicate
      and f.section_kind <> 'plans'
      and f.report_id in (select report_id from accepted_reports)
)

select
    c.fact_id,
    c.report_id,
    d.region_code,
    d.report_year,
    c.metric_code,
    m.fact_table,
    m.domain,
    m.measure,
    c.value as change_value,
    c.change_direction,
    -- signed by the direction word; the printed size is kept in change_value
    case
        when c.change_direction = -1 then -abs(c.value)
        when c.change_direction = 1 then abs(c.value)
        else c.value
    end as signed_change,
    c.change_unit,
    c.comparator,
    c.channel,
    c.parent_fact_id,
    c.section_kind,
    c.rule,
    c.evidence,
    c.clause,
    c.char_start,
    c.char_length,
    c.figure_text
from changes as c
left join {{ ref('stg_parser__documents') }} as d on d.report_id = c.report_id
left join {{ ref('metric_catalog') }} as m on m.metric_code = c.metric_code
where c.occurrence_no = 1
