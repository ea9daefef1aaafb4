"""Containers that are not a report format: other ZIP (xlsx, pptx, plain
archives) and OLE2 files (xls, ppt, ...). Registered last: claims what no
report reader did, so they are refused with a clear reason instead of being
handed to the text path."""
from __future__ import annotations

from .. import safezip
from ..registry import Context, Reader, register
from ..result import ReadFailure, ReadResult
from .ole import ole_kind

NAMES = {
    "xlsx": "an Excel workbook (.xlsx)",
    "pptx": "a PowerPoint presentation (.pptx)",
    "zip": "a ZIP archive that is neither a DOCX nor an OFD document",
    "xls": "an Excel workbook (.xls)",
    "ppt": "a PowerPoint presentation (.ppt)",
    "ole2": "an OLE2 compound file that is not a Word document",
    "encrypted_office": "a password-protected Office document",
}


def sniff(data: bytes) -> str | None:
    return safezip.zip_kind(data) or ole_kind(data)


def read(data: bytes, fmt: str, ctx: Context) -> ReadResult:
    if fmt == "encrypted_office":
        raise ReadFailure("encrypted", "the file is a password-protected Office document (DOCX, XLSX or PPTX)")
    raise ReadFailure("not_a_report_format", f"the file is {NAMES.get(fmt, fmt)}, not a report")


READER = register(Reader(name="container", formats=tuple(NAMES), sniff=sniff, read=read))
