{{ config(severity='warn') }}
-- Reconsideration cases concluded should not exceed cases accepted (first
-- exact figure of each). A warning: concluded counts can include cases
-- carried over from the previous year.
with firsts as (
    select report_id, stage, case_count
    from {{ ref('fct_cases') }}
    where domain = 'admin_review' and figure_rank = 1 and comparator = '='
)

select c.report_id, a.case_count as accepted, c.case_count as concluded
from firsts as c
inner join firsts as a on a.report_id = c.report_id
where c.stage = 'concluded' and a.stage = 'accepted'
  and c.case_count > a.case_count
