-- A warning, not an error: a source manifest row that names no file, a file
-- an earlier line already gives, a file not in the reports folder, a
-- malformed URL or an unreadable date is listed here (and by `make run`)
-- until someone fixes the manifest. The manifest only says where reports
-- came from; it changes no figure, so a bad row never holds back the build.
-- A row naming no file is such a row too: unlike a malformed correction,
-- which would change figures if half understood, it can only fail to cite.
{{ config(severity='warn') }}

select
    line_no,
    source_file,
    url,
    problem,
    sources_file
from {{ ref('int_report_sources') }}
where problem is not null
