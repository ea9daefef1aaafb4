"""Parse one report: metadata, sentences, figures and facts as plain rows."""
from __future__ import annotations

from dataclasses import dataclass

from fazhi_parse.classify import ChainState, Classified, classify_figures, topic_between
from fazhi_parse.numbers import Figure, find_figures
from fazhi_parse.rows import FACT_ROWS, MENTION_ROWS
from fazhi_parse.schema import PARSER_VERSION
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
    built by column name (`rows.MENTION_ROWS`, `rows.FACT_ROWS`)."""

    sentences: dict[str, list]
    mentions: list[tuple]
    facts: list[tuple]

    def as_dicts(self) -> tuple[list[dict], list[dict], list[dict]]:
        names = list(self.sentences)
        return (
            [dict(zip(names, row, strict=False)) for row in zip(*self.sentences.values(), strict=False)],
            MENTION_ROWS.dicts(self.mentions),
            FACT_ROWS.dicts(self.facts),
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
    cols = sentence_columns(compact)
    spans = _Spans(index, cols.start, cols.end)
    out = _Rows(report_id, text, spans)
    subject = _Subject(compact, cols)
    for k, figures in _by_sentence(find_figures(compact), cols.start, cols.end):
        if cols.is_chrome[k]:
            continue  # web chrome is kept as sentences but not parsed
        chain = subject.chain_for(k)
        classified = classify_figures(
            compact, cols.start[k], cols.end[k], figures, report_year, chain, annual_report, court_voice, region_code
        )
        if classified is None:
            out.plain_mentions(k, figures)
        else:
            subject.read_up_to(chain)
            out.classified(k, classified, cols.section_kind[k])
    return BodyRows(_sentence_columns(report_id, text, cols, spans), out.mentions, _settle_scopes(out.facts))


class _Spans:
    """Spans of the matching text mapped back to the original (`index`: see
    `text.matching_text`; None when they are the same text).

    `at(i)`: where the character at i is in the original; `upto(i)`: where a
    span ending before i ends there. `starts`, `ends`: the sentences' spans there.
    """

    __slots__ = ("at", "ends", "index", "starts", "upto")

    def __init__(self, index: list[int] | None, starts: list[int], ends: list[int]):
        self.index = index
        if index is None:
            self.at = self.upto = _same
            self.starts, self.ends = starts, ends
        else:
            self.at = index.__getitem__
            self.upto = lambda i: index[i - 1] + 1 if i else 0
            self.starts, self.ends = list(map(self.at, starts)), list(map(self.upto, ends))


def _same(i: int) -> int:
    return i


def _sentence_columns(report_id: str, text: str, cols, spans: _Spans) -> dict[str, list]:
    """The sentence rows as columns, by schema name."""
    o_starts, o_ends = spans.starts, spans.ends
    n = len(o_starts)
    return {
        "report_id": [report_id] * n,
        "sentence_no": list(range(n)),
        "char_start": [a + 1 for a in o_starts],
        "char_length": [b - a for a, b in zip(o_starts, o_ends, strict=False)],
        "text": [text[a:b] for a, b in zip(o_starts, o_ends, strict=False)],
        "section_path": cols.section_path,
        "section_title": cols.section_title,
        "section_kind": cols.section_kind,
        "is_chrome": cols.is_chrome,
    }


class _Subject:
    """The subject a sentence's figures are about, carried from sentence to
    sentence within a paragraph: the chain `classify_figures` reads and updates.

    A paragraph starts with its section's topic ((一)行政复议案件 … 3.审结情况。本期受理1243件);
    the subject then carries across sentences: the last topic word of the
    paragraph so far, whatever clauses about other things came between.
    """

    __slots__ = (
        "chain",
        "compact",
        "is_chrome",
        "last",
        "last_paragraph",
        "line_scanned",
        "paragraph",
        "scanned",
        "section_topic",
        "starts",
        "topic",
    )

    def __init__(self, compact: str, cols):
        self.compact = compact
        self.is_chrome = cols.is_chrome
        self.starts = cols.start
        self.section_topic = _section_topics(cols.section_path, cols.section_title)
        self.chain = ChainState()
        self.last = -1  # the sentence classified last
        self.last_paragraph = -1
        self.paragraph = -1  # position of the line break before the current sentence (-1: the first line)
        self.line_scanned = 0
        self.topic: str | None = None  # the paragraph's subject so far
        self.scanned = 0  # where the scan for it stopped

    def chain_for(self, k: int) -> ChainState:
        """The chain sentence k is classified with, its topic set."""
        start = self.starts[k]
        # The line the sentence is on, found by a scan forward from the last one (never back to the start).
        newline = self.compact.rfind("\n", self.line_scanned, start)
        if newline >= 0:
            self.paragraph = newline
        self.line_scanned = start
        if self.paragraph != self.last_paragraph:
            self.topic, self.scanned = self.section_topic(k), self.paragraph + 1
            self.chain = ChainState()
        elif not all(self.is_chrome[self.last + 1 : k]):
            self.chain = ChainState()  # a 其中 only continues the sentence right before it
        self.topic = topic_between(self.compact, self.scanned, start, self.topic)
        self.scanned = start
        self.chain.topic = self.topic
        self.last, self.last_paragraph = k, self.paragraph
        return self.chain

    def read_up_to(self, chain: ChainState) -> None:
        """classify read the topic words up to its last figure; the rest is scanned next time."""
        if chain.word_topic is not False:
            self.topic = chain.word_topic
        self.scanned = chain.word_end


class _Rows:
    """One report's mention and fact rows, built by column name (see rows.py)."""

    __slots__ = ("facts", "mention_of", "mentions", "report_id", "seen", "spans", "text")

    def __init__(self, report_id: str, text: str, spans: _Spans):
        self.report_id, self.text, self.spans = report_id, text, spans
        self.mentions: list[tuple] = []
        self.facts: list[tuple] = []
        self.seen: set[tuple] = set()  # (metric, value ...) of the facts so far: a repeat is a duplicate
        self.mention_of: dict[int, int] = {}  # id(Classified) -> mention_no, for parents

    def plain_mentions(self, k: int, figures: list[Figure]) -> None:
        """Mentions of sentence k's figures, none of them classified."""
        text, report_id, mentions, row = self.text, self.report_id, self.mentions, MENTION_ROWS.row
        mapped, at, upto = self.spans.index is not None, self.spans.at, self.spans.upto
        for f_start, f_end, num_start, num_end, _, value, unit, unit_kind, comparator in figures:
            if mapped:  # most texts are matched as they are: their spans need no mapping
                f_start, f_end, num_start, num_end = at(f_start), upto(f_end), at(num_start), upto(num_end)
            mentions.append(row(
                report_id=report_id, mention_no=len(mentions), sentence_no=k,
                char_start=f_start + 1, char_length=f_end - f_start, figure_text=text[f_start:f_end],
                number_text=text[num_start:num_end], value=value, unit=unit, unit_kind=unit_kind,
                comparator=comparator, is_change=False, change_direction=None, metric_code=None,
            ))

    def classified(self, k: int, classified: list[Classified], section_kind: str) -> None:
        """A mention of each classified figure of sentence k, and a fact of each with a metric."""
        text, report_id, at, upto = self.text, self.report_id, self.spans.at, self.spans.upto
        for c in classified:
            f = c.figure
            mention_no = len(self.mentions)
            self.mention_of[id(c)] = mention_no
            a, b = at(f.start), upto(f.end)
            figure_text = text[a:b]
            self.mentions.append(MENTION_ROWS.row(
                report_id=report_id, mention_no=mention_no, sentence_no=k, char_start=a + 1, char_length=b - a,
                figure_text=figure_text, number_text=text[at(f.num_start):upto(f.num_end)], value=f.value,
                unit=f.unit, unit_kind=f.unit_kind, comparator=f.comparator,
                is_change=c.measure_kind == "change", change_direction=c.change_direction,
                metric_code=c.metric_code,
            ))
            if c.metric_code:
                self.facts.append(self._fact(k, c, mention_no, a, b, figure_text, section_kind))

    def _fact(
        self, k: int, c: Classified, mention_no: int, a: int, b: int, figure_text: str, section_kind: str
    ) -> tuple:
        f, report_id = c.figure, self.report_id
        key = (c.metric_code, c.measure_kind, c.channel, f.value, f.comparator, c.parent is not None, c.period.kind)
        duplicate = key in self.seen
        self.seen.add(key)
        return FACT_ROWS.row(
            fact_id=f"{report_id}:{mention_no}",
            report_id=report_id,
            mention_no=mention_no,
            sentence_no=k,
            metric_code=c.metric_code,
            value=f.value,
            comparator=f.comparator,
            unit=f.unit,
            measure_kind=c.measure_kind,
            change_unit=_change_unit(c),
            channel=c.channel,
            parent_fact_id=f"{report_id}:{self.mention_of[id(c.parent)]}" if c.parent is not None else None,
            breakdown_label=c.breakdown_label,
            basis_numerator=c.basis[0] if c.basis else None,
            basis_denominator=c.basis[1] if c.basis else None,
            section_kind=section_kind,
            is_duplicate=duplicate,
            rule=c.rule,
            evidence=self.text[self.spans.starts[k]:self.spans.ends[k]],
            clause=self.text[self.spans.at(c.clause_start):b],
            char_start=a + 1,
            char_length=b - a,
            figure_text=figure_text,
            period_kind=c.period.kind,
            period_text=c.period.text,
            scope=c.scope,
        )


def _change_unit(c: Classified) -> str | None:
    """What a change is counted in (percent, points, count); None for a level."""
    if c.measure_kind != "change":
        return None
    return "points" if c.figure.unit_kind == "points" else c.figure.unit_kind


def _section_topics(paths: list[str], titles: list[str]):
    """sentence number -> the topic its section headings name (outer to inner, the inner one winning), or None."""
    title_of: dict[str, str] = {}
    cache: dict[str, str | None] = {}

    def topic(k: int) -> str | None:
        path = paths[k]
        if not path:
            return None
        if not title_of:  # built on first use: many texts have no numbered sections with figures
            for p, title in zip(paths, titles, strict=False):
                title_of.setdefault(p, title)
        if path not in cache:
            parts = path.split("/")
            heads = "\n".join(title_of.get("/".join(parts[: i + 1]), "") for i in range(len(parts)))
            cache[path] = topic_between(heads, 0, len(heads), None) if path else None
        return cache[path]

    return topic


def _settle_scopes(facts: list[tuple]) -> list[tuple]:
    """Sub-unit figures are the region's own when no region total stands beside them (see scopes.settle_sub_units)."""
    at = FACT_ROWS.at
    scope = at["scope"]
    if not any(f[scope] == SUB_UNIT for f in facts):
        return facts
    view = [
        {
            "metric_code": f[at["metric_code"]],
            "scope": f[scope],
            "is_total": f[at["measure_kind"]] == "level" and f[at["parent_fact_id"]] is None
            and f[at["period_kind"]] == "year",
        }
        for f in facts
    ]
    settle_sub_units(view)
    return [
        f if f[scope] == v["scope"] else FACT_ROWS.replace(f, scope=v["scope"])
        for f, v in zip(facts, view, strict=True)
    ]
