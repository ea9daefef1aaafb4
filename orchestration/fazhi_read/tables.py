"""Tables as text, row by row, so each figure stays beside its labels.

A table's first row is taken as column headers and each cell's first column as
the row label. The header row is written as it is; every later row becomes one
line ``row label，header 1：cell 1，header 2：cell 2。`` (empty cells and cells
that repeat the label are left out). A one-row or one-column table is written
as plain lines.
"""
from __future__ import annotations

import re

_WS = re.compile(r"\s+")


def _clean(cell) -> str:
    return _WS.sub(" ", str(cell or "")).strip()


def flatten(rows: list[list]) -> str:
    rows = [[_clean(c) for c in row] for row in rows]
    rows = [r for r in rows if any(r)]
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    if len(rows) == 1 or width == 1:
        return "\n".join("，".join(c for c in r if c) for r in rows)
    header = rows[0]
    lines = ["，".join(c for c in header if c)]
    for row in rows[1:]:
        label = row[0]
        parts = [label] if label else []
        for h, cell in zip(header[1:], row[1:], strict=False):
            if not cell or cell == label:
                continue
            parts.append(f"{h}：{cell}" if h else cell)
        lines.append("，".join(parts) + "。")
    return "\n".join(lines)
