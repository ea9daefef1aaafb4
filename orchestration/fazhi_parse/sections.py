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
_WS = " \t\r\n\u3000\xa0"


def split_sentences(simplified: str) -> list[Sentence]:
    """Sentences of the text with section path and kind; spans index the original."""
    chrome = chrome_line_spans(simplified)
    path: list[tuple[int, str, str, str]] = []  # (level, label, title, kind)
    out: list[Sentence] = []
    path_str, title, kind = "", "", "body"
    line_pos = 0
    for line in simplified.split("\n"):
        line_end = line_pos + len(line)
        is_chrome = (line_pos, line_end) in chrome
        paragraph_kind = None
        first = True
        pos = 0
        for m in _SENTENCE_END.finditer(line + "。"):
            seg_start, seg_end = pos, min(m.end(), len(line))
            pos = m.end()
            while seg_start < seg_end and line[seg_start] in _WS:
                seg_start += 1
            if seg_start >= seg_end:
                continue
            body = line[seg_start:seg_end]
            if not is_chrome:
                head = _heading(body) if body[0] in _HEAD_FIRST else None
                if head and (first or head[0] == 4):
                    level, label = head
                    while path and path[-1][0] >= level:
                        path.pop()
                    parent_kind = path[-1][3] if path else "body"
                    k = parent_kind
                    if level < 4 and k == "body":
                        if _PLANS.search(body[:30]):
                            k = "plans"
                        elif _PROBLEMS.search(body[:30]):
                            k = "problems"
                    path.append((level, label, body.strip()[:80], k))
                    path_str = "/".join(p[1] for p in path)
                    title, kind = path[-1][2], path[-1][3]
                if first and _PLAN_PARAGRAPH.match(body):
                    paragraph_kind = "plans"
            out.append(
                Sentence(
                    no=len(out),
                    start=line_pos + seg_start,
                    end=line_pos + seg_end,
                    section_path=path_str,
                    section_title=title,
                    section_kind=paragraph_kind or kind,
                    is_chrome=is_chrome,
                )
            )
            first = False
        line_pos = line_end + 1
    return out
