"""PDF: the text layer with pypdfium2 (PDFium), tables with pdfplumber, OCR for
pages whose text layer is missing or garbage.

Per page: PDFium's text in content order (fast, C). A page that draws ruling
lines (path objects) is also looked at by pdfplumber's table finder; when it
finds tables, that page's text is pdfplumber's lines outside the tables plus
each table flattened row by row (``fazhi_read.tables``), in vertical order.
Only those pages pay pdfplumber's (pure Python) cost. A page with fewer than
``min_page_chars`` usable characters, or with more than ``max_garbage_share``
of private-use/U+FFFD/control characters (CID fonts without a ToUnicode map),
is rendered and OCR'd when OCR is available.

PDFium is not thread-safe: every PDFium call holds one process-wide lock (use
processes, not threads, to read PDFs in parallel).
"""
from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field

from .. import ocr
from ..options import ReadOptions
from ..registry import Context, Reader, register
from ..result import Builder, ReadFailure, ReadResult
from ..tables import flatten
from ._text import garbage_share, reflow, tidy

PDFIUM_LOCK = threading.RLock()
MIN_RULING_PATHS = 4


def sniff(data: bytes) -> str | None:
    # The header may follow some junk (readers accept it within 1024 bytes), but not markup:
    # a web page that mentions "%PDF-" is still a web page.
    at = data.find(b"%PDF-", 0, 1024)
    return "pdf" if at == 0 or (at > 0 and b"<" not in data[:at]) else None


def _open(data: bytes):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise ReadFailure("encrypted", "the PDF is encrypted and needs a password to open") from None
        raise ReadFailure("corrupt", f"the PDF could not be opened ({msg})") from None


def page_lines(tp) -> str:
    """A page's text with wrapped lines joined (``_text.reflow``), from PDFium's
    text and the boxes of the characters that end its lines."""
    n = tp.count_chars()
    text = tp.get_text_range(0, n)
    if len(text) != n:  # characters outside the BMP shift the indices: no reflow
        return tp.get_text_bounded()
    lines: list[tuple[str, float | None, float | None]] = []
    start = i = 0
    while i <= n:
        if i == n or text[i] in "\r\n":
            j = i - 1
            while j >= start and text[j].isspace():
                j -= 1
            if j >= start:
                left, _, right, _ = tp.get_charbox(j)
                lines.append((text[start:i], right, right - left))
            else:
                lines.append((text[start:i], None, None))
            if i < n - 1 and text[i] == "\r" and text[i + 1] == "\n":
                i += 1
            start = i + 1
        i += 1
    return reflow(lines)


def _ruling_paths(page) -> int:
    import pypdfium2.raw as pdfium_c

    n = 0
    for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=2):
        n += 1
        if n >= MIN_RULING_PATHS:
            break
    return n


def _plumber_page_text(plumber_pdf, index: int) -> str | None:
    """Text of a page with its tables flattened, or None if it has no table."""
    page = plumber_pdf.pages[index]
    tables = page.find_tables()
    if not tables:
        return None
    bboxes = [t.bbox for t in tables]

    def outside(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in bboxes)

    blocks: list[tuple[float, str]] = []
    for line in page.filter(outside).extract_text_lines():
        blocks.append((line["top"], line["text"]))
    for t in tables:
        flat = flatten(t.extract())
        if flat:
            blocks.append((t.bbox[1], flat))
    blocks.sort(key=lambda b: b[0])
    return "\n".join(text for _, text in blocks)


@dataclass
class _Pages:
    """A PDF's pages as the steps of ``read`` fill them in (0-based page indices)."""

    n: int
    texts: list[str | None] = field(default_factory=list)  # None: no usable text (yet)
    table_pages: list[int] = field(default_factory=list)  # pages that draw ruling lines
    to_ocr: list[int] = field(default_factory=list)  # pages without a usable text layer
    short: dict[int, str] = field(default_factory=dict)  # their few real characters, if any
    confidences: dict[int, float | None] = field(default_factory=dict)  # pages read by OCR
    warnings: list[str] = field(default_factory=list)


def read(data: bytes, fmt: str, ctx: Context) -> ReadResult:
    """The text layer page by page, tables flattened, OCR where the layer is missing or garbage."""
    opts = ctx.options
    with PDFIUM_LOCK:
        doc = _open(data)
    try:
        with PDFIUM_LOCK:
            n = len(doc)
        if n == 0:
            raise ReadFailure("no_text", "the PDF has no pages")
        if n > opts.max_pages:
            raise ReadFailure("too_large", f"the PDF has {n} pages, more than the {opts.max_pages} allowed")
        pages = _text_layer(doc, n, ctx)
        if pages.table_pages:
            _flatten_tables(data, pages, ctx)
        if pages.to_ocr:
            _ocr_pages(doc, pages, ctx)
        return _result(fmt, pages, opts)
    finally:
        with PDFIUM_LOCK:
            doc.close()


def _text_layer(doc, n: int, ctx: Context) -> _Pages:
    """PDFium's text of every page; pages whose text layer is unusable are marked for OCR."""
    opts = ctx.options
    pages = _Pages(n)
    for i in range(n):
        ctx.check_time(f"page {i + 1} of {n}")
        with PDFIUM_LOCK:
            page = doc[i]
            try:
                tp = page.get_textpage()
                raw = page_lines(tp) if opts.reflow else tp.get_text_bounded()
                tp.close()
                rulings = _ruling_paths(page) if opts.tables else 0
            finally:
                page.close()
        text = tidy(raw)
        usable, bad = garbage_share(text)
        if usable < opts.min_page_chars or bad > opts.max_garbage_share:
            pages.texts.append(None)
            pages.to_ocr.append(i)
            if bad <= opts.max_garbage_share and usable:
                pages.short[i] = text  # a few real characters (a cover, a page number): kept if OCR finds less
            continue
        pages.texts.append(text)
        if rulings >= MIN_RULING_PATHS:
            pages.table_pages.append(i)
    return pages


def _flatten_tables(data: bytes, pages: _Pages, ctx: Context) -> None:
    """pdfplumber's text, tables flattened, for the pages that draw ruling lines and hold a table."""
    try:
        import pdfplumber

        with pdfplumber.open(io.BytesIO(data)) as plumber_pdf:
            for i in pages.table_pages:
                ctx.check_time(f"tables on page {i + 1}")
                flat = _plumber_page_text(plumber_pdf, i)
                if flat is not None:
                    pages.texts[i] = tidy(flat)
    except ReadFailure:
        raise
    except Exception as exc:  # keep PDFium's text for those pages
        pages.warnings.append(f"table finder failed ({type(exc).__name__}); tables read as plain text")


def _ocr_pages(doc, pages: _Pages, ctx: Context) -> None:
    """OCR of the pages without a usable text layer; without OCR, their few real characters or nothing."""
    opts = ctx.options
    if not (opts.ocr and ocr.available()):
        for i, text in pages.short.items():
            pages.texts[i] = text
        skipped = [i for i in pages.to_ocr if i not in pages.short]
        if len(skipped) == pages.n:
            why = "OCR is switched off" if not opts.ocr else f"OCR is unavailable ({ocr.why_unavailable()})"
            raise ReadFailure("no_text", f"the PDF has no usable text layer (scanned or unmapped fonts) and {why}")
        if skipped:
            pages.warnings.append(f"{len(skipped)} page(s) without a usable text layer were skipped: OCR unavailable")
        return
    if len(pages.to_ocr) > opts.ocr_max_pages:
        raise ReadFailure(
            "too_large",
            f"{len(pages.to_ocr)} pages need OCR, more than the {opts.ocr_max_pages} allowed",
        )
    for i in pages.to_ocr:
        ctx.check_time(f"OCR of page {i + 1} of {pages.n}")
        text, conf = ocr.recognise(_render(doc, i, opts), threads=opts.ocr_threads, reflow=opts.reflow)
        text = tidy(text)
        if i in pages.short and garbage_share(text)[0] <= garbage_share(pages.short[i])[0]:
            pages.texts[i] = pages.short[i]
            continue
        pages.texts[i] = text
        pages.confidences[i] = conf


def _render(doc, i: int, opts: ReadOptions):
    """Page i as a PIL image at the OCR resolution, scaled down to stay within ``max_pixels``."""
    with PDFIUM_LOCK:
        page = doc[i]
        try:
            w, h = page.get_size()
            scale = opts.ocr_dpi / 72
            if w * h * scale * scale > opts.max_pixels:
                scale = (opts.max_pixels / (w * h)) ** 0.5
            return page.render(scale=scale).to_pil()
        finally:
            page.close()


def _result(fmt: str, pages: _Pages, opts: ReadOptions) -> ReadResult:
    """The pages' texts joined with their spans, and the reader that says how they were read."""
    b = Builder()
    for i, text in enumerate(pages.texts):
        if text is None:
            continue
        if i in pages.confidences:
            b.add(text, page=i + 1, kind="page", label=f"page {i + 1}", ocr=True, confidence=pages.confidences[i])
        else:
            b.add(text, page=i + 1, kind="page", label=f"page {i + 1}")
    any_ocr, conf = b.ocr_stats()
    if not b.text.strip():
        if pages.to_ocr and opts.ocr and ocr.available():
            raise ReadFailure("no_text", "the PDF's pages were OCR'd but nothing recognisable was found")
        raise ReadFailure("no_text", "the PDF holds no text")
    reader = "pdf.pdfium"
    if any_ocr:
        reader = "pdf.ocr" if len(pages.confidences) == pages.n else "pdf.pdfium+ocr"
    elif pages.table_pages:
        reader = "pdf.pdfium+pdfplumber"
    return ReadResult(
        format=fmt, ok=True, reader=reader, text=b.text, spans=b.spans, page_count=pages.n,
        ocr=any_ocr, ocr_confidence=conf, warnings=tuple(pages.warnings),
    )


READER = register(Reader(name="pdf", formats=("pdf",), sniff=sniff, read=read))
