"""fazhi_read: turning a report file's bytes into text, with provenance.

One call for ingest::

    from fazhi_read import read_bytes
    res = read_bytes(data)                 # never raises on bad input
    if not res.handled:                    # plain text / HTML / unknown: the text path
        ...                                # (fazhi_read.decode / fazhi_read.html)
    elif res.ok:
        res.text, res.format, res.reader, res.page_count, res.ocr_confidence
        res.page_at(char_offset)           # 1-based page of a character, or None
    else:
        reject(res.problem)                # '<reason>: <sentence>'

Formats are detected by content, not by file name. See README.md.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from . import detect as _detect
from .options import DEFAULT, ReadOptions
from .registry import READERS, Context, Reader, find, register
from .result import ReadFailure, ReadResult, Span, failure

# Importing the readers registers them, in this order (the first sniff that matches wins).
# isort: off
from .readers import pdf as _pdf  # noqa: F401
from .readers import docx as _docx  # noqa: F401
from .readers import ofd as _ofd  # noqa: F401
from .readers import ole as _ole  # noqa: F401
from .readers import image as _image  # noqa: F401
from .readers import container as _container  # noqa: F401
# isort: on

__all__ = [
    "DEFAULT", "READERS", "TEXT_FORMATS", "Context", "ReadFailure", "ReadOptions", "ReadResult",
    "Reader", "Span", "detect", "read_bytes", "read_path", "register",
]

# Formats left to the caller's text path (handled=False).
TEXT_FORMATS = ("text", "html", "unknown")


def detect(data: bytes) -> str:
    """The format of ``data`` by content: pdf, docx, ofd, doc, wps, image, zip,
    ole2, xlsx, ... or (left to the text path) text, html, unknown."""
    found = find(data)
    return found[0] if found else _detect.text_kind(data)


def read_bytes(
    data: bytes,
    *,
    options: ReadOptions | None = None,
    name: str = "",
    text_reader: Callable[[bytes], str] | None = None,
) -> ReadResult:
    """Read one file's bytes. Never raises for bad input: failures come back as a
    ReadResult with ``ok=False`` and a reason. ``name`` is only used in messages.
    ``text_reader``, when given, reads text/HTML/unknown bytes (e.g. the existing
    decoder); without it those come back ``handled=False`` for the caller."""
    opts = options or DEFAULT
    started = time.monotonic()
    found = find(data)
    if found is None:
        fmt = _detect.text_kind(data)
        if text_reader is None:
            return ReadResult(format=fmt, handled=False)
        try:
            text = text_reader(data)
        except Exception as exc:  # the caller's reader: report, don't raise
            return failure(fmt, "corrupt", f"the text reader failed: {exc}", reader="text")
        return ReadResult(
            format=fmt, ok=True, reader="text", text=text, spans=(Span(0, len(text), None, "part"),),
            seconds=round(time.monotonic() - started, 4),
        )
    fmt, reader = found
    if len(data) > opts.max_bytes:
        return failure(fmt, "too_large", f"the file has {len(data):,} bytes, more than the {opts.max_bytes:,} allowed",
                       reader=reader.name)
    ctx = Context(options=opts, started=started, name=name)
    try:
        res = reader.read(data, fmt, ctx)
    except ReadFailure as exc:
        res = failure(fmt, exc.reason, exc.message, reader=reader.name)
    except MemoryError:
        res = failure(fmt, "too_large", "reading the file ran out of memory", reader=reader.name)
    except Exception as exc:  # a library choking on malformed input
        why = f"the {fmt} file could not be read ({type(exc).__name__}: {exc})"
        res = failure(fmt, "corrupt", why[:300], reader=reader.name)
    if res.ok and not res.text.strip():
        res = res.with_(ok=False, reason="no_text", message=f"the {fmt} file holds no text")
    return res.with_(seconds=round(time.monotonic() - started, 4))


def read_path(path: str | Path, *, options: ReadOptions | None = None, **kw) -> ReadResult:
    """``read_bytes`` on a file's content (the file size is checked first)."""
    p = Path(path)
    opts = options or DEFAULT
    size = p.stat().st_size
    if size > opts.max_bytes:
        return failure("unknown", "too_large", f"the file has {size:,} bytes, more than the {opts.max_bytes:,} allowed")
    return read_bytes(p.read_bytes(), options=opts, name=p.name, **kw)
