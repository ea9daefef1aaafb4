"""DOCX (and WPS documents saved as OOXML): python-docx, body paragraphs and
tables in document order, tables flattened row by row. Headers, footers,
footnotes and text boxes are not read.

A DOCX has no pages of its own; page numbers come from hard page breaks and
the page breaks Word recorded when it last laid the document out
(``w:lastRenderedPageBreak``), counted at paragraph level. Without any, the
text is one part and ``page_count`` is None.
"""
from __future__ import annotations

import io

from .. import safezip
from ..registry import Context, Reader, register
from ..result import Builder, ReadFailure, ReadResult
from ..tables import flatten
from ._text import tidy

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def sniff(data: bytes) -> str | None:
    return "docx" if safezip.zip_kind(data) == "docx" else None


def _breaks(element) -> int:
    n = 0
    for el in element.iter(f"{W}br", f"{W}lastRenderedPageBreak"):
        if el.tag == f"{W}lastRenderedPageBreak" or el.get(f"{W}type") == "page":
            n += 1
    return n


def _table_rows(table) -> list[list[str]]:
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:  # a merged cell appears once per grid column it spans
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(cell.text)
        rows.append(cells)
    return rows


def read(data: bytes, fmt: str, ctx: Context) -> ReadResult:
    zf = safezip.open_checked(data, ctx.options, "DOCX")
    names = set(zf.namelist())
    if "word/document.xml" not in names:
        raise ReadFailure("corrupt", "the DOCX has no word/document.xml")
    # Inflate every member once here, inside the checked limits (and catch a
    # damaged member as 'corrupt' before python-docx sees it).
    for info in zf.infolist():
        safezip.read_member(zf, info.filename, "DOCX")
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise ReadFailure("corrupt", f"the DOCX could not be parsed ({type(exc).__name__}: {exc})"[:300]) from None
    pages: list[list[str]] = [[]]
    any_break = False
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            text = flatten(_table_rows(block)) if ctx.options.tables else "\n".join(
                "\t".join(r) for r in _table_rows(block))
            n_breaks = 0
        else:
            text = block.text
            n_breaks = _breaks(block._p)
        # A break inside a paragraph is counted before it (Word puts most at the start).
        for _ in range(n_breaks):
            any_break = True
            pages.append([])
        pages[-1].append(text)
    b = Builder()
    if any_break:
        for i, parts in enumerate(pages):
            text = tidy("\n".join(parts))
            if text:
                b.add(text, page=i + 1, kind="page", label=f"page {i + 1}")
        page_count = len(pages)
    else:
        b.add(tidy("\n".join(pages[0])), page=None, kind="part", label="body")
        page_count = None
    return ReadResult(format=fmt, ok=True, reader="docx.python-docx", text=b.text, spans=b.spans, page_count=page_count)


READER = register(Reader(name="docx", formats=("docx",), sniff=sniff, read=read))
