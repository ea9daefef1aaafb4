-- Every stated figure in the marts carries its provenance: an evidence
-- sentence that contains it, and offsets. (That the offsets give the figure
-- back from the original text is assert_figure_offsets_inside_text, plus the
-- Dagster check on staging/facts.)
select m.fact_id, m.report_id, m.evidence, m.figure_text, m.char_start, m.char_length
from {{ ref('fct_metric_values') }} as m
where m.source = 'stated'
  and (
    m.evidence is null
    or m.figure_text is null
    or m.char_start is null
    or m.char_length is null
    or strpos(m.evidence, m.figure_text) = 0
  )
