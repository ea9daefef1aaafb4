"""Helpers shared by the readers."""
from __future__ import annotations

import re
import unicodedata
from itertools import pairwise

_NEWLINES = re.compile(r"\r\n?|\x0b|\x0c|\u2028|\u2029")
_TRAIL = re.compile(r"[ \t\u3000]+\n")


def tidy(text: str) -> str:
    """Line ends to \\n, no NULs, no trailing blanks on lines, at most one empty line in a row."""
    text = _NEWLINES.sub("\n", text).replace("\x00", "").replace("\ufeff", "")
    text = _TRAIL.sub("\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n")


def garbage_share(text: str) -> tuple[int, float]:
    """(usable characters, share of garbage among the non-blank ones).

    Garbage is what a CID font without a Unicode map extracts as: private-use
    code points, U+FFFD, control characters and unassigned code points."""
    total = bad = 0
    for ch in text:
        if ch.isspace():
            continue
        total += 1
        cp = ord(ch)
        if ch == "\ufffd" or 0xE000 <= cp <= 0xF8FF or cp >= 0xF0000:
            bad += 1
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Co", "Cn", "Cs"):
            bad += 1
    return total - bad, (bad / total if total else 0.0)


# Lines a layout wrapped at the right margin are joined back into their
# paragraph: a line ending within 1.5 characters of the margin, not at a
# sentence end, followed by a line that does not start a heading.
SENTENCE_ENDS = frozenset("。！？!?；;：:")
_HEADING = re.compile(
    r"\s*(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．]|第[一二三四五六七八九十百]+[章节條条部])"
)


def _quantile(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[int(q * (len(s) - 1))]


def reflow(lines: list[tuple[str, float | None, float | None]]) -> str:
    """Join wrapped lines. Each line is (text, right edge of its last character,
    width of its last character), edges None for blank lines. Fewer than four
    measured lines: joined as they are."""
    measured = [(r, w) for _, r, w in lines if r is not None and w]
    if len(measured) < 4:
        return "\n".join(t for t, _, _ in lines)
    margin = _quantile([r for r, _ in measured], 0.9)
    tol = 1.5 * _quantile([w for _, w in measured], 0.75)
    out = [lines[0][0]]
    for (text, right, _), (following, _, _) in pairwise(lines):
        stripped = text.rstrip()
        wrapped = (
            right is not None and right >= margin - tol and stripped and stripped[-1] not in SENTENCE_ENDS
            and following.strip() and not _HEADING.match(following)
        )
        if wrapped:
            a, b = stripped[-1], following.lstrip()[0]
            out[-1] = out[-1].rstrip()
            # A space only between two Latin words; a number cut by the wrap is one number.
            space = " " if a.isascii() and a.isalpha() and b.isascii() and b.isalpha() else ""
            out.append(space + following.lstrip())
        else:
            out.append("\n" + following)
    return "".join(out)
