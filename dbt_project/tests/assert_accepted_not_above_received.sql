{{ config(severity='warn') }}
-- Reconsideration cases accepted should not exceed applications received
-- (first exact figure of each in a report). A warning: reports sometimes count
-- carried-over cases, and a breach is worth reading, not blocking the build.
with firsts as (
    select report_id, stage, case_count
    from {{ ref('fct_cases') }}
    where domain = 'admin_review' and figure_rank = 1 and comparator = '='
)

select r.report_id, r.case_count as received, a.case_count as accepted
from firsts as r
inner join firsts as a on a.report_id = r.report_id
where r.stage = 'received' and a.stage = 'accepted'
  and a.case_count > r.case_count
