-- Every accepted report is in dim_report and has been parsed (a document
-- row); nothing else is.

-- Shown in Dagster as a check on dim_report (a test on several models needs one named).
{{ config(meta={'dagster': {'ref': {'name': 'dim_report'}}}) }}

with accepted as (
    select distinct report_id from {{ ref('stg_raw__report_files') }} where status = 'accepted'
),

checks as (
    select a.report_id, 'accepted file missing from dim_report' as problem
    from accepted as a
    where a.report_id not in (select report_id from {{ ref('dim_report') }})
    union all
    select r.report_id, 'dim_report row for a file not accepted'
    from {{ ref('dim_report') }} as r
    where r.report_id not in (select report_id from accepted)
    union all
    select a.report_id, 'accepted file never parsed (no staging.documents row)'
    from accepted as a
    where a.report_id not in (select report_id from {{ ref('stg_parser__documents') }})
)

select * from checks
