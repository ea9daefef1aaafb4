"""Limits and switches for reading; the defaults suit annual reports (5-50 pages)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReadOptions:
    max_bytes: int = 200 * 1024 * 1024  # larger files are refused (too_large)
    max_pages: int = 300  # documents with more pages are refused (too_large)
    time_budget: float = 300.0  # seconds per file; past it the read stops (timeout)
    # OCR: scanned pages and images. ocr=False behaves as if no OCR were installed.
    ocr: bool = True
    ocr_max_pages: int = 60  # more pages to OCR than this: too_large
    ocr_dpi: int = 150
    ocr_threads: int = 1  # onnxruntime intra-op threads (callers run files in parallel)
    max_pixels: int = 60_000_000  # an image (or rendered page) larger than this is refused
    # A page's text layer is used when it has at least this many usable characters
    # and no more than this share of garbage (private-use, U+FFFD, controls).
    min_page_chars: int = 8
    max_garbage_share: float = 0.3
    # ZIP containers (DOCX, OFD): checked from the central directory before reading.
    max_zip_members: int = 5000
    max_unzipped_bytes: int = 256 * 1024 * 1024
    max_member_ratio: float = 200.0  # uncompressed/compressed, for members over 1 MiB
    # External tools (antiword/catdoc for .doc/.wps).
    tool_timeout: float = 60.0
    # Lines wrapped at the right margin (PDF text layers, OCR) joined back into paragraphs.
    reflow: bool = True
    # Tables: flatten row by row (PDF pages with ruling lines, DOCX tables).
    tables: bool = True


DEFAULT = ReadOptions()
