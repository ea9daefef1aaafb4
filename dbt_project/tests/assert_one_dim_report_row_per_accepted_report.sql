-- Every accepted report is in dim_report and has been parsed (a document
-- row); nothing else is.

-- Shown in Dagster as a check on dim_report (a test on several models needs one named).
{{ config(meta={'dagster': {'ref': {'name': 'dim_report'}}}) }}

with report_files as (
    select * from {{ ref('stg_raw__report_files') }}
),

reports as (
    select * from {{ ref('dim_report') }}
),

documents as (
    select * from {{ ref('stg_parser__documents') }}
),

accepted as (
    select distinct report_id from report_files
    where status = 'accepted'
),

checks as (
    select
        report_id,
        'accepted file missing from dim_report' as problem
    from accepted
    where report_id not in (select reports.report_id from reports)
    union all
    select
        report_id,
        'dim_report row for a file not accepted' as problem
    from reports
    where report_id not in (select accepted.report_id from accepted)
    union all
    select
        report_id,
        'accepted file never parsed (no staging.documents row)' as problem
    from accepted
    where report_id not in (select documents.report_id from documents)
)

select * from checks
