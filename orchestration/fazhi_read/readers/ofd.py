"""OFD (GB/T 33190-2016): a ZIP of XML. Parsed with the standard library:
OFD.xml -> DocBody/DocRoot (Document.xml) -> Pages/Page@BaseLoc (Content.xml)
-> Layer -> TextObject (Boundary, Size) -> TextCode (X, Y) text.

Text per page in reading order: text codes placed at their absolute positions
(the TextObject's Boundary origin plus the TextCode's X/Y, in mm), grouped into
lines by baseline (within half the font size), lines top to bottom and codes
left to right; lines wrapped at the right margin (their end from DeltaX) are
joined back into paragraphs. A page with no text but image objects (a scan)
is OCR'd: its images, found through the resource files (PublicRes,
DocumentRes, PageRes: MultiMedia -> MediaFile), top to bottom.
Templates (page backgrounds: letterheads, page numbers), annotations and
text drawn as paths are not read; transforms (CTM)
are ignored. No PyPI OFD reader was taken: easyofd requires PyMuPDF (AGPL-3.0)
and converts OFD to PDF/images rather than giving text with page offsets.
"""
from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET

from .. import ocr, safezip
from ..options import ReadOptions
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


def _media(zf, names: dict[str, str], doc_dir: str, res_paths: list[str]) -> dict[str, str]:
    """Image resources: MultiMedia ID -> member path, from the resource files
    (PublicRes, DocumentRes, PageRes); media paths are relative to the
    resource file's BaseLoc directory."""
    out: dict[str, str] = {}
    for loc in res_paths:
        path = _resolve(doc_dir, loc, names)
        if path.lower() not in names:
            continue
        res = _xml(zf, names, path)
        res_dir = posixpath.dirname(path)
        base = (res.get("BaseLoc") or "").strip().replace("\\", "/")
        base_dir = base.lstrip("/") if base.startswith("/") else posixpath.normpath(posixpath.join(res_dir, base))
        for mm in _children(res, "MultiMedia"):
            files = [c.text.strip() for c in mm if _local(c.tag) == "MediaFile" and c.text]
            if not files or not mm.get("ID"):
                continue
            f = files[0].replace("\\", "/")
            relative = (posixpath.normpath(posixpath.join(base_dir, f)),
                        posixpath.normpath(posixpath.join(res_dir, f)), f)
            for cand in ((f.lstrip("/"),) if f.startswith("/") else relative):
                if cand.lower() in names:
                    out[mm.get("ID")] = cand
                    break
    return out


def _ocr_page(zf, names, content, media: dict[str, str], ctx: Context) -> tuple[str, float | None]:
    """OCR of a page without text: its image objects (a scanned page), top to bottom."""
    from .image import recognise_bytes

    images = []
    for obj in _children(content, "ImageObject"):
        member = media.get(obj.get("ResourceID") or "")
        if member:
            _, y, _, _ = _floats(obj.get("Boundary"), 4)
            images.append((y, member))
    parts, num, den = [], 0.0, 0
    for _, member in sorted(images):
        text, conf = recognise_bytes(safezip.read_member(zf, names[member.lower()], "OFD"), ctx)
        if text:
            parts.append(text)
            if conf is not None:
                num += conf * len(text)
                den += len(text)
    return "\n".join(parts), (num / den if den else None)


# Where a page is: (its document's directory, the page's BaseLoc, the document's resource files).
_PageLoc = tuple[str, str, list[str]]


def read(data: bytes, fmt: str, ctx: Context) -> ReadResult:
    """Text per page from the OFD's XML; pages that are only images (scans) OCR'd."""
    opts = ctx.options
    zf = safezip.open_checked(data, opts, "OFD")
    names = {n.lstrip("/").lower(): n for n in zf.namelist()}
    page_locs = _page_locs(zf, names)
    n = len(page_locs)
    if not n:
        raise ReadFailure("no_text", "the OFD has no pages")
    if n > opts.max_pages:
        raise ReadFailure("too_large", f"the OFD has {n} pages, more than the {opts.max_pages} allowed")
    b = Builder()
    scanned: list[int] = []
    n_ocr = 0
    for i, (doc_dir, loc, res) in enumerate(page_locs):
        ctx.check_time(f"page {i + 1} of {n}")
        page_path = _resolve(doc_dir, loc, names)
        content = _xml(zf, names, page_path)
        text = tidy(page_text(content, opts.reflow))
        if text:
            b.add(text, page=i + 1, kind="page", label=f"page {i + 1}")
            continue
        if not _children(content, "ImageObject"):
            continue
        scanned.append(i + 1)
        if not (opts.ocr and ocr.available()):
            continue
        n_ocr += 1
        if n_ocr > opts.ocr_max_pages:
            raise ReadFailure("too_large", f"more than {opts.ocr_max_pages} OFD pages need OCR")
        text, conf = _ocr_scanned_page(zf, names, content, doc_dir, page_path, res, ctx)
        if text:
            b.add(text, page=i + 1, kind="page", label=f"page {i + 1}", ocr=True, confidence=conf)
    return _result(fmt, b, n, scanned, n_ocr, opts)


def _page_locs(zf, names: dict[str, str]) -> list[_PageLoc]:
    """Every page of every document OFD.xml names (DocBody/DocRoot -> Document.xml -> Pages/Page), in order."""
    root = _xml(zf, names, "OFD.xml")
    doc_roots = [el.text.strip() for el in _children(root, "DocRoot") if el.text and el.text.strip()]
    if not doc_roots:
        raise ReadFailure("corrupt", "the OFD's OFD.xml names no document (DocBody/DocRoot)")
    page_locs: list[_PageLoc] = []
    for doc_root in doc_roots:
        doc_path = _resolve("", doc_root, names)
        document = _xml(zf, names, doc_path)
        doc_dir = posixpath.dirname(doc_path)
        res = [el.text.strip() for tag in ("PublicRes", "DocumentRes") for el in _children(document, tag) if el.text]
        for page in _children(document, "Page"):
            loc = page.get("BaseLoc")
            if loc:
                page_locs.append((doc_dir, loc, res))
    return page_locs


def _ocr_scanned_page(
    zf, names, content, doc_dir: str, page_path: str, res: list[str], ctx: Context
) -> tuple[str, float | None]:
    """(tidied OCR text, confidence) of a page without text: its images, found through its
    document's resource files `res` (relative to `doc_dir`) and the page's own (PageRes)."""
    page_res = [el.text.strip() for el in _children(content, "PageRes") if el.text]
    media = _media(zf, names, doc_dir, res) | _media(zf, names, posixpath.dirname(page_path), page_res)
    text, conf = _ocr_page(zf, names, content, media, ctx)
    return tidy(text), conf


def _result(fmt: str, b: Builder, n: int, scanned: list[int], n_ocr: int, opts: ReadOptions) -> ReadResult:
    """The pages' text, or why there is none (scans without OCR, OCR that found nothing, no text objects)."""
    any_ocr, conf = b.ocr_stats()
    warnings = ()
    if scanned and not n_ocr:
        warnings = (f"{len(scanned)} scanned page(s) skipped: OCR unavailable",)
    if not b.text.strip():
        if scanned and not n_ocr:
            why = "OCR is switched off" if not opts.ocr else f"OCR is unavailable ({ocr.why_unavailable()})"
            raise ReadFailure("no_text", f"the OFD's pages are images (scanned) and {why}")
        if scanned:
            raise ReadFailure("no_text", "the OFD's scanned pages were OCR'd but nothing recognisable was found")
        raise ReadFailure("no_text", "the OFD's pages hold no text objects")
    reader = "ofd.stdlib+ocr" if any_ocr else "ofd.stdlib"
    return ReadResult(format=fmt, ok=True, reader=reader, text=b.text, spans=b.spans, page_count=n,
                      ocr=any_ocr, ocr_confidence=conf, warnings=warnings)


READER = register(Reader(name="ofd", formats=("ofd",), sniff=sniff, read=read))
