"""Rows of the parser's frames, built by column name.

The column dicts in `schema.py` are the contract; `Table(schema.FACTS)` is what
the parser builds rows of that table with:

- `row(**columns)` takes every column of the schema as a keyword (no more, no
  less: a missing or unknown column is a TypeError where the row is built) and
  returns the row as a plain tuple in the schema's order. The function is
  generated from the schema, so the order cannot drift from it.
- `columns(rows)` gathers rows into one list per column name, for a frame.

Why tuples from a keyword function: at ~50 mentions a report, the row shape is
part of the parser's cost. A keyword call costs ~0.1 µs a row more than a bare
tuple; a NamedTuple built by keyword ~1 µs, a dict ~0.4 µs (and polars'
`from_dicts` turns a missing key into nulls without a word).
"""
from __future__ import annotations

import keyword

import polars as pl

from fazhi_parse import schema


class Table:
    """Rows of one schema: built by column name, stored as tuples in schema order."""

    __slots__ = ("at", "names", "row", "schema")

    def __init__(self, schema: dict[str, pl.DataType]):
        names = tuple(schema)
        bad = [n for n in names if not n.isidentifier() or keyword.iskeyword(n)]
        if bad:
            raise ValueError(f"columns that cannot be keywords: {bad}")
        self.schema = schema
        self.names = names
        self.at = {name: i for i, name in enumerate(names)}  # column name -> position in a row
        params = ", ".join(names)
        namespace: dict = {}
        exec(f"def row(*, {params}):\n    return ({params},)\n", namespace)
        self.row = namespace["row"]
        self.row.__doc__ = f"A row of ({params}) by keyword, as a tuple in that order."

    def replace(self, row: tuple, **columns) -> tuple:
        """`row` with the given columns changed (a KeyError for a column not in the schema)."""
        values = list(row)
        for name, value in columns.items():
            values[self.at[name]] = value
        return tuple(values)

    def columns(self, rows: list[tuple]) -> dict[str, list]:
        """Column name -> its values, for a frame (rows must come from `row`)."""
        values = list(map(list, zip(*rows, strict=False))) if rows else [[] for _ in self.names]
        return dict(zip(self.names, values, strict=False))

    def dicts(self, rows: list[tuple]) -> list[dict]:
        """Rows as dicts keyed by column name."""
        return [dict(zip(self.names, row, strict=False)) for row in rows]


MENTION_ROWS = Table(schema.MENTIONS)
FACT_ROWS = Table(schema.FACTS)
