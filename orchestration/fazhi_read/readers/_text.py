"""Helpers shared by the readers."""
from __future__ import annotations

import re
import unicodedata

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
