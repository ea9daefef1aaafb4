"""Sentences and the numbered sections they sit in.

Reports number their outline 一、 / (一) / 1. / 一是; the heading text says
whether a section reports results, problems (存在问题, 不足) or plans
(下一步, 工作安排). Figures under plans are targets, not results.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from fazhi_parse.text import chrome_line_spans

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


def _heading(line_head: str) -> tuple[int, str] | None:
    for level, rx in _HEADINGS:
        m = rx.match(line_head)
        if m:
            label = next((g for g in m.groups() if g), "")
            if level == 2:
                label = f"({label})"
            elif level == 4:
                label = f"{label}是"
            return level, label or "、"
    return None


_HEAD_FIRST = set(_CN) | set("、(（0123456789其")


# A sentence: text up to and including its end marks, never across a line break.
_SENTENCE = re.compile(r"[^\S\n]*([^。！？!?；;\n]*[^。！？!?；;\s][^。！？!?；;\n]*[。！？!?；;]*|[。！？!?；;]+)")


def split_sentences(simplified: str) -> list[Sentence]:
    """Sentences of the text with section path and kind; spans index the original."""
    chrome_starts = {s for s, _ in chrome_line_spans(simplified)}
    path: list[tuple[int, str, str, str]] = []  # (level, label, title, kind)
    out: list[Sentence] = []
    path_str, title, kind = "", "", "body"
    paragraph_kind = None
    line_chrome = False
    for m in _SENTENCE.finditer(simplified):
        start, end = m.span(1)
        if start == end:
            continue
        line_start = m.start() == 0 or simplified[m.start() - 1] == "\n"
        body = m.group(1)
        if line_start:
            line_chrome = m.start() in chrome_starts
            paragraph_kind = None
        if not line_chrome:
            head = _heading(body) if body[0] in _HEAD_FIRST else None
            if head and (line_start or head[0] == 4):
                level, label = head
                while path and path[-1][0] >= level:
                    path.pop()
                k = path[-1][3] if path else "body"
                if level < 4 and k == "body":
                    if _PLANS.search(body, 0, 30):
                        k = "plans"
                    elif _PROBLEMS.search(body, 0, 30):
                        k = "problems"
                path.append((level, label, body.strip()[:80], k))
                path_str = "/".join(p[1] for p in path)
                title, kind = path[-1][2], path[-1][3]
            if line_start and _PLAN_PARAGRAPH.match(body):
                paragraph_kind = "plans"
        out.append(Sentence(len(out), start, end, path_str, title, paragraph_kind or kind, line_chrome))
    return out
