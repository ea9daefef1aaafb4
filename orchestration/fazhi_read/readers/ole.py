"""DOC and WPS: OLE2 compound files with a Word 97-2003 ``WordDocument``
stream (WPS Office writes its .wps in the same binary format, so by content a
.wps is read, and reported, as 'doc').

First choice, standard library only (``_cfb`` + this module): the FIB (file
header) gives the table stream and the piece table (Clx); each piece's
characters are read as UTF-16 or as compressed cp1252, as the piece says.
Field codes are dropped (their results kept), table cells (ending in
\\x07, a row in one more) are flattened row by row like every other table,
page and section breaks (\\x0c) start new pages. Word 6/95 files (no piece
table of this kind) and anything this fails on go to Debian's ``antiword``
(UTF-8 output), then ``catdoc``; both GPL command-line tools run as separate
processes, installed by ``make setup`` when missing. antiword was not made
the first choice: on minimal but valid files it crashes now and then.
"""
from __future__ import annotations

import os
import shutil
import struct
import subprocess
import tempfile
import time

from ..registry import Context, Reader, register
from ..result import Builder, ReadFailure, ReadResult
from ..tables import flatten
from ._cfb import CFBError, Compound
from ._text import tidy

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_CHARS = 20_000_000


def _streams(data: bytes) -> list[str] | None:
    try:
        return Compound(data).stream_names()
    except (CFBError, struct.error):
        return None


def ole_kind(data: bytes) -> str | None:
    """'doc' for a Word binary document, 'encrypted_office' for a password-protected
    OOXML file, 'xls', 'ppt', 'ole2' for other OLE2 files."""
    if not data.startswith(OLE_MAGIC):
        return None
    streams = _streams(data)
    if streams is None:
        return "doc"  # damaged: let the reader say so
    lower = {s.lower() for s in streams}
    if "encryptedpackage" in lower:  # a password-protected DOCX/XLSX/PPTX is an OLE2 wrapper
        return "encrypted_office"
    if "worddocument" in lower:
        return "doc"
    if "workbook" in lower or "book" in lower:
        return "xls"
    if "powerpoint document" in lower:
        return "ppt"
    return "ole2"


def sniff(data: bytes) -> str | None:
    return "doc" if ole_kind(data) == "doc" else None


def _fib(data: bytes) -> tuple[Compound, bytes]:
    try:
        comp = Compound(data)
        word = comp.stream("WordDocument")
    except (CFBError, struct.error) as exc:
        raise ReadFailure("corrupt", f"the Word document's OLE2 structure is damaged ({exc})") from None
    if len(word) < 0x1AA or word[:2] not in (b"\xec\xa5", b"\xdc\xa5"):
        raise ReadFailure("corrupt", "the WordDocument stream does not start with a Word file header")
    flags = struct.unpack_from("<H", word, 0x0A)[0]
    if flags & 0x0100:
        raise ReadFailure("encrypted", "the Word document is password-protected")
    return comp, word


def _pieces_text(comp: Compound, word: bytes) -> str | None:
    """The document text from the piece table, or None for files without one
    (Word 6/95) or whose piece table does not add up."""
    n_fib = struct.unpack_from("<H", word, 0x02)[0]
    if n_fib < 101:
        return None
    flags = struct.unpack_from("<H", word, 0x0A)[0]
    table = comp.stream("1Table" if flags & 0x0200 else "0Table")
    fc_clx, lcb_clx = struct.unpack_from("<II", word, 0x1A2)
    clx = table[fc_clx : fc_clx + lcb_clx]
    if len(clx) != lcb_clx or not lcb_clx:
        return None
    pos = 0
    while pos < len(clx) and clx[pos] == 0x01:  # Prc: property modifiers, skipped
        pos += 3 + struct.unpack_from("<H", clx, pos + 1)[0]
    if pos + 5 > len(clx) or clx[pos] != 0x02:
        return None
    lcb = struct.unpack_from("<I", clx, pos + 1)[0]
    plc = clx[pos + 5 : pos + 5 + lcb]
    n = (len(plc) - 4) // 12
    if n < 1:
        return None
    cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
    ccp_text = struct.unpack_from("<I", word, 0x4C)[0]
    out, total = [], 0
    for i in range(n):
        fc = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * i + 2)[0]
        start, end = cps[i], min(cps[i + 1], ccp_text)
        if end <= start:
            continue
        count = end - start
        total += count
        if total > MAX_CHARS:
            raise ReadFailure("too_large", f"the Word document has more than {MAX_CHARS:,} characters")
        if fc & 0x40000000:  # compressed: one byte per character, cp1252
            off = (fc & ~0x40000000) // 2
            chunk = word[off : off + count].decode("cp1252", "replace")
        else:
            chunk = word[fc : fc + 2 * count].decode("utf-16-le", "replace")
        out.append(chunk)
    return "".join(out)


def _strip_fields(text: str) -> str:
    """Drop field codes (\\x13 code \\x14 result \\x15 -> result), nested ones too."""
    out, stack = [], []  # stack: True while inside a field's code part
    for ch in text:
        if ch == "\x13":
            stack.append(True)
        elif ch == "\x14" and stack:
            stack[-1] = False
        elif ch == "\x15" and stack:
            stack.pop()
        elif not (stack and stack[-1]):
            out.append(ch)
    return "".join(out)


def _pages(text: str, tables: bool) -> list[str]:
    """Page texts: paragraphs end in \r, pages in \x0c; a table cell ends in
    \x07 and a row in one more \x07 (an empty paragraph right after a cell).
    Without the table properties an empty cell looks like a row end: such a
    row is split, its text kept. The first cell's paragraphs before its last
    are read as text before the table."""
    text = _strip_fields(text)
    pages: list[list[str]] = [[]]
    rows: list[list[str]] = []
    cells: list[str] = []
    cell_paras: list[str] = []
    in_row = False

    def end_table() -> None:
        if rows:
            pages[-1].append(flatten(rows) if tables else "\n".join("\t".join(r) for r in rows))
            rows.clear()

    buf: list[str] = []
    for ch in text + "\r":
        if ch not in "\r\x07\x0c":
            buf.append(ch)
            continue
        para = "".join(buf).replace("\x0b", "\n")
        buf = []
        if ch == "\x07":
            if in_row and not para and not cell_paras:  # the row mark
                rows.append(cells)
                cells, in_row = [], False
            else:
                cells.append("\n".join([*cell_paras, para]))
                cell_paras, in_row = [], True
        elif in_row:
            cell_paras.append(para)
        else:
            end_table()
            pages[-1].append(para)
            if ch == "\x0c":
                pages.append([])
    if cells or cell_paras:
        rows.append([*cells, "\n".join(cell_paras)] if cell_paras else cells)
    end_table()
    return [tidy("\n".join(p)) for p in pages]


def _run(cmd: list[str], timeout: float) -> tuple[int, str, str]:
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise ReadFailure("timeout", f"{cmd[0]} took longer than {timeout:.0f} s") from None
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def tools() -> list[str]:
    return [t for t in ("antiword", "catdoc") if shutil.which(t)]


def _with_tools(data: bytes, fmt: str, ctx: Context, why: str) -> ReadResult:
    available = tools()
    if not available:
        raise ReadFailure("reader_unavailable",
                          f"{why}, and neither antiword nor catdoc is installed (make setup installs them)")
    timeout = min(ctx.options.tool_timeout, max(1.0, ctx.deadline - time.monotonic()))
    fd, path = tempfile.mkstemp(suffix=".doc")
    errors = []
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        for tool in available:
            cmd = (["antiword", "-m", "UTF-8.txt", "-w", "0", path] if tool == "antiword"
                   else ["catdoc", "-d", "utf-8", "-w", path])
            code, out, err = _run(cmd, timeout)
            text = tidy(out)
            if code == 0 and text.strip():
                b = Builder()
                b.add(text, page=None, kind="part", label="body")
                return ReadResult(format=fmt, ok=True, reader=f"doc.{tool}", text=b.text, spans=b.spans,
                                  page_count=None)
            detail = f"crashed (signal {-code})" if code < 0 else (err.strip() or "no text").splitlines()[0]
            errors.append(f"{tool}: {detail}")
    finally:
        os.unlink(path)
    raise ReadFailure("no_text", f"{why}; " + "; ".join(errors)[:200])


def read(data: bytes, fmt: str, ctx: Context) -> ReadResult:
    comp, word = _fib(data)
    try:
        text = _pieces_text(comp, word)
    except (CFBError, struct.error):
        text = None
    if text is None or not text.strip():
        return _with_tools(data, fmt, ctx, "the Word document has no Word 97 piece table")
    pages = _pages(text, ctx.options.tables)
    b = Builder()
    if len(pages) > 1:
        for i, page in enumerate(pages):
            if page:
                b.add(page, page=i + 1, kind="page", label=f"page {i + 1}")
        page_count = len(pages)
    else:
        b.add(pages[0], page=None, kind="part", label="body")
        page_count = None
    return ReadResult(format=fmt, ok=True, reader="doc.cfb", text=b.text, spans=b.spans, page_count=page_count)


READER = register(Reader(name="doc", formats=("doc",), sniff=sniff, read=read))
