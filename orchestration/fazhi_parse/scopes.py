"""Whose figure it is: the region's own, or a part of it.

A figure of a catalog metric can count a sub-unit (省直部门收到…, 市政府收到…
beside the province's total), cases against the government rather than cases
it reviewed (以区政府为被申请人), or one kind of what the metric counts
(行业性专业性调解组织, 正职负责人, 农民工法律援助案件, 征收类案件). The markers
are in `rules/scopes.csv`, one row per class: `sentence` markers are read from
the sentence start to the figure (the subject), `clause` markers from the
clause start (the words qualifying the counted noun).
"""
from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fazhi_parse.regions import SELFREF_KIND, area_words, find_full_names

_SUBJECT_REACH = 200  # characters before a figure in which its subject and qualifiers are read
REGION, SUB_UNIT, RESPONDENT, SUBTYPE, COURT = "region", "sub_unit", "respondent", "subtype", "court"
OTHER_REGION, SUB_REGION = "other_region", "sub_region"
# A court speaking in the text: it issues or co-issues it (…高级人民法院…联合发布…白皮书).
_COURT_VOICE = re.compile(r"人民法院[^。\n]{0,40}(?:发布|通报)|(?:行政审判|审判)白皮书|法院工作报告")


def court_voice(opening: str) -> bool:
    """Whether the text's opening shows a court issuing or co-issuing it."""
    return _COURT_VOICE.search(opening) is not None


@dataclass(frozen=True, slots=True)
class _ScopeRule:
    scope: str
    window: str  # sentence | clause
    metrics: tuple[str, ...]  # metric codes or prefixes ending in '.'; empty: all
    pattern: re.Pattern

    def applies(self, metric: str) -> bool:
        return not self.metrics or any(metric == m or (m.endswith(".") and metric.startswith(m)) for m in self.metrics)


@cache
def _rules() -> tuple[_ScopeRule, ...]:
    with resources.files("fazhi_parse.rules").joinpath("scopes.csv").open(encoding="utf-8") as fh:
        return tuple(
            _ScopeRule(
                r["scope"], r["window"], tuple(m for m in r["metrics"].split("|") if m), re.compile(r["pattern"])
            )
            for r in csv.DictReader(fh)
        )


@cache
def _rules_for(metric: str) -> tuple[_ScopeRule, ...]:
    return tuple(rule for rule in _rules() if rule.applies(metric))


def scope_of(
    text: str, sentence_start: int, clause_start: int, fig_start: int, metric: str, court_voice: bool = False,
    region_code: str | None = None,
) -> str:
    """The scope of a figure at fig_start classified as `metric`: `region`
    unless a marker of another scope stands before it."""
    # The subject of a figure is read from the sentence start, or from its last
    # semicolon: 省政府新收188件，受理109件；全省各级…受理3129件.
    reach = max(sentence_start, fig_start - _SUBJECT_REACH)
    subject_start = max(text.rfind("；", reach, fig_start), text.rfind(";", reach, fig_start)) + 1
    # A subject stands near its figure: the window is bounded, so a sentence of
    # megabytes without punctuation costs a constant per figure, not its length.
    subject_start = max(subject_start, sentence_start, fig_start - _SUBJECT_REACH)
    clause_start = max(clause_start, fig_start - _SUBJECT_REACH)
    for rule in _rules_for(metric):
        if rule.scope == COURT and not court_voice:
            continue
        start = subject_start if rule.window == "sentence" else clause_start
        if rule.pattern.search(text, start, fig_start):
            return rule.scope
    if region_code:
        return _named_region_scope(text[subject_start:fig_start], region_code)
    return REGION


# 全省/全市… as the subject of a clause (its first words, after a time word):
# the division of that level speaks, not a phrase like 在全省率先 or 占全市的.
_AREA_SUBJECT = re.compile(
    r"(?:^|[，,；;。：:\n])\s*(?:(?:19|20)\d\d年(?:度)?|全年|今年|去年|一年来|年内)?[，,]?\s*全" + SELFREF_KIND
)


def _named_region_scope(subject: str, region_code: str) -> str:
    """The scope a division named last before the figure gives it: the report's
    own region (or none named) `region`; a division inside it `sub_region`
    (香洲区27件 in a city's text); any other, a higher one included, `other_region`
    (四川省2023年共办理… said by a visiting delegation). A level word as the subject
    (全市共办理… in a county's text) names a higher division when the region's own
    text does not use it for itself."""

    hits = find_full_names(subject)
    area = None
    for area in _AREA_SUBJECT.finditer(subject):  # noqa: B007 - the last match is wanted
        pass
    if area is not None and (not hits or area.start(1) > hits[-1].start):
        # 全市共办理… in a county's text: its prefecture's figure
        return OTHER_REGION if area.group(1) in area_words(region_code)[1] else REGION
    if not hits:
        return REGION
    codes = hits[-1].codes
    if region_code in codes:
        return REGION
    if all(_inside(code, region_code) for code in codes):
        return SUB_REGION
    return OTHER_REGION


def _inside(code: str, region_code: str) -> bool:
    """Whether division `code` lies within `region_code` (by the GB/T 2260 prefixes)."""
    stem = region_code.rstrip("0")
    stem = stem + "0" * (len(stem) % 2)  # whole levels: 2 digits province, 4 prefecture
    return code != region_code and code.startswith(stem)


def settle_sub_units(facts: list[dict]) -> None:
    """A sub-unit's figure is the region's own when the text gives no other:
    区政府收到行政复议申请281件 in a district's text is the district's count,
    unless other parts stand beside it (来电咨询2013批次，来访咨询298批次). Marks,
    in place, `sub_unit` facts as `region` when no `region` whole-year total of
    the same metric stands beside them. `facts` are dicts with metric_code,
    scope, is_total (a whole-year level figure that is not a breakdown part)."""
    totals = {f["metric_code"] for f in facts if f["is_total"] and f["scope"] == REGION}
    parts = Counter(f["metric_code"] for f in facts if f["is_total"] and f["scope"] == SUB_UNIT)
    for f in facts:
        # Two or more parts and no total: the total is reached only by adding, so none is the region's.
        if f["scope"] == SUB_UNIT and f["metric_code"] not in totals and parts[f["metric_code"]] == 1:
            f["scope"] = REGION
