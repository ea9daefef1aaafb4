"""Parse one report: metadata, sentences, figures and facts as plain rows."""
from __future__ import annotations

from dataclasses import dataclass

from fazhi_parse.classify import ChainState, classify_figures, topic_between
from fazhi_parse.numbers import Figure, find_figures
from fazhi_parse.schema import FACTS, MENTIONS, PARSER_VERSION
from fazhi_parse.scopes import SUB_UNIT, court_voice, settle_sub_units
from fazhi_parse.sections import sentence_columns
from fazhi_parse.text import matching_text, to_simplified


@dataclass(slots=True)
class ParsedDocument:
    document: dict
    sentences: list[dict]
    mentions: list[dict]
    facts: list[dict]


@dataclass(slots=True)
class BodyRows:
    """One report's rows, in the cheapest shape to build and to gather into frames:
    sentences as columns (schema name -> list), mentions and facts as tuples
    in schema column order."""

    sentences: dict[str, list]
    mentions: list[tuple]
    facts: list[tuple]

    def as_dicts(self) -> tuple[list[dict], list[dict], list[dict]]:
        names = list(self.sentences)
        return (
            [dict(zip(names, row)) for row in zip(*self.sentences.values())],
            [dict(zip(MENTIONS, row)) for row in self.mentions],
            [dict(zip(FACTS, row)) for row in self.facts],
        )


def _metadata(text: str, simplified: str) -> dict:
    # Imported lazily: the region index is built once per process on first use.
    from fazhi_parse.metadata import extract_metadata

    return extract_metadata(text, simplified)


def parse_rows(report_id: str, text: str) -> tuple[dict, BodyRows]:
    """The document row (a dict; metadata adds keys beyond the schema) and the body rows."""
    simplified, preserved = to_simplified(text)
    document = {
        "report_id": report_id,
        "parser_version": PARSER_VERSION,
        "char_count": len(text),
        "t2s_length_preserved": preserved,
        **_metadata(text, simplified),
    }
    annual = document.get("kind") == "rule_of_law_report"
    court = court_voice(simplified[:600])
    return document, body_rows(
        report_id, text, simplified, document.get("report_year"), annual, court, document.get("region_code")
    )


def parse_document(report_id: str, text: str) -> ParsedDocument:
    document, rows = parse_rows(report_id, text)
    return ParsedDocument(document, *rows.as_dicts())


def parse_body(
    report_id: str, text: str, simplified: str | None = None, report_year: int | None = None,
    annual_report: bool = False,
) -> tuple[list, list, list]:
    """Sentence, mention and fact rows (dicts) of one text (no document metadata)."""
    return body_rows(report_id, text, simplified, report_year, annual_report).as_dicts()


def _by_sentence(figures: list[Figure], starts: list[int], ends: list[int]) -> list[tuple[int, list[Figure]]]:
    """(sentence index, its figures) for each sentence holding whole figures, in order.

    One sweep: figures come in text order and sentences do not overlap. A
    figure straddling a sentence end belongs to no sentence.
    """
    out: list[tuple[int, list[Figure]]] = []
    k, n = 0, len(starts)
    for f in figures:
        while k < n and ends[k] <= f.start:
            k += 1
        if k == n:
            break
        if starts[k] <= f.start and f.end <= ends[k]:
            if out and out[-1][0] == k:
                out[-1][1].append(f)
            else:
                out.append((k, [f]))
    return out


def body_rows(
    report_id: str, text: str, simplified: str | None = None, report_year: int | None = None,
    annual_report: bool = False, court_voice: bool = False, region_code: str | None = None,
) -> BodyRows:
    """Sentence, mention and fact rows of one text (no document metadata).

    Rules read the text without mirror-site pinyin annotations and without
    line breaks that only wrap a line (see `text.matching_text`); every span is
    mapped back to the original before it is stored.
    """
    if simplified is None:
        simplified, _ = to_simplified(text)
    compact, index = matching_text(simplified)
    if index is None:
        def at(i: int) -> int:
            return i

        def upto(i: int) -> int:
            return i
    else:
        def at(i: int) -> int:
            return index[i]

        def upto(i: int) -> int:
            return index[i - 1] + 1 if i else 0
    cols = sentence_columns(compact)
    starts, ends, is_chrome = cols.start, cols.end, cols.is_chrome
    o_starts = [at(a) for a in starts] if index is not None else starts
    o_ends = [upto(b) for b in ends] if index is not None else ends
    n = len(starts)
    sentences = {
        "report_id": [report_id] * n,
        "sentence_no": list(range(n)),
        "char_start": [a + 1 for a in o_starts],
        "char_length": [b - a for a, b in zip(o_starts, o_ends)],
        "text": [text[a:b] for a, b in zip(o_starts, o_ends)],
        "section_path": cols.section_path,
        "section_title": cols.section_title,
        "section_kind": cols.section_kind,
        "is_chrome": is_chrome,
    }
    mentions: list[tuple] = []
    facts: list[tuple] = []
    seen: set[tuple] = set()
    chain = ChainState()
    mention_of: dict[int, int] = {}  # id(Classified) -> mention_no, for parents
    last = -1  # the sentence classified last
    last_paragraph = -1
    paragraph = -1  # position of the line break before the current sentence (-1: the first line)
    line_scanned = 0
    topic: str | None = None  # the paragraph's subject so far
    scanned = 0  # where the scan for it stopped
    section_topic = _section_topics(cols.section_path, cols.section_title)
    for k, figures in _by_sentence(find_figures(compact), starts, ends):
        if is_chrome[k]:
            continue  # web chrome is kept as sentences but not parsed
        start, end = starts[k], ends[k]
        # The line the sentence is on, found by a scan forward from the last one (never back to the start).
        newline = compact.rfind("\n", line_scanned, start)
        if newline >= 0:
            paragraph = newline
        line_scanned = start
        if paragraph != last_paragraph:
            # A paragraph starts with its section's topic ((一)行政复议案件 … 3.审结情况。本期受理1243件).
            topic, scanned = section_topic(k), paragraph + 1
            chain = ChainState()
        elif not all(is_chrome[last + 1 : k]):
            chain = ChainState()  # a 其中 only continues the sentence right before it
        # The subject carries across sentences: the last topic word of the
        # paragraph so far, whatever clauses about other things came between.
        topic = topic_between(compact, scanned, start, topic)
        scanned = start
        chain.topic = topic
        last, last_paragraph = k, paragraph
        classified = classify_figures(
            compact, start, end, figures, report_year, chain, annual_report, court_voice, region_code
        )
        if classified is None:  # mentions only
            for f_start, f_end, num_start, num_end, _, value, unit, unit_kind, comparator in figures:
                a, b = at(f_start), upto(f_end)
                mentions.append((
                    report_id, len(mentions), k, a + 1, b - a, text[a:b],
                    text[at(num_start):upto(num_end)], value, unit, unit_kind, comparator, False, None, None,
                ))
            continue
        for c in classified:
            f = c.figure
            mention_no = len(mentions)
            mention_of[id(c)] = mention_no
            a, b = at(f.start), upto(f.end)
            figure_text = text[a:b]
            mentions.append((
                report_id, mention_no, k, a + 1, b - a, figure_text, text[at(f.num_start):upto(f.num_end)],
                f.value, f.unit, f.unit_kind, f.comparator, c.measure_kind == "change", c.change_direction,
                c.metric_code,
            ))
            if not c.metric_code:
                continue
            key = (c.metric_code, c.measure_kind, c.channel, f.value, f.comparator, c.parent is not None, c.period.kind)
            facts.append((
                f"{report_id}:{mention_no}",
                report_id,
                mention_no,
                k,
                c.metric_code,
                f.value,
                f.comparator,
                f.unit,
                c.measure_kind,
                ("points" if f.unit_kind == "points" else f.unit_kind) if c.measure_kind == "change" else None,
                c.channel,
                f"{report_id}:{mention_of[id(c.parent)]}" if c.parent is not None else None,
                c.breakdown_label,
                c.basis[0] if c.basis else None,
                c.basis[1] if c.basis else None,
                cols.section_kind[k],
                key in seen,
                c.rule,
                text[o_starts[k]:o_ends[k]],
                text[at(c.clause_start):b],
                a + 1,
                b - a,
                figure_text,
                c.period.kind,
                c.period.text,
                c.scope,
            ))
            seen.add(key)
    return BodyRows(sentences, mentions, _settle_scopes(facts))


def _section_topics(paths: list[str], titles: list[str]):
    """sentence number -> the topic its section headings name (outer to inner, the inner one winning), or None."""
    title_of: dict[str, str] = {}
    for path, title in zip(paths, titles):
        title_of.setdefault(path, title)
    cache: dict[str, str | None] = {}

    def topic(k: int) -> str | None:
        path = paths[k]
        if path not in cache:
            parts = path.split("/")
            heads = "\n".join(title_of.get("/".join(parts[: i + 1]), "") for i in range(len(parts)))
            cache[path] = topic_between(heads, 0, len(heads), None) if path else None
        return cache[path]

    return topic


_F = {name: i for i, name in enumerate(FACTS)}


def _settle_scopes(facts: list[tuple]) -> list[tuple]:
    """Sub-unit figures are the region's own when no region total stands beside them (see scopes.settle_sub_units)."""
    if not any(f[_F["scope"]] == SUB_UNIT for f in facts):
        return facts
    view = [
        {
            "metric_code": f[_F["metric_code"]],
            "scope": f[_F["scope"]],
            "is_total": f[_F["measure_kind"]] == "level" and f[_F["parent_fact_id"]] is None
            and f[_F["period_kind"]] == "year",
        }
        for f in facts
    ]
    settle_sub_units(view)
    i = _F["scope"]
    return [f if f[i] == v["scope"] else f[:i] + (v["scope"],) + f[i + 1:] for f, v in zip(facts, view)]
