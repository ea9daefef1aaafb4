"""OFD (GB/T 33190-2016): a ZIP of XML. Parsed with the standard library:
OFD.xml -> DocBody/DocRoot (Document.xml) -> Pages/Page@BaseLoc (Content.xml)
-> Layer -> TextObject (Boundary, Size) -> TextCode (X, Y) text.

Text per page in reading order: text codes placed at their absolute positions
(the TextObject's Boundary origin plus the TextCode's X/Y, in mm), grouped into
lines by baseline (within half the font size), lines top to bottom and codes
left to right; lines wrapped at the right margin (their end from DeltaX) are
joined back into paragraphs. Templates (page backgrounds: letterheads, page numbers),
annotations and text drawn as paths or images are not read; transforms (CTM)
are ignored. No PyPI OFD reader was taken: easyofd requires PyMuPDF (AGPL-3.0)
and converts OFD to PDF/images rather than giving text with page offsets.
"""
from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET

from .. import safezip
from ..registry import Context, Reader, register
from ..result import Builder, ReadFailure, ReadResult
from ._text import reflow, tidy


def sniff(data: bytes) -> str | None:
    return "ofd" if safezip.zip_kind(data) == "ofd" else None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(el, name: str):
    return [c for c in el.iter() if _local(c.tag) == name]


def _xml(zf, names: dict[str, str], path: str, what: str = "OFD"):
    real = names.get(path.lstrip("/").lower())
    if real is None:
        raise ReadFailure("corrupt", f"the OFD has no {path!r}")
    raw = safezip.read_member(zf, real, what)
    if b"<!ENTITY" in raw[:4096]:
        raise ReadFailure("corrupt", f"the OFD's {path!r} declares XML entities, which OFD never uses")
    try:
        return ET.fromstring(raw)
    except ET.ParseError as exc:
        raise ReadFailure("corrupt", f"the OFD's {path!r} is not well-formed XML ({exc})") from None


def _resolve(base_dir: str, loc: str, names: dict[str, str]) -> str:
    loc = loc.strip().replace("\\", "/")
    if loc.startswith("/"):
        return loc.lstrip("/")
    candidate = posixpath.normpath(posixpath.join(base_dir, loc))
    if candidate.lower() in names:
        return candidate
    return posixpath.normpath(loc)  # some producers write root-relative paths


def _floats(s: str | None, n: int) -> list[float]:
    try:
        vals = [float(x) for x in (s or "").split()]
    except ValueError:
        vals = []
    return (vals + [0.0] * n)[:n]


def _advance(delta_x: str | None, text: str, size: float) -> float:
    """Width of a TextCode: its DeltaX steps (``g N v`` repeats v N times) plus
    one glyph, or one em per character when it has none."""
    steps: list[float] = []
    tokens = (delta_x or "").split()
    k = 0
    try:
        while k < len(tokens):
            if tokens[k] == "g" and k + 2 < len(tokens):
                steps += [float(tokens[k + 2])] * min(int(tokens[k + 1]), 100_000)
                k += 3
            else:
                steps.append(float(tokens[k]))
                k += 1
    except ValueError:
        steps = []
    if not steps:
        return len(text) * size
    return sum(steps[: max(len(text) - 1, 0)]) + size


def page_text(root, reflow_lines: bool = True) -> str:
    codes: list[tuple[float, float, float, str, float]] = []  # (y, x, size, text, right)
    for obj in _children(root, "TextObject"):
        bx, by, _, _ = _floats(obj.get("Boundary"), 4)
        size = _floats(obj.get("Size"), 1)[0] or 3.5
        for tc in obj:
            if _local(tc.tag) != "TextCode" or not tc.text:
                continue
            x = bx + float(tc.get("X") or 0)
            y = by + float(tc.get("Y") or 0)
            codes.append((y, x, size, tc.text, x + _advance(tc.get("DeltaX"), tc.text, size)))
    codes.sort(key=lambda c: (c[0], c[1]))
    groups: list[list[tuple[float, float, float, str, float]]] = []
    for c in codes:
        if groups and abs(c[0] - groups[-1][0][0]) <= groups[-1][0][2] / 2:
            groups[-1].append(c)
        else:
            groups.append([c])
    lines = []
    for group in groups:
        group.sort(key=lambda c: c[1])
        lines.append(("".join(c[3] for c in group), max(c[4] for c in group), group[-1][2]))
    if reflow_lines:
        return reflow(lines)
    return "\n".join(t for t, _, _ in lines)


def read(data: bytes, fmt: str, ctx: Context) -> ReadResult:
    zf = safezip.open_checked(data, ctx.options, "OFD")
    names = {n.lstrip("/").lower(): n for n in zf.namelist()}
    root = _xml(zf, names, "OFD.xml")
    doc_roots = [el.text.strip() for el in _children(root, "DocRoot") if el.text and el.text.strip()]
    if not doc_roots:
        raise ReadFailure("corrupt", "the OFD's OFD.xml names no document (DocBody/DocRoot)")
    page_locs: list[tuple[str, str]] = []
    for doc_root in doc_roots:
        doc_path = _resolve("", doc_root, names)
        document = _xml(zf, names, doc_path)
        doc_dir = posixpath.dirname(doc_path)
        for page in _children(document, "Page"):
            loc = page.get("BaseLoc")
            if loc:
                page_locs.append((doc_dir, loc))
    if not page_locs:
        raise ReadFailure("no_text", "the OFD has no pages")
    if len(page_locs) > ctx.options.max_pages:
        raise ReadFailure("too_large", f"the OFD has {len(page_locs)} pages, more than the {ctx.options.max_pages} allowed")
    b = Builder()
    for i, (doc_dir, loc) in enumerate(page_locs):
        ctx.check_time(f"page {i + 1} of {len(page_locs)}")
        content = _xml(zf, names, _resolve(doc_dir, loc, names))
        text = tidy(page_text(content, ctx.options.reflow))
        if text:
            b.add(text, page=i + 1, kind="page", label=f"page {i + 1}")
    if not b.text.strip():
        raise ReadFailure("no_text", "the OFD's pages hold no text objects (scanned pages are not OCR'd)")
    return ReadResult(format=fmt, ok=True, reader="ofd.stdlib", text=b.text, spans=b.spans, page_count=len(page_locs))


READER = register(Reader(name="ofd", formats=("ofd",), sniff=sniff, read=read))
