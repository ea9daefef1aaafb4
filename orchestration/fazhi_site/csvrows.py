"""Reading the small CSV files people keep beside the reports (corrections, sources).

Both are loaded whole and as text, one dict per row, so that a malformed cell
is reported by dbt's tests instead of being lost in the loader.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl


def decode(data: bytes, encodings: tuple[str, ...]) -> str:
    """The text in the first of `encodings` that decodes it; the last one replaces what it cannot decode."""
    for encoding in encodings[:-1]:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode(encodings[-1], errors="replace")


def read_rows(
    path: Path,
    columns: tuple[str, ...],
    *,
    path_column: str,
    verbatim: tuple[str, ...] = (),
    encodings: tuple[str, ...] = ("utf-8-sig",),
) -> list[dict[str, str | int | None]]:
    """Rows of a CSV file by header name (none when the file does not exist).

    Headers are matched trimmed and case-insensitively; unknown columns are
    ignored and a missing column reads as empty; cells are trimmed except
    those in `verbatim`; empty cells are None. Blank rows and rows whose first
    column starts with '#' are skipped. `line_no` is the row's (last) line in
    the file and `path_column` holds the file's path.
    """
    if not path.is_file():
        return []
    text = decode(path.read_bytes(), encodings)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = []
    for record in reader:
        cells = {
            name: value if name in verbatim else value.strip()
            for name, value in (
                (k.strip().lower(), v or "") for k, v in record.items() if k is not None and isinstance(v, str)
            )
        }
        values = [cells.get(c, "") for c in columns]
        if not any(values) or cells.get(columns[0], "").startswith("#"):
            continue
        row: dict[str, str | int | None] = {"line_no": reader.line_num}
        row.update({c: (cells.get(c) or None) for c in columns})
        row[path_column] = str(path)
        rows.append(row)
    return rows


def frame(rows: list[dict], schema: dict, loaded_at) -> pl.DataFrame:
    """A frame of `schema` from read_rows' rows, each stamped with `loaded_at`."""
    if not rows:
        return pl.DataFrame(schema=schema)
    return pl.DataFrame([{**r, "loaded_at": loaded_at} for r in rows], schema=schema, orient="row")
