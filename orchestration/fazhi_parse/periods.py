"""What period a figure covers: the whole reporting year, part of it, several
years, another year, or "up to now".

Period markers (今年以来, 上半年, 截至9月底, 近三年, 2018年以来, 2021年 ...) are
read from `rules/periods.csv`, one row per class. A marker governs the figures
after it in its sentence; a marker in the opening clause of a paragraph governs
the paragraph (今年以来，…。其中…。).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

# Kinds stored on facts; only `year` figures are full-year facts of the report.
YEAR, PARTIAL, MULTI, OTHER_YEAR = "year", "partial_year", "multi_year", "other_year"
# The year so far (今年以来) and up to now (截至目前): the whole year in an annual
# report written at its end, part of it in a text written during the year.
YEAR_TO_DATE, SNAPSHOT = "year_to_date", "snapshot"
# A character every period marker of rules/periods.csv holds (tested against the file).
_MARKER_CHARS = re.compile("[年月季期间来今截目迄动治坚已]")
# Characters back from a sentence in which its paragraph's or full sentence's start is looked for.
PARAGRAPH_REACH = 2000
_THIS_YEAR = re.compile(r"今年|本年|当年")
_ASIDE = re.compile(r"[(（][^()（）]*[)）]")


def _has_bracket(text: str, start: int, end: int) -> bool:
    return text.find("(", start, end) >= 0 or text.find("（", start, end) >= 0
_CLAUSE_END = re.compile(r"[，,；;：:。!！?？\n]")


@dataclass(frozen=True, slots=True)
class Period:
    kind: str
    text: str | None = None  # the marker as printed (simplified)


FULL_YEAR = Period(YEAR)


@cache
def _rules() -> tuple[re.Pattern, list[str]]:
    with resources.files("fazhi_parse.rules").joinpath("periods.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    kinds = [r["period_kind"] for r in rows]
    # One alternation, one named group per row (in file order: earlier rows win at a position).
    pattern = "|".join(f"(?P<k{i}>{r['pattern']})" for i, r in enumerate(rows))
    return re.compile(pattern), kinds


def _resolve(kind: str, m: re.Match, report_year: int | None, before: str) -> Period:
    text = m.group(0)
    if kind == "since_event":
        # 今年建立…委员会，挂牌以来共调解纠纷30件: since a start within the year.
        this_year = _THIS_YEAR.search(before) or (report_year and f"{report_year}年" in before)
        return Period(YEAR_TO_DATE if this_year else MULTI, text)
    if kind in ("year", "since_year"):
        year = next((g for g in m.groups()[m.lastindex:] if g and g.isdigit() and len(g) == 4), None)
        year = int(year) if year else None
        if kind == "year":
            if report_year is None or year == report_year:
                return Period(YEAR, text)
            return Period(OTHER_YEAR, text)
        # 2023年以来 in a 2023 report is the year so far; before it, several years.
        if report_year is not None and year == report_year:
            return Period(PARTIAL, text)
        return Period(MULTI, text)
    if kind == "year_end":
        return Period(YEAR, text)
    return Period(kind, text)


def period_events(text: str, start: int, end: int, report_year: int | None) -> list[tuple[int, Period]]:
    """(end position, period) of every period marker in text[start:end], in order."""
    rx, kinds = _rules()
    if not _MARKER_CHARS.search(text, start, end):
        return []  # every marker has one of these characters; most sentences have none
    out = []
    # A date inside a closed aside qualifies the figure before it (审结422件(包括2018年结转案件)), not what follows.
    asides = [m.span() for m in _ASIDE.finditer(text, start, end)] if _has_bracket(text, start, end) else ()
    for m in rx.finditer(text, start, end):
        if asides and any(a < m.start() and m.end() <= b for a, b in asides):
            continue
        kind = kinds[int(m.lastgroup[1:])]
        out.append((m.end(), _resolve(kind, m, report_year, text[start:m.start()])))
    return out


def opening_period(text: str, sentence_start: int, report_year: int | None) -> Period | None:
    """The period a paragraph's opening clause sets for the paragraph, when the
    sentence at `sentence_start` is not its first; None when there is none."""
    reach = max(0, sentence_start - PARAGRAPH_REACH)
    para = text.rfind("\n", reach, sentence_start) + 1
    if para == 0 and reach > 0:
        return None  # the paragraph opened too far back to govern this sentence (and a scan back would cost its length)
    while para < sentence_start and text[para] in " \t\u3000":
        para += 1
    if para >= sentence_start:
        return None
    m = _CLAUSE_END.search(text, para, sentence_start)
    clause_end = m.start() if m else sentence_start
    events = period_events(text, para, clause_end, report_year)
    return events[-1][1] if events else None


def settle(period: Period, annual_report: bool, stock: bool) -> Period:
    """A year-to-date, up-to-now or several-years period made definite: the whole
    year for a stock (counted as it stands) and, for the year so far, in an
    annual report (written at the year's end)."""
    if period.kind == SNAPSHOT and (stock or annual_report):
        return Period(YEAR, period.text)
    if period.kind == MULTI and stock:
        return Period(YEAR, period.text)  # 5年来…；全省设立调解组织5917个: what stands now
    if period.kind == YEAR_TO_DATE and annual_report:
        return Period(YEAR, period.text)
    return period


def period_at(events: list[tuple[int, Period]], pos: int, default: Period | None) -> Period:
    """The period of a figure at `pos`: the last marker before it, else `default`."""
    found = None
    for end, p in events:
        if end > pos:
            break
        found = p
    return found or default or FULL_YEAR
