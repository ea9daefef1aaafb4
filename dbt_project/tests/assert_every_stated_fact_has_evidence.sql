-- Every stated figure in the marts carries its provenance: an evidence
-- sentence that contains it, and offsets. (That the offsets give the figure
-- back from the original text is assert_figure_offsets_inside_text, plus the
-- Dagster check on staging/facts.)
select
    fact_id,
    report_id,
    evidence,
    figure_text,
    char_start,
    char_length
from {{ ref('fct_metric_values') }}
where
    source = 'stated'
    and (
        evidence is null
        or figure_text is null
        or char_start is null
        or char_length is null
        or strpos(evidence, figure_text) = 0
    )
