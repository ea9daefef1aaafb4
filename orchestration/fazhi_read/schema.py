"""Column schema of the frame reading the reports folder builds (`folder.scan`).

`raw.report_files` is the interface between reading (bytes to text) and
everything downstream: the Dagster ingest asset loads the frame into DuckDB
through Arrow, the parser reads its `text`, and dbt's sources describe the same
columns. Which table it becomes, its key and its share of the build
fingerprint are in the pipeline's registry, fazhi_pipeline.tables (the
readers never import it).
"""
from __future__ import annotations

import polars as pl

# raw.report_files: one row per file found in the reports folder.
REPORT_FILES = {
    "source_file": pl.Utf8,  # path relative to the reports folder, '/' separated
    "report_id": pl.Utf8,  # first 16 hex digits of sha256 (stable id from the bytes); null when rejected
    "sha256": pl.Utf8,  # of the file's bytes
    "size_bytes": pl.Int64,
    "modified_at": pl.Datetime("us", "UTC"),
    "encoding": pl.Utf8,  # utf-8, utf-8-sig, gb18030, big5, utf-16, html/<enc>; null when undecodable
    "media_type": pl.Utf8,  # text/plain, text/html, application/pdf, ... (from the detected format)
    "status": pl.Utf8,  # accepted | duplicate | rejected
    "reason": pl.Utf8,  # '<code>: <sentence>' when not accepted
    "duplicate_of": pl.Utf8,  # source_file of the accepted twin
    "text_key": pl.Utf8,  # sha256 of the text without whitespace: the duplicate key (null when not decoded)
    "text": pl.Utf8,  # decoded text (article text for HTML); null only when undecodable
    "raw_html": pl.Utf8,  # the decoded HTML page as received, for .html inputs
    "ingested_at": pl.Datetime("us", "UTC"),
    # What read the bytes (fazhi_read): format detected by content (text, html, pdf, docx, doc,
    # ofd, image, ...), the reader, pages, and whether any text came from OCR with what confidence.
    "format": pl.Utf8,
    "reader": pl.Utf8,
    "page_count": pl.Int32,
    "ocr": pl.Boolean,
    "ocr_confidence": pl.Float64,  # mean recognition confidence 0-1, weighted by characters
    "pages_json": pl.Utf8,  # [{page, char_start, char_end, ocr, ocr_confidence}]: 0-based spans of `text`
}
