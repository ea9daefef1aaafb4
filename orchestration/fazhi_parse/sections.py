"""Sentences and the numbered sections they sit in.

Reports number their outline 一、 / (一) / 1. / 一是; the heading text says
whether a section reports results, problems (存在问题, 不足) or plans
(下一步, 工作安排). Figures under plans are targets, not results.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate
from operator import sub

from fazhi_parse.text import is_chrome_line

_CN = "一二三四五六七八九十"
# (level, pattern) matched at the start of a line or sentence.
_HEADINGS = (
    (1, re.compile(rf"^\s*(?P<label>[{_CN}]{{1,3}})\s*[、.．]|^\s*(?P<blank>、)")),
    (2, re.compile(rf"^\s*[(（](?P<label>[{_CN}]{{1,3}})[)）]")),
    (3, re.compile(r"^\s*(?P<label>\d{1,2})\s*[.、．](?!\d)|^\s*[(（](?P<label2>\d{1,2})[)）]")),
    (4, re.compile(rf"^\s*(?:其)?(?P<label>[{_CN}]{{1,3}})是")),
)

_PROBLEMS = re.compile(r"问题|不足|短板|差距|薄弱|困难|瓶颈")
_PLANS = re.compile(
    r"下一步|下步|工作安排|工作计划|工作打算|工作思路|工作设想|主要安排|打算|努力方向|展望|重点工作"
    r"|20\d\d年(?:度)?(?:法治政府建设)?(?:工作)?(?:的)?(?:主要)?(?:安排|计划|打算|思路|重点)"
)
# A paragraph that opens with these looks ahead even without a heading.
_PLAN_PARAGRAPH = re.compile(r"^\s*(?:下一步|下步|今后|明年|新的一年|20\d\d年[,，]?\s*(?:我|全)[县区市州旗]将)")

_SENTENCE_END = re.compile(r"[。！？!?；;]+")


@dataclass(slots=True)
class Sentence:
    no: int
    start: int  # 0-based, into the text
    end: int
    section_path: str
    section_title: str
    section_kind: str  # body | problems | plans
    is_chrome: bool


@dataclass(slots=True)
class SentenceColumns:
    """split_sentences as parallel lists (index = sentence number): the parser
    fills frame columns from these without an object per sentence."""

    start: list[int]
    end: list[int]
    section_path: list[str]
    section_title: list[str]
    section_kind: list[str]
    is_chrome: list[bool]


def _heading(line_head: str) -> tuple[int, str] | None:
    for level, rx in _HEADINGS:
        m = rx.match(line_head)
        if m:
            return _label(level, m)
    return None


def _label(level: int, m: re.Match) -> tuple[int, str]:
    label = m[m.lastindex]  # the one label group that took part in the match
    if level == 2:
        label = f"({label})"
    elif level == 4:
        label = f"{label}是"
    return level, label or "、"


_HEAD_FIRST = frozenset(_CN) | frozenset("、(（0123456789其")
# Inside a line only 一是/其二是 headings count. Their pattern is the one
# _heading tries last, and no text matches it and an earlier one (after the
# numeral, 是 can be neither a space nor 、/. nor a bracket), so trying it alone
# gives the same answer.
_INLINE_HEADING = _HEADINGS[-1][1]
_INLINE_FIRST = frozenset(_CN) | {"其"}


# A sentence: text up to and including its end marks, never across a line break.
# It opens at a visible character: text up to the next end mark or line end
# and the end marks, or end marks alone.
_SENTENCE = re.compile(r"([^。！？!?；;\s][^。！？!?；;\n]*[。！？!?；;]*|[。！？!?；;]+)")


# No sentence is longer than this: a text without sentence punctuation (one
# 15 MB line) would otherwise be one sentence, copied as the evidence of every
# figure in it. Real sentences stay far below (the longest of ~3,000 in the
# samples and the dev corpus has 245 characters).
MAX_SENTENCE_CHARS = 500
# Where a long sentence is cut, in the last fifth before the limit if it can
# be: after a comma, enumeration comma or semicolon, or at a space. The text
# here is the folded one, where a full-width comma may be ASCII: a comma
# between digits (12,345) is part of a figure, never a break.
_SOFT_BREAK = re.compile(r"[，、；;,:：]|\s")


def _soft_break(text: str, lo: int, hi: int) -> int | None:
    """Position just after the last soft break in text[lo:hi], or None."""
    found = None
    for m in _SOFT_BREAK.finditer(text, lo, hi):
        k = m.start()
        if not (text[k] == "," and text[k - 1 : k].isdigit() and text[k + 1 : k + 2].isdigit()):
            found = k + 1
    return found


def _bounded(text: str, starts: list[int], ends: list[int]) -> tuple[list[int], list[int]]:
    """The spans with every one longer than MAX_SENTENCE_CHARS cut into consecutive pieces."""
    out_starts: list[int] = []
    out_ends: list[int] = []
    for start, end in zip(starts, ends, strict=False):
        while end - start > MAX_SENTENCE_CHARS:
            limit = start + MAX_SENTENCE_CHARS
            cut = _soft_break(text, limit - MAX_SENTENCE_CHARS // 5, limit) or limit
            out_starts.append(start)
            out_ends.append(cut)
            start = cut
            while start < end and text[start].isspace():  # a sentence opens at a visible character
                start += 1
        if start < end:
            out_starts.append(start)
            out_ends.append(end)
    return out_starts, out_ends


def split_sentences(simplified: str) -> list[Sentence]:
    """Sentences of the text with section path and kind; spans index the original."""
    c = sentence_columns(simplified)
    return [
        Sentence(no, *row)
        for no, row in enumerate(
            zip(c.start, c.end, c.section_path, c.section_title, c.section_kind, c.is_chrome, strict=True)
        )
    ]


def sentence_columns(simplified: str) -> SentenceColumns:
    """split_sentences as columns.

    Line by line: a sentence never crosses a line break, web chrome is decided
    per line, and a numbered heading (一、, (二), 3.) only opens a line.
    """
    starts, ends = _sentence_spans(simplified)
    if not starts:
        return SentenceColumns([], [], [], [], [], [])
    outline = _Outline()
    # (section path, title, kind, is_chrome) per sentence: a tuple made when
    # a line or heading changes it, not four appends per sentence.
    sections: list[tuple[str, str, str, bool]] = []
    section = ("", "", "body", False)
    line_end = -1  # where the line of the last sentence ends
    line_chrome = False
    paragraph_kind = None
    for start, end in zip(starts, ends, strict=False):
        if start > line_end:
            # The first sentence of a line starts where the line does (leading spaces aside).
            line_end = simplified.find("\n", end)
            if line_end < 0:
                line_end = len(simplified)
            line_chrome = is_chrome_line(simplified[simplified.rfind("\n", 0, start) + 1 : line_end])
            paragraph_kind = None
            if not line_chrome:
                if simplified[start] in _HEAD_FIRST:
                    body = simplified[start:end]
                    head = _heading(body)
                    if head:
                        outline.enter(*head, body)
                # On the slice: `^` does not match at an offset into the whole text.
                if _PLAN_PARAGRAPH.match(simplified[start:end]):
                    paragraph_kind = "plans"
            section = (outline.path_str, outline.title, paragraph_kind or outline.kind, line_chrome)
        elif not line_chrome and simplified[start] in _INLINE_FIRST:
            body = simplified[start:end]
            m = _INLINE_HEADING.match(body)
            if m:
                outline.enter(*_label(4, m), body)
                section = (outline.path_str, outline.title, paragraph_kind or outline.kind, False)
        sections.append(section)
    paths, titles, kinds, chrome = zip(*sections, strict=False)
    return SentenceColumns(starts, ends, list(paths), list(titles), list(kinds), list(chrome))


def _sentence_spans(simplified: str) -> tuple[list[int], list[int]]:
    """(starts, ends) of the sentences, none longer than MAX_SENTENCE_CHARS."""
    # One split of the whole text into gap, sentence, gap, ..., gap (no
    # sentence crosses a line end): the running sum of the piece lengths gives
    # every boundary without a match object per sentence.
    pieces = _SENTENCE.split(simplified)
    if len(pieces) == 1:
        return [], []
    bounds = list(accumulate(map(len, pieces)))
    starts, ends = bounds[0:-1:2], bounds[1::2]
    if max(map(sub, ends, starts)) > MAX_SENTENCE_CHARS:
        starts, ends = _bounded(simplified, starts, ends)
    return starts, ends


class _Outline:
    """The numbered headings the text is in so far: its section path, title and kind."""

    __slots__ = ("kind", "path", "path_str", "title")

    def __init__(self):
        self.path: list[tuple[int, str, str, str]] = []  # (level, label, title, kind)
        self.path_str, self.title, self.kind = "", "", "body"

    def enter(self, level: int, label: str, body: str) -> None:
        """A heading of `level` opens: it closes those at its level and deeper."""
        path = self.path
        while path and path[-1][0] >= level:
            path.pop()
        k = path[-1][3] if path else "body"
        if level < 4 and k == "body":
            if _PLANS.search(body, 0, 30):
                k = "plans"
            elif _PROBLEMS.search(body, 0, 30):
                k = "problems"
        path.append((level, label, body.strip()[:80], k))
        self.path_str = "/".join([p[1] for p in path])
        self.title, self.kind = path[-1][2], k
