"""What a file is, judged by its content (magic bytes, container structure), never its name."""
from __future__ import annotations

import re

_HTML = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<title>|<div[\s>]|<p[\s>]", re.I)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def looks_like_html(data: bytes) -> bool:
    """Markup near the start: the way the existing text path tells HTML from prose."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: decode the head first
        try:
            head = head.decode("utf-16", "ignore").encode("utf-8")
        except Exception:  # pragma: no cover - decode with ignore cannot fail
            return False
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<") and _HTML.search(stripped[:1024]):
        return True
    return bool(re.match(rb"<\?xml[^>]*>\s*(<!doctype\s+html|<html)", stripped, re.I))


def text_kind(data: bytes) -> str:
    """'html' or 'text' for bytes that no binary reader claimed; 'unknown' otherwise."""
    if looks_like_html(data):
        return "html"
    head = data[:8192]
    if head.startswith(_BOMS) or b"\x00" not in head:
        return "text"
    # UTF-16 without a BOM has NULs at every other byte: the text path decides.
    return "unknown"
