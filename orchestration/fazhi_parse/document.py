"""Parse one report: metadata, sentences, figures and facts as plain rows."""
from __future__ import annotations

from dataclasses import dataclass

from fazhi_parse.classify import ChainState, classify_sentence
from fazhi_parse.numbers import find_figures
from fazhi_parse.schema import PARSER_VERSION
from fazhi_parse.sections import split_sentences
from fazhi_parse.text import to_simplified


@dataclass(slots=True)
class ParsedDocument:
    document: dict
    sentences: list[dict]
    mentions: list[dict]
    facts: list[dict]


def _metadata(text: str, simplified: str) -> dict:
    # Imported lazily: the region index is built once per process on first use.
    from fazhi_parse.metadata import extract_metadata

    return extract_metadata(text, simplified)


def parse_document(report_id: str, text: str) -> ParsedDocument:
    simplified, preserved = to_simplified(text)
    document = {
        "report_id": report_id,
        "parser_version": PARSER_VERSION,
        "char_count": len(text),
        "t2s_length_preserved": preserved,
        **_metadata(text, simplified),
    }
    sentences, mentions, facts = parse_body(report_id, text, simplified, document.get("report_year"))
    return ParsedDocument(document, sentences, mentions, facts)


def parse_body(
    report_id: str, text: str, simplified: str | None = None, report_year: int | None = None
) -> tuple[list, list, list]:
    """Sentence, mention and fact rows of one text (no document metadata)."""
    if simplified is None:
        simplified, _ = to_simplified(text)
    sentences, mentions, facts = [], [], []
    seen: set[tuple] = set()
    all_figures = find_figures(simplified)
    chain = ChainState()
    mention_of: dict[int, int] = {}  # id(Classified) -> mention_no, for parents
    n_fig, fi = len(all_figures), 0
    for s in split_sentences(simplified):
        sentences.append({
            "report_id": report_id,
            "sentence_no": s.no,
            "char_start": s.start + 1,
            "char_length": s.end - s.start,
            "text": text[s.start:s.end],
            "section_path": s.section_path,
            "section_title": s.section_title,
            "section_kind": s.section_kind,
            "is_chrome": s.is_chrome,
        })
        # Figures were found in one pass over the text; take this sentence's share.
        first = fi
        while fi < n_fig and all_figures[fi].start < s.end:
            fi += 1
        figures = [f for f in all_figures[first:fi] if f.start >= s.start and f.end <= s.end]
        if s.is_chrome or not figures:
            if not s.is_chrome:
                chain = ChainState()  # a 其中 only continues the sentence right before it
            continue
        classified = classify_sentence(simplified, s.start, s.end, figures, report_year, chain)
        for c in classified:
            f = c.figure
            mention_no = len(mentions)
            mention_of[id(c)] = mention_no
            mentions.append({
                "report_id": report_id,
                "mention_no": mention_no,
                "sentence_no": s.no,
                "char_start": f.start + 1,
                "char_length": f.end - f.start,
                "figure_text": text[f.start:f.end],
                "number_text": text[f.num_start:f.num_end],
                "value": f.value,
                "unit": f.unit,
                "unit_kind": f.unit_kind,
                "comparator": f.comparator,
                "is_change": c.measure_kind == "change",
                "change_direction": c.change_direction,
                "metric_code": c.metric_code,
            })
            if not c.metric_code:
                continue
            key = (c.metric_code, c.measure_kind, c.channel, f.value, f.comparator, c.parent is not None)
            facts.append({
                "fact_id": f"{report_id}:{mention_no}",
                "report_id": report_id,
                "mention_no": mention_no,
                "sentence_no": s.no,
                "metric_code": c.metric_code,
                "value": f.value,
                "comparator": f.comparator,
                "unit": f.unit,
                "measure_kind": c.measure_kind,
                "change_unit": ("points" if f.unit_kind == "points" else f.unit_kind) if c.measure_kind == "change" else None,
                "channel": c.channel,
                "parent_fact_id": f"{report_id}:{mention_of[id(c.parent)]}" if c.parent is not None else None,
                "breakdown_label": c.breakdown_label,
                "basis_numerator": c.basis[0] if c.basis else None,
                "basis_denominator": c.basis[1] if c.basis else None,
                "section_kind": s.section_kind,
                "is_duplicate": key in seen,
                "rule": c.rule,
                "evidence": text[s.start:s.end],
                "clause": text[c.clause_start:f.end],
                "char_start": f.start + 1,
                "char_length": f.end - f.start,
                "figure_text": text[f.start:f.end],
            })
            seen.add(key)
    return sentences, mentions, facts
