"""The corrections file: a reviewer's verdicts on figures, keyed to survive re-parsing.

One CSV row per correction. A row names a figure by what cannot change while
the file's bytes do not: the file's sha256 (or its report_id, the first 16
hex digits of it), the figure's character span in the original text (1-based
start, length in characters) and the figure's text exactly as printed there.
Row numbers, fact ids and mention numbers are never part of the key: they
move when the parser changes.

Actions:
- reject:  the figure is not the report's own whole-year figure of its metric (or not one at all)
- relabel: the figure is of another metric (metric_code; value optional)
- revalue: the figure's value is wrong (value, optionally comparator)
- add:     the parser missed the figure (metric_code and value)

The file is loaded as text, every column a string, into raw.corrections: a
malformed row is reported by dbt's tests (assert_corrections_well_formed), not
lost in the loader.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl

from fazhi_site import csvrows

ACTIONS = ("reject", "relabel", "revalue", "add")
# The header, in this order when the site writes a line for a reviewer.
COLUMNS = (
    "action",
    "sha256",
    "char_start",
    "char_length",
    "figure_text",
    "metric_code",
    "value",
    "comparator",
    "channel",
    "reason",
    "reviewer",
    "source_file",  # for people reading the file; not part of the key
)
REQUIRED = ("action", "sha256", "char_start", "char_length", "figure_text", "reason", "reviewer")
# raw.corrections: the file's cells as printed (text), plus where and when each row came from.
TABLE_SCHEMA = {
    "line_no": pl.Int64,
    **{c: pl.Utf8 for c in COLUMNS},
    "corrections_file": pl.Utf8,
    "loaded_at": pl.Datetime("us", "UTC"),
}


def read(path: Path) -> list[dict[str, str | int | None]]:
    """Rows of the corrections file (none when it does not exist).

    UTF-8 with or without a BOM (as spreadsheets save it); blank rows and rows
    whose first cell starts with '#' are skipped; unknown columns are ignored;
    a missing column reads as empty; cells are trimmed, except figure_text,
    which must be the figure exactly as printed. `line_no` is the row's
    (last) line in the file.
    """
    return csvrows.read_rows(path, COLUMNS, path_column="corrections_file", verbatim=("figure_text",))


def frame(rows: list[dict], loaded_at) -> pl.DataFrame:
    """raw.corrections rows (TABLE_SCHEMA) from `read`'s rows."""
    return csvrows.frame(rows, TABLE_SCHEMA, loaded_at)


def line(**cells: object) -> str:
    """One CSV line in COLUMNS order (no newline), quoted as csv does."""
    unknown = set(cells) - set(COLUMNS)
    if unknown:
        raise ValueError(f"not columns of the corrections file: {sorted(unknown)}")
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(["" if cells.get(c) is None else cells[c] for c in COLUMNS])
    return out.getvalue()


def header() -> str:
    return ",".join(COLUMNS)
