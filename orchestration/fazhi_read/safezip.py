"""ZIP containers (DOCX, OFD) opened only after their central directory says
they are safe to read: a bounded number of members, bounded uncompressed
sizes and compression ratios. ``zipfile`` never inflates a member past its
declared size (a lying header ends in a CRC error), so checking the declared
sizes bounds memory and time before a byte is decompressed.
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib

from .options import ReadOptions
from .result import ReadFailure

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_LOCAL_NAME = re.compile(rb"PK\x03\x04.{22}(..)(..)", re.S)


def is_zip(data: bytes) -> bool:
    return data[:4] in ZIP_MAGIC


def member_names(data: bytes) -> list[str]:
    """Member names from the central directory, or, when it is missing (a
    truncated file), from the local headers at the start of the data."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return zf.namelist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        pass
    names = []
    head = data[: 1 << 20]
    for m in _LOCAL_NAME.finditer(head):
        n = int.from_bytes(m.group(1), "little")
        start = m.end()
        names.append(head[start : start + n].decode("utf-8", "replace"))
        if len(names) > 200:
            break
    return names


def zip_kind(data: bytes) -> str | None:
    """'docx', 'ofd', 'xlsx', 'pptx', 'zip' for ZIP data, None for anything else."""
    if not is_zip(data):
        return None
    names = member_names(data)
    lower = {n.lower().lstrip("/") for n in names}
    if "word/document.xml" in lower or any(n.startswith("word/") for n in lower):
        return "docx"
    if "ofd.xml" in lower:
        return "ofd"
    if any(n.startswith("xl/") for n in lower):
        return "xlsx"
    if any(n.startswith("ppt/") for n in lower):
        return "pptx"
    return "zip"


def open_checked(data: bytes, opts: ReadOptions, what: str) -> zipfile.ZipFile:
    """A ZipFile over ``data`` whose members are safe to read, else ReadFailure."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise ReadFailure("corrupt", f"the {what} is a damaged or truncated ZIP container ({exc})") from None
    if len(infos) > opts.max_zip_members:
        raise ReadFailure("zip_bomb",
                          f"the {what} holds {len(infos)} files, more than the {opts.max_zip_members} allowed")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > (1 << 20) and ratio > opts.max_member_ratio:
            raise ReadFailure(
                "zip_bomb",
                f"the {what}'s member {info.filename!r} inflates {info.compress_size:,} bytes to "
                f"{info.file_size:,} (ratio {ratio:,.0f}), a ZIP bomb; nothing was decompressed",
            )
    if total > opts.max_unzipped_bytes:
        raise ReadFailure(
            "zip_bomb",
            f"the {what} would inflate to {total:,} bytes, more than the {opts.max_unzipped_bytes:,} allowed; "
            "nothing was decompressed",
        )
    return zf


def read_member(zf: zipfile.ZipFile, name: str, what: str) -> bytes:
    try:
        return zf.read(name)
    except KeyError:
        raise ReadFailure("corrupt", f"the {what} has no {name!r}") from None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
        raise ReadFailure("corrupt", f"the {what}'s {name!r} is damaged ({exc})") from None
