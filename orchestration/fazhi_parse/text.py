"""Text normalisation that keeps offsets into the original.

Rules match on simplified text; evidence and offsets point into the original.
OpenCC `t2s` is length-preserving for almost every character, so the
simplified string is aligned with the original index for index. Where a
document breaks that (a phrase mapped to a different length), we fall back to
converting character by character, which is aligned by construction.
"""
from __future__ import annotations

import itertools
import re
from collections import Counter
from functools import cache

import opencc

from fazhi_read.chrome import chrome_alternation, chrome_words


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
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")


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
    if _may_hold_full_width(converted):
        # translate() looks each character up in the table (0.6 ms a report); a
        # report uses a handful of distinct full-width characters, each replaced
        # at memchr speed. They fold to ASCII, never to another one of them.
        for ch in set(_FULL_WIDTH.findall(converted)):
            converted = converted.replace(ch, _FOLD_TABLE[ord(ch)])
    return converted, preserved


def _may_hold_full_width(s: str) -> bool:
    """False when s has no character _FULL_WIDTH matches: U+FF01-U+FF5E have
    0xFF as their UTF-16 high byte, and encoding plus a byte search run in C at
    memory speed, where the regex steps through every character (most reports
    have none)."""
    return "\u3000" in s or s.encode("utf-16-le", "surrogatepass")[1::2].find(b"\xff") >= 0


# 1 for a UTF-16 high byte in 0x4E-0x9F, i.e. a BMP code point in U+4E00-U+9FFF.
_CJK_HIGH_BYTE = bytes(1 if 0x4E <= b <= 0x9F else 0 for b in range(256))


def _cjk_changes_slow(original: str, simplified: str) -> tuple[int, int]:
    cjk = changed = 0
    for a, b in zip(original, simplified, strict=False):
        if "\u4e00" <= a <= "\u9fff":
            cjk += 1
            changed += a != b
    return changed, cjk


def cjk_changes(original: str, simplified: str, limit: int | None = None) -> tuple[int, int]:
    """(CJK characters of `original` that t2s changed, CJK characters), position
    by position over the first `limit` characters. CJK = U+4E00-U+9FFF.

    Runs on every report, so it works on UTF-16 bytes and one big integer
    instead of a Python loop per character: XOR the two encodings, fold each
    16-bit lane onto its lowest bit, keep the lanes holding a CJK original,
    count the bits.
    """
    o, s = original[:limit], simplified[:limit]
    n = min(len(o), len(s))
    o, s = o[:n], s[:n]
    eo, es = o.encode("utf-16-le", "surrogatepass"), s.encode("utf-16-le", "surrogatepass")
    if len(eo) != 2 * n or len(es) != 2 * n:
        return _cjk_changes_slow(o, s)  # characters beyond the BMP take two lanes
    flags = eo[1::2].translate(_CJK_HIGH_BYTE)
    cjk = flags.count(1)
    if not cjk or eo == es:
        return 0, cjk
    lanes = bytearray(2 * n)
    lanes[0::2] = flags
    x = int.from_bytes(eo, "little") ^ int.from_bytes(es, "little")
    x |= x >> 1
    x |= x >> 2
    x |= x >> 4
    x |= x >> 8
    return (x & int.from_bytes(lanes, "little")).bit_count(), cjk


def traditional_share(original: str, simplified: str, limit: int | None = None) -> float:
    """Share of CJK characters that t2s changed (0 for simplified text)."""
    changed, cjk = cjk_changes(original, simplified, limit)
    return changed / cjk if cjk else 0.0


_COLON = "[:：]"
# The report's own outline headings (一、 (二) 3. 第一部分 四是) are never chrome.
_HEADING = (
    r"(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．]"
    r"|第[一二三四五六七八九十]+部分|其?[一二三四五六七八九十]{1,3}是)"
)
# Rules that look for a word anywhere on the line only apply to lines that are
# neither prose (a sentence end) nor a heading: 提供技术支持。 or
# (三)开展专题培训 are report text.
_LOOSE = r"(?!.*[。！？!?；;])(?!" + _HEADING + ")"
# Lines of web-page furniture copied along with the article (a whole line).
# The words are in fazhi_read/rules/chrome.csv (fazhi_read.chrome).
_CHROME_LINE = re.compile(
    r"\s*(?:"
    # site modes, column names and footer links standing alone
    rf"(?:{chrome_alternation('text', 'column', 'footer_link')})|"
    # buttons standing alone, bracketed or not (【打印本页】)
    rf"(?:【\s*)?(?:{chrome_alternation('text', 'button')})(?:\s*】)?|"
    # a breadcrumb, a share bar, the font switch, whatever follows
    rf"(?:{chrome_alternation('text', 'crumb')}).*|"
    rf"(?:【\s*)?(?:{chrome_alternation('text', 'font', 'share')}).*|"
    r"【?\s*[大中小](?:\s+[大中小]){1,2}\s*】?|"
    # the page's own metadata fields
    rf"(?:{chrome_alternation('text', 'field')}){_COLON}.*|"
    # footer (and site marks anywhere: see is_chrome_line)
    rf"(?:{chrome_alternation('text', 'copyright')}).*|"
    rf"{_LOOSE}(?:.*(?:{chrome_alternation('text', 'copyright', 'footer_field')}).*|.{{0,16}}(?:专栏|专题)|"
    r".*[>＞»›](?!\s*\d).*)"  # navigation crumbs (首页 > 政务公开 > …), not 满意度>95%
    r")\s*$"
)
_SITE_MARKS = tuple(chrome_words("text", "site_mark"))


def _has_site_mark(line: str) -> bool:
    return any(mark in line for mark in _SITE_MARKS)


def is_chrome_line(line: str) -> bool:
    """Whether one line (simplified) is web chrome rather than report text."""
    return _CHROME_LINE.match(line) is not None or _has_site_mark(line)


# Mirror sites that render ruby annotations as text put each character's
# pinyin after it in brackets (審結(jié), 復(fù)議): lower-case Latin letters with
# at least one vowel, right after a CJK character. The bracket comes first in
# the pattern, the look-behind for the CJK character after it: `re` then skips
# to the next bracket instead of trying the look-behind at every character (5x faster).
_PINYIN_VOWELS = "aeiouvüāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_RUBY = re.compile(
    rf"[(（](?<=[\u4e00-\u9fff][(（])(?=[a-z{_PINYIN_VOWELS[6:]}]*[{_PINYIN_VOWELS}])[a-z{_PINYIN_VOWELS[6:]}]{{1,6}}[)）]"
)


def _cut(text: str, cuts: list[tuple[int, int]]) -> tuple[str, list[int] | None]:
    """text without the sorted, disjoint spans `cuts`, and for each of its
    positions (plus the end) the position in `text`."""
    if not cuts:
        return text, None
    pieces, index, pos = [], [], 0
    for a, b in cuts:
        pieces.append(text[pos:a])
        index.extend(range(pos, a))
        pos = b
    pieces.append(text[pos:])
    index.extend(range(pos, len(text) + 1))
    return "".join(pieces), index


# Text copied from a PDF or a fixed-width page breaks lines at a width, not at
# sentence ends (…全县共受理行政复议案件9起，已全部审结，结案率达到100%。所\n有办结案件…).
# Such a document has many lines of about the same length; a line of that
# length not ending a sentence continues on the next line.
_SENTENCE_ENDS = frozenset("。！？!?；;：:")
_HEADING_START = re.compile(
    r"\s*(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．]|第[一二三四五六七八九十]+)"
)


def soft_breaks(text: str) -> list[int]:
    """Positions of line breaks that only wrap a line (hard-wrapped text), in order."""
    if text.count("\n") < 8:
        return []
    # A sample of the first lines settles most texts (prose lines vary in length) without splitting all.
    sample = [n for n in map(len, text.split("\n", 40)[:40]) if n >= 10]
    if len(sample) >= 8 and Counter(sample).most_common(1)[0][1] < 3:
        return []
    lines = text.split("\n")
    lengths = [n for n in map(len, lines) if n >= 10]
    if len(lengths) < 8:
        return []
    width, _ = Counter(lengths).most_common(1)[0]
    wrapped = sum(1 for n in lengths if width - 2 <= n <= width)
    if width < 16 or wrapped < 0.4 * len(lengths):
        return []
    out, pos = [], 0
    for line, following in itertools.pairwise(lines):
        pos += len(line)
        if (width - 2 <= len(line) and line.rstrip()[-1:] not in _SENTENCE_ENDS and following.strip()
                and not _HEADING_START.match(following)):
            out.append(pos)
        pos += 1
    return out


def matching_text(simplified: str) -> tuple[str, list[int] | None]:
    """The text rules match: without mirror-site pinyin annotations (审结(jié))
    and without line breaks that only wrap a line. Returns it with, for each of
    its positions (plus the end), the position in the input; (simplified, None)
    when nothing was removed."""
    cuts = [m.span() for m in _RUBY.finditer(simplified)] if ("(" in simplified or "（" in simplified) else []
    cuts += [(p, p + 1) for p in soft_breaks(simplified)]
    return _cut(simplified, sorted(cuts))
