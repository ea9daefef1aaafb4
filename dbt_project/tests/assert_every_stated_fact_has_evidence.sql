-- Every stated figure in the marts carries its provenance: an evidence
-- sentence that contains it, and offsets into the original text that give it
-- back exactly.
select m.fact_id, m.report_id, m.evidence, m.figure_text, m.char_start, m.char_length
from {{ ref('fct_metric_values') }} as m
left join {{ ref('stg_raw__report_files') }} as f
    on f.report_id = m.report_id and f.status = 'accepted'
where m.source = 'stated'
  and (
    m.evidence is null
    or m.figure_text is null
    or strpos(m.evidence, m.figure_text) = 0
    or substr(f.text, m.char_start, m.char_length) is distinct from m.figure_text
  )
