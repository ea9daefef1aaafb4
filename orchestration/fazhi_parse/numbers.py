"""Figures in report text: value, unit, comparator and span.

Works on simplified, width-folded text (see `text.to_simplified`) whose
indices equal the original's, so spans found here are spans of the original.
Chinese numerals go through cn2an, applied only to the matched numeral span:
over a whole sentence it would turn 七五普法 into 75.
"""
from __future__ import annotations

import re
from functools import lru_cache, partial
from typing import NamedTuple

import cn2an

# Measure words that make a number a count of something; longest first so
# that 件次 wins over 件. 年/月/日 are absent on purpose: those are dates.
COUNT_UNITS = (
    "件次", "人次", "户次", "场次", "批次", "余件", "个", "件", "起", "宗", "名", "人", "位", "次", "家",
    "所", "场", "期", "批", "项", "份", "条", "篇", "户", "处", "轮", "元", "册", "套", "台", "支", "队", "单",
)
_COUNT_UNITS = tuple(u for u in COUNT_UNITS if u != "余件")
_UNIT_ALT = "|".join(sorted(_COUNT_UNITS, key=len, reverse=True))

_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?: \d{3})+(?!\d)|\d+(?:\.\d+)?"
_CN_DECIMALS = r"(?:点[零〇一二三四五六七八九]+)?"
_CN_NUMERAL = rf"[{_CN_DIGITS}]+{_CN_DECIMALS}"
# What a number is: the Arabic forms in this order of preference, else a Chinese numeral.
_NUMBER_PLAIN = rf"{_ARABIC}|{_CN_NUMERAL}"
# The same with the first character taken out front and the rest picked by a
# look-behind at it (\d and the Chinese digits do not overlap): it matches the
# same text with the same preferences, and a pattern that opens with a
# character class lets `re` jump between candidate characters in C instead of
# starting a match attempt at every character (14% off the scan). Tests check
# it against _NUMBER_PLAIN (FIGURE_RE with either matches the same).
_UNIT_FIRST = "".join(sorted(set("%‰个百成万亿") | {u[0] for u in _COUNT_UNITS}))
# After the number's first character, everything up to the unit is number
# characters, 余/多 or a space, and the unit opens with one of _UNIT_FIRST. The
# look-ahead checks that cheaply, so the many digits that end in no unit (2022年,
# 第3) fail there instead of after trying each number form and its
# backtracking (a third off the scan). It only rejects what cannot match.
_UNIT_AHEAD = rf"(?=[\d{_CN_DIGITS},.点 ]*?[{re.escape(_UNIT_FIRST)}余多\xa0])"
_NUMBER = (
    rf"[\d{_CN_DIGITS}]{_UNIT_AHEAD}(?:"
    r"(?<=\d)(?:\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d{0,2}(?: \d{3})+(?!\d)|\d*(?:\.\d+)?)"
    rf"|(?<=[{_CN_DIGITS}])[{_CN_DIGITS}]*{_CN_DECIMALS})"
)

_PREFIX_CMP = {
    "超过": ">=", "多于": ">=", "逾": ">=", "超": ">=", "达到": None, "近": "~", "约": "~",
    "将近": "~", "接近": "~", "大约": "~", "不足": "<=", "不到": "<=", "低于": "<=",
    "未超过": "<=", "不超过": "<=", "少于": "<=", "高于": ">=",
}
_PREFIX_RE = "|".join(sorted((k for k in _PREFIX_CMP), key=len, reverse=True))

# The lookahead before the unit fails fast on the many 一/二 that are words.
FIGURE_RE = re.compile(
    rf"(?P<num>{_NUMBER})"
    r"(?P<mult>万|亿|千)?"
    r"(?P<approx1>余|多)?"
    r"(?P<mult2>万|亿)?"
    r"[ \xa0]?"  # web copies put a space between figure and unit (57 件)
    rf"(?=[{_UNIT_FIRST}])"
    rf"(?P<unit>%|‰|个百分点|百分点|成(?![为立功果本员绩效交])|万元|亿元|(?:{_UNIT_ALT}))"
    r"(?P<approx2>以上|左右|以下|以内|有余|多)?"
)
_PREFIX_BEFORE = re.compile(rf"(?:{_PREFIX_RE})$")

_SUFFIX_CMP = {"以上": ">=", "有余": ">=", "多": ">=", "左右": "~", "以下": "<=", "以内": "<="}
_MULT = {"万": 1e4, "亿": 1e8, "千": 1e3}


class Figure(NamedTuple):  # a tuple: cheap to build for every figure of a corpus
    start: int  # 0-based, into the text, including qualifiers and unit
    end: int
    num_start: int
    num_end: int
    number_text: str
    value: float
    unit: str
    unit_kind: str  # count | percent | points | money
    comparator: str


@lru_cache(maxsize=4096)
def chinese_to_number(numeral: str) -> float | None:
    """cn2an over one numeral span only; None when it is not a number."""
    try:
        return float(cn2an.cn2an(numeral.replace("〇", "零"), "smart"))
    except (ValueError, KeyError, TypeError, IndexError):
        return None


# Units of other kinds than count (every other unit counts something).
_UNIT_KINDS = {"%": "percent", "‰": "percent", "成": "percent", "个百分点": "points", "百分点": "points",
               "元": "money", "万元": "money", "亿元": "money"}


# Contexts in which a number is not a figure: ordinals (第3件), document
# numbers (〔2020〕1号 handled by units), list markers, version strings.
_ORDINAL_BEFORE = re.compile(r"(?:第|编号|序号|No\.?|NO\.?|〔|\[|【)$")
# Matched at the unit's end, with the text cut three characters on (no slice per figure).
_IDIOMS = (
    "体", "站", "线", "网", "窗", "号", "码", "票", "把手",
    "批次", "揽子", "级", "流程", "次性", "件事", "个人", "条龙", "项目",
)
_IDIOM_AFTER = re.compile("|".join(_IDIOMS))
_IDIOM_FIRST = frozenset(w[0] for w in _IDIOMS)  # the character after the unit must be one of these


# Last characters the look-behind patterns above can end with. `$` also
# matches before a final newline, hence "\n". When the character before a
# number is none of these, the pattern cannot match and its search is skipped:
# it runs for every candidate number of every report.
_PREFIX_LAST = frozenset(k[-1] for k in _PREFIX_CMP) | {"\n"}
_ORDINAL_LAST = frozenset("第号oO.〔[【\n")  # keep in step with _ORDINAL_BEFORE
_AFTER_DUO = re.compile(r"[,，。;；、)）]|$")
_IDIOM_UNITS = frozenset("个件条次")
# Builds a Figure without the Python-level __new__ (a frame per figure).
_figure = partial(tuple.__new__, Figure)


def find_figures(text: str, start: int = 0, end: int | None = None) -> list[Figure]:
    """Every figure with a unit in text[start:end], in order."""
    end = len(text) if end is None else end
    out: list[Figure] = []
    for m in FIGURE_RE.finditer(text, start, end):
        num, mult1, approx1, mult2, unit, approx2 = m.groups()  # FIGURE_RE's groups, in order
        ns = m.start()  # the number opens the match
        prev = text[ns - 1] if ns else ""
        # Part of a longer digit run or decimal (phone numbers, 12345 热线, 2.0版).
        if prev.isdigit() or prev == ".":
            continue
        prefix, fig_start = (_prefix(text, start, ns) if ns > start and prev in _PREFIX_LAST else (None, ns))
        if fig_start > 0 and text[fig_start - 1] in _ORDINAL_LAST and _ORDINAL_BEFORE.search(
            text[max(0, fig_start - 3):fig_start]
        ):
            continue
        value = float(num.replace(",", "").replace(" ", "")) if num[0].isdigit() else _numeral_value(num, prev, prefix)
        if value is None:
            continue
        unit_end = m.end(5)
        if (
            unit in _IDIOM_UNITS
            and text[unit_end:unit_end + 1] in _IDIOM_FIRST
            and _IDIOM_AFTER.match(text, unit_end, unit_end + 3)
        ):
            continue
        if mult1 or mult2 or unit in _SCALED_UNITS:
            value = _scaled(value, mult1, mult2, unit)
            if value is None:
                continue
        comparator, fig_end = "=", unit_end
        if prefix or approx1 or approx2:
            comparator, fig_end = _comparator(text, m, prefix, approx1, approx2)
        if not value.is_integer():  # round() formats the float in decimal: 1 µs, and a no-op on whole numbers
            value = round(value, 6)
        out.append(_figure((
            fig_start, fig_end, ns, ns + len(num), num, value, unit,
            _UNIT_KINDS.get(unit, "count"), comparator,
        )))
    if text.find("百分之", start, end) >= 0:  # rare: skip the second scan for almost every sentence
        out = sorted(out + _percent_words(text, start, end))
    return out


def _prefix(text: str, start: int, ns: int) -> tuple[str | None, int]:
    """(the qualifier right before the number at ns (超过, 近, 逾 ...), where the figure starts)."""
    pm = _PREFIX_BEFORE.search(text, max(start, ns - 3), ns)
    return (pm.group(), pm.start()) if pm else (None, ns)


def _numeral_value(num: str, prev: str, prefix: str | None) -> float | None:
    """The value of a Chinese numeral, None when the numeral is a word, not a figure."""
    if num in ("一", "两", "〇", "零"):
        return None  # 一件事, 两个清单: idioms far more often than figures
    if set(num) <= {"万", "亿", "千", "百"} and not (prefix and len(num) == 1):
        return None  # 逾千件 is a figure; 千家万户 is not
    # A Chinese numeral glued to a preceding CJK char is usually a word (统一, 唯一).
    if prev and prev in _CN_DIGITS:
        return None
    return chinese_to_number("一" + num if num in "百千万亿" else num)  # cn2an reads 点 itself


_SCALED_UNITS = frozenset({"万元", "亿元", "成", "‰"})


def _scaled(value: float, mult1: str | None, mult2: str | None, unit: str) -> float | None:
    """value with its multipliers (万, 亿, 千) and unit (万元, 亿元, 成, ‰) applied;
    None when 成 is no share (十二成, 3万成)."""
    mult = 1.0
    if mult1:
        mult *= _MULT[mult1]
    if mult2:
        mult *= _MULT[mult2]
    if unit == "万元":
        mult *= 1e4
    elif unit == "亿元":
        mult *= 1e8
    elif unit == "成":
        if mult != 1.0 or value > 10:
            return None
        value *= 10
    elif unit == "‰":
        value /= 10
    return value * mult


def _comparator(
    text: str, m: re.Match, prefix: str | None, approx1: str | None, approx2: str | None
) -> tuple[str, int]:
    """(comparator, figure end) from the qualifiers before the number and after the unit."""
    comparator = "="
    if prefix:
        comparator = _PREFIX_CMP[prefix] or "="
    if approx1:
        comparator = ">="
    fig_end = m.end(5)
    # 多 after a unit starts a new word (个多月 is rare in reports; 件多 never).
    if approx2 and (approx2 != "多" or _AFTER_DUO.match(text[m.end():m.end() + 1])):
        comparator = _SUFFIX_CMP[approx2]
        fig_end = m.end()
    return comparator, fig_end


# A percentage written out (百分之九十八点五, 百分之百): the number follows its unit.
_PERCENT_WORDS = re.compile(
    rf"百分之(?P<num>\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百]+{_CN_DECIMALS})(?P<approx>以上|左右|以下|以内)?"
)


def _percent_words(text: str, start: int, end: int) -> list[Figure]:
    out = []
    for m in _PERCENT_WORDS.finditer(text, start, end):
        num, approx = m.group("num"), m.group("approx")
        value = float(num) if num[0].isdigit() else chinese_to_number("一" + num if num == "百" else num)
        if value is None or value > 100:
            continue
        comparator = _SUFFIX_CMP[approx] if approx else "="
        prefix, fig_start = _prefix(text, start, m.start())
        if prefix:
            comparator = _PREFIX_CMP[prefix] or comparator
        out.append(_figure((
            fig_start, m.end(), m.start("num"), m.end("num"), num, value if value.is_integer() else round(value, 6),
            "%", "percent", comparator,
        )))
    return out
