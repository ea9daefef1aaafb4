-- Year-on-year changes (同比上升5%, 下降2个百分点) from accepted reports: kept
-- apart because they are not levels and must never reach fct_metric_values.
-- A change restated with the same size is kept once (first occurrence).
with report_files as (
    select * from {{ ref('stg_raw__report_files') }}
),

parser_facts as (
    select * from {{ ref('stg_parser__facts') }}
),

mentions as (
    select * from {{ ref('stg_parser__mentions') }}
),

documents as (
    select * from {{ ref('stg_parser__documents') }}
),

metric_catalog as (
    select * from {{ ref('metric_catalog') }}
),

accepted_reports as (
    select distinct report_id
    from report_files
    where status = 'accepted' and report_id is not null
),

changes as (
    select
        parser_facts.fact_id,
        parser_facts.report_id,
        parser_facts.metric_code,
        parser_facts.value,
        parser_facts.change_unit,
        parser_facts.comparator,
        parser_facts.channel,
        parser_facts.parent_fact_id,
        parser_facts.section_kind,
        parser_facts.rule,
        parser_facts.evidence,
        parser_facts.clause,
        parser_facts.char_start,
        parser_facts.char_length,
        parser_facts.figure_text,
        mentions.change_direction,
        row_number() over (
            partition by
                parser_facts.report_id,
                parser_facts.metric_code,
                parser_facts.channel,
                parser_facts.value,
                parser_facts.comparator,
                parser_facts.change_unit
            order by parser_facts.char_start, parser_facts.mention_no
        ) as occurrence_no
    from parser_facts
    left join mentions
        on
            parser_facts.report_id = mentions.report_id
            and parser_facts.mention_no = mentions.mention_no
    where
        parser_facts.measure_kind = 'change'
        and not parser_facts.is_duplicate
        and parser_facts.section_kind <> 'plans'
        and parser_facts.report_id in (select accepted_reports.report_id from accepted_reports)
),

final as (
    select
        changes.fact_id,
        changes.report_id,
        documents.region_code,
        documents.report_year,
        changes.metric_code,
        metric_catalog.fact_table,
        metric_catalog.domain,
        metric_catalog.measure,
        changes.value as change_value,
        changes.change_direction,
        -- signed by the direction word; the printed size is kept in change_value
        case
            when changes.change_direction = -1 then -abs(changes.value)
            when changes.change_direction = 1 then abs(changes.value)
            else changes.value
        end as signed_change,
        changes.change_unit,
        changes.comparator,
        changes.channel,
        changes.parent_fact_id,
        changes.section_kind,
        changes.rule,
        changes.evidence,
        changes.clause,
        changes.char_start,
        changes.char_length,
        changes.figure_text
    from changes
    left join documents on changes.report_id = documents.report_id
    left join metric_catalog on changes.metric_code = metric_catalog.metric_code
    where changes.occurrence_no = 1
)

select * from final
