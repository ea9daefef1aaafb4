"""DOC and WPS (OLE2 compound files with a Word 97-2003 ``WordDocument``
stream; WPS Office writes its .wps in the same binary format, so by content a
.wps is read, and reported, as 'doc'). The stream layout is checked with a
small MS-CFB parser (``_cfb``: stream names, the FIB's encryption flag), then the text comes from Debian's
``antiword`` (UTF-8 output), or ``catdoc`` when antiword refuses the file
(Word 6/95, some WPS files). Both are GPL command-line tools run as separate
processes; ``make setup`` installs them when missing. Without either the
result is ``reader_unavailable``. The text is one part: no page numbers.
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
from ._cfb import CFBError, Compound
from ._text import tidy

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _streams(data: bytes) -> list[str] | None:
    try:
        return Compound(data).stream_names()
    except (CFBError, struct.error):
        return None


def ole_kind(data: bytes) -> str | None:
    """'doc' for a Word binary document, 'xls', 'ppt', 'ole2' for other OLE2 files."""
    if not data.startswith(OLE_MAGIC):
        return None
    streams = _streams(data)
    if streams is None:
        return "doc"  # damaged: let the reader say so
    lower = {s.lower() for s in streams}
    if "worddocument" in lower:
        return "doc"
    if "workbook" in lower or "book" in lower:
        return "xls"
    if "powerpoint document" in lower:
        return "ppt"
    return "ole2"


def sniff(data: bytes) -> str | None:
    return "doc" if ole_kind(data) == "doc" else None


def _check(data: bytes) -> None:
    try:
        fib = Compound(data).head("WordDocument", 12)
    except (CFBError, struct.error) as exc:
        raise ReadFailure("corrupt", f"the Word document's OLE2 structure is damaged ({type(exc).__name__})") from None
    if len(fib) < 12 or fib[:2] not in (b"\xec\xa5", b"\xdc\xa5"):
        raise ReadFailure("corrupt", "the WordDocument stream does not start with a Word file header")
    flags = int.from_bytes(fib[10:12], "little")
    if flags & 0x0100:
        raise ReadFailure("encrypted", "the Word document is password-protected")


def _run(cmd: list[str], timeout: float) -> tuple[int, str, str]:
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise ReadFailure("timeout", f"{cmd[0]} took longer than {timeout:.0f} s") from None
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def tools() -> list[str]:
    return [t for t in ("antiword", "catdoc") if shutil.which(t)]


def read(data: bytes, fmt: str, ctx: Context) -> ReadResult:
    _check(data)
    available = tools()
    if not available:
        raise ReadFailure("reader_unavailable", "reading .doc/.wps needs antiword or catdoc (make setup installs them)")
    timeout = min(ctx.options.tool_timeout, max(1.0, ctx.deadline - time.monotonic()))
    fd, path = tempfile.mkstemp(suffix=".doc")
    errors = []
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        for tool in available:
            cmd = ["antiword", "-m", "UTF-8.txt", "-w", "0", path] if tool == "antiword" else ["catdoc", "-d", "utf-8", "-w", path]
            code, out, err = _run(cmd, timeout)
            text = tidy(out)
            if code == 0 and text.strip():
                b = Builder()
                b.add(text, page=None, kind="part", label="body")
                return ReadResult(format=fmt, ok=True, reader=f"doc.{tool}", text=b.text, spans=b.spans, page_count=None)
            errors.append(f"{tool}: {(err.strip() or 'no text').splitlines()[0]}")
    finally:
        os.unlink(path)
    raise ReadFailure("no_text", "the Word document gave no text (" + "; ".join(errors)[:200] + ")")


READER = register(Reader(name="doc", formats=("doc",), sniff=sniff, read=read))
