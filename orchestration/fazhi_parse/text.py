"""Text normalisation that keeps offsets into the original.

Rules match on simplified text; evidence and offsets point into the original.
OpenCC `t2s` is length-preserving for almost every character, so the
simplified string is aligned with the original index for index. Where a
document breaks that (a phrase mapped to a different length), we fall back to
converting character by character, which is aligned by construction.
"""
from __future__ import annotations

import re
import unicodedata
from functools import cache

import opencc


@cache
def _t2s() -> opencc.OpenCC:
    # t2s only: tw2sp rewrites mainland wording (e.g. 信息 -> 資訊 style swaps).
    return opencc.OpenCC("t2s")


def _fold_char(ch: str) -> str:
    """Full-width ASCII to half-width, keeping one character per character."""
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    if ch == "\u3000":
        return " "
    return ch


_FOLD_TABLE = {c: _fold_char(chr(c)) for c in range(0xFF01, 0xFF5F)} | {0x3000: " "}


def to_simplified(text: str) -> tuple[str, bool]:
    """Simplified, width-folded text aligned index for index with `text`.

    Returns the converted text and whether whole-text conversion kept the
    length (False means the slower per-character fallback was used).
    """
    converted = _t2s().convert(text)
    preserved = len(converted) == len(text)
    if not preserved:
        convert = _t2s().convert
        converted = "".join(
            c if len(c) == 1 else ch for ch, c in ((ch, convert(ch)) for ch in text)
        )
    return converted.translate(_FOLD_TABLE), preserved


def traditional_share(original: str, simplified: str) -> float:
    """Share of CJK characters that t2s changed (0 for simplified text)."""
    cjk = changed = 0
    for a, b in zip(original, simplified):
        if "\u4e00" <= a <= "\u9fff":
            cjk += 1
            if a != b:
                changed += 1
    return changed / cjk if cjk else 0.0


# Lines of web-page furniture copied along with the article.
_CHROME_LINE = re.compile(
    r"^\s*(?:"
    r"长者浏览模式|无障碍(?:浏览|阅读)?|通知公告|首页|当前位置|您现在的位置|"
    r"字体[:：]?\s*[\[【(（]?\s*(?:大|中|小|\s)*[\]】)）]?|"
    r"(?:【\s*)?(?:打印(?:本页)?|关闭(?:窗口|本页)?|分享到|返回顶部|收藏|扫一扫)(?:\s*】)?|"
    r"(?:发布|发佈|公开|成文|生成)(?:时间|日期)[:：].*|索引号[:：].*|"
    r"(?:发布|发文)机构[:：].*|文号[:：].*|主题分类[:：].*|体裁分类[:：].*|"
    r"信息来源[:：].*|来源[:：].*|浏览次数[:：].*|访问量[:：].*|"
    r"分享[:：].*|责任编辑[:：].*|网站标识码.*|.*ICP备.*|版权所有.*|主办单位[:：].*"
    r")\s*$"
)


def chrome_line_spans(simplified: str) -> set[tuple[int, int]]:
    """0-based [start, end) spans of lines that are web chrome, not report text."""
    spans = set()
    pos = 0
    for line in simplified.split("\n"):
        end = pos + len(line)
        if line.strip() and _CHROME_LINE.match(line):
            spans.add((pos, end))
        pos = end + 1
    return spans


def normalize_unicode(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch)
