-- Year-on-year changes the reports state (同比上升5%, 下降2个百分点), for
-- every catalog metric, counts and rates alike: kept in their own table so no
-- value column of another mart ever holds a change. change_value is signed
-- by the direction word; change_unit says percent (relative) or points.
select
    c.fact_id,
    c.report_id,
    c.region_code,
    c.report_year,
    c.metric_code,
    c.domain,
    substr(c.metric_code, length(c.domain) + 2) as metric_name,
    c.measure,
    c.channel,
    cast(row_number() over (
        partition by c.report_id, c.metric_code, c.channel order by c.char_start, c.fact_id
    ) as integer) as figure_rank,
    c.signed_change as change_value,
    c.change_value as printed_change,
    c.change_direction,
    c.change_unit,
    c.comparator,
    c.section_kind,
    c.rule,
    c.evidence,
    c.clause,
    c.figure_text,
    c.char_start,
    c.char_length
from {{ ref('int_facts_changes') }} as c
order by c.report_id, c.metric_code, c.channel, figure_rank
