"""The source manifest: where each report file was published, so a figure can be cited by URL.

An optional `sources.csv` at the top of the reports folder (FAZHI_SOURCES), one
row per report file:

    file,url,title,published_at,fetched_at
    2024/浏阳市2023年法治政府建设年度报告.pdf,https://www.liuyang.gov.cn/...,浏阳市2023年法治政府建设年度报告,2024-03-20,2024-04-02T10:15:00+08:00

`file` is the path relative to the reports folder, as in
raw.report_files.source_file. The file is loaded as text, every column a
string, into raw.sources; dbt types it (stg_raw__sources), tells official
government domains from other hosts (seed official_domains) and reports rows
that name no file in the folder, name a file twice or hold a malformed URL
(int_report_sources; a warning, never a failed build).

UTF-8 with or without a BOM; a file a Chinese spreadsheet saved as GB18030 is
read too (what neither decodes becomes U+FFFD and shows as a malformed cell).
"""
from __future__ import annotations

from pathlib import Path

import polars as pl

from fazhi_site import csvrows

COLUMNS = ("file", "url", "title", "published_at", "fetched_at")
# raw.sources: the file's cells as written (text), plus where and when each row came from.
TABLE_SCHEMA = {
    "line_no": pl.Int64,
    **{c: pl.Utf8 for c in COLUMNS},
    "sources_file": pl.Utf8,
    "loaded_at": pl.Datetime("us", "UTC"),
}


def read(path: Path) -> list[dict[str, str | int | None]]:
    """Rows of the source manifest (none when it does not exist); cells trimmed, blanks None."""
    return csvrows.read_rows(path, COLUMNS, path_column="sources_file", encodings=("utf-8-sig", "gb18030", "utf-8"))


def frame(rows: list[dict], loaded_at) -> pl.DataFrame:
    """raw.sources rows (TABLE_SCHEMA) from `read`'s rows."""
    return csvrows.frame(rows, TABLE_SCHEMA, loaded_at)
