"""Web-page furniture vocabulary from rules/chrome.csv: one word list per
concept (button, font, column, share, crumb, pager, footer_link, site_mark,
copyright, footer_field, field), each row saying which reader reads its words:
`text` (`fazhi_parse.text.is_chrome_line`, lines of any report text) and `html`
(`fazhi_read.html`, lines of an article extracted from a web page). It lives
here, with the readers, so the parser can import it (fazhi_parse may import
fazhi_read, never the reverse). Each reader
decides how a line must hold a concept's words (alone, at its start, anywhere
on a short line)."""
from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources


@cache
def _rows() -> tuple[tuple[str, frozenset[str], tuple[str, ...]], ...]:
    with resources.files("fazhi_read.rules").joinpath("chrome.csv").open(encoding="utf-8") as fh:
        return tuple(
            (row["concept"], frozenset(row["readers"].split()), tuple(row["words"].split("|")))
            for row in csv.DictReader(fh)
        )


def chrome_words(reader: str, *concepts: str) -> list[str]:
    """The words `reader` reads for `concepts`, longest first."""
    known = {concept for concept, _, _ in _rows()}
    if not set(concepts) <= known:
        raise KeyError(f"no such concept in rules/chrome.csv: {sorted(set(concepts) - known)}")
    words = {w for concept, readers, ws in _rows() if concept in concepts and reader in readers for w in ws}
    return sorted(words, key=lambda w: (-len(w), w))


def chrome_alternation(reader: str, *concepts: str) -> str:
    """A regex matching any word `reader` reads for `concepts` (plain text), longest first."""
    return "|".join(map(re.escape, chrome_words(reader, *concepts)))
