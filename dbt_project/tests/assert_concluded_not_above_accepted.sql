{{ config(severity='warn') }}
-- Reconsideration cases concluded should not exceed cases accepted (first
-- exact figure of each). A warning: concluded counts can include cases
-- carried over from the previous year.
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
    concluded.report_id,
    accepted.case_count as accepted,
    concluded.case_count as concluded
from firsts as concluded
inner join firsts as accepted on concluded.report_id = accepted.report_id
where
    concluded.stage = 'concluded'
    and accepted.stage = 'accepted'
    and concluded.case_count > accepted.case_count
