{{ config(severity='warn') }}
-- Reconsideration cases accepted should not exceed applications received
-- (first exact figure of each in a report). A warning: reports sometimes count
-- carried-over cases, and a breach is worth reading, not blocking the build.
with cases as (
    select * from {{ ref('fct_cases') }}
),

firsts as (
    select
        report_id,
        stage,
        case_count
    from cases
    where domain = 'admin_review' and figure_rank = 1 and comparator = '='
)

select
    received.report_id,
    received.case_count as received,
    accepted.case_count as accepted
from firsts as received
inner join firsts as accepted on received.report_id = accepted.report_id
where
    received.stage = 'received'
    and accepted.stage = 'accepted'
    and accepted.case_count > received.case_count
