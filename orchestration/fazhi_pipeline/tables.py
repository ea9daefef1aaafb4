"""The registry of every table the Python side writes into the work DB.

One `Table` per table: where it lives (schema, name), its columns (polars
dtypes, in the order the table is created), its key, one line on what it
holds, the dbt source that declares it (dbt_project/models/staging/
_sources.yml, _review__sources.yml; tests/pipeline/test_pipeline_tables.py
holds the two in step) and what of it feeds the build fingerprint
(build_state.inputs_fingerprint: a run whose fingerprint matches the
published warehouse skips dbt).

Columns are defined beside the code that builds the rows, each with its
comment there: the reports folder's frame in fazhi_read.schema and the
parser's frames in fazhi_parse.schema (neither imports the pipeline), the
people-kept CSV files' tables in fazhi_site (corrections, sources), and the
pipeline's own bookkeeping tables here. dbt's tables (the seeds, staging
models, marts) are dbt's and not listed.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import duckdb
import polars as pl

from fazhi_parse import schema as parser
from fazhi_pipeline import duck
from fazhi_read import schema as reader
from fazhi_site import corrections as site_corrections
from fazhi_site import sources as site_sources


@dataclass(frozen=True)
class Fingerprint:
    """What of a table feeds the build fingerprint: every change dbt would see must move it.

    - `rows`: the rows, rendered as text in key order, of `columns` (default:
      every column but `skip`);
    - `count`: the row count alone, for rows that are a function of inputs
      hashed elsewhere;
    - `newest`: the row count and the newest value of `columns[0]`.
    """

    mode: str
    columns: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()


def rows(*, skip: tuple[str, ...] = ()) -> Fingerprint:
    return Fingerprint("rows", skip=skip)


def rows_of(*columns: str) -> Fingerprint:
    return Fingerprint("rows", columns=columns)


COUNT = Fingerprint("count")


def newest(column: str) -> Fingerprint:
    return Fingerprint("newest", columns=(column,))


@dataclass(frozen=True)
class Table:
    schema: str
    name: str
    columns: Mapping[str, pl.DataType]
    key: tuple[str, ...]  # () for an append-only log or a one-row table
    description: str
    dbt_source: str | None = None  # the dbt source that declares it; None: dbt does not read it
    fingerprint: Fingerprint | None = None  # None: nothing dbt build reads depends on it

    def __post_init__(self) -> None:
        named = [*self.key, *(self.fingerprint.columns + self.fingerprint.skip if self.fingerprint else ())]
        unknown = [c for c in named if c not in self.columns]
        if unknown:
            raise ValueError(f"{self.qualified}: no columns {unknown}")
        if self.dbt_source is not None and self.fingerprint is None:
            raise ValueError(f"{self.qualified}: dbt reads it, so it must feed the fingerprint")

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def path(self) -> list[str]:
        """[schema, name]: the table's Dagster asset key path."""
        return [self.schema, self.name]

    # Typed access through Arrow (fazhi_pipeline.duck), always with the registry's columns.

    def ensure(self, con: duckdb.DuckDBPyConnection) -> bool:
        """Create the table, or recreate it when its columns differ; True when (re)created."""
        return duck.ensure_table(con, self.schema, self.name, self.columns)

    def insert(self, con: duckdb.DuckDBPyConnection, frame: pl.DataFrame) -> int:
        return duck.insert_frame(con, self.schema, self.name, frame, self.columns)

    def replace(self, con: duckdb.DuckDBPyConnection, frame: pl.DataFrame) -> int:
        """Make the table hold exactly the frame's rows, in one transaction."""
        return duck.replace_rows(con, self.schema, self.name, frame, self.columns)

    def delete(self, con: duckdb.DuckDBPyConnection, column: str, keys: list[str]) -> None:
        """Delete the rows whose `column` is one of `keys`."""
        duck.delete_keys(con, self.schema, self.name, column, keys)

    def count(self, con: duckdb.DuckDBPyConnection) -> int:
        return con.execute(f"SELECT count(*) FROM {self.qualified}").fetchone()[0]

    def hashed_columns(self) -> tuple[str, ...]:
        """The columns whose values feed the fingerprint, in table order."""
        fp = self.fingerprint
        if fp is None or fp.mode != "rows":
            return ()
        return fp.columns or tuple(c for c in self.columns if c not in fp.skip)

    def fingerprint_sql(self) -> str:
        """SQL giving (row count, digest) of what this table feeds the fingerprint."""
        fp = self.fingerprint
        if fp is None:
            raise ValueError(f"{self.qualified} does not feed the fingerprint")
        if fp.mode == "count":
            return f"SELECT count(*), '' FROM {self.qualified}"
        if fp.mode == "newest":
            return f"SELECT count(*), coalesce(cast(max(\"{fp.columns[0]}\") AS VARCHAR), '') FROM {self.qualified}"
        row = ", ".join(f'"{c}"' for c in self.hashed_columns())
        order = ", ".join(f'"{c}"' for c in self.key)
        # NULLs render as NULL inside row(...); coalesce covers the empty table.
        return (f"SELECT count(*), md5(coalesce(string_agg(CAST(row({row}) AS VARCHAR), chr(10) ORDER BY {order}), "
                f"'')) FROM {self.qualified}")


# --- raw: what ingest read ---------------------------------------------------

REPORT_FILES = Table(
    "raw", "report_files", reader.REPORT_FILES, key=("source_file",),
    description="One row per file in the reports folder: accepted, duplicate or rejected with a reason.",
    dbt_source="raw",
    fingerprint=rows(skip=("text", "raw_html")),  # not the texts: the sha256 stands for them
)

FILE_EVENTS = Table(
    "raw", "file_events",
    {
        "source_file": pl.Utf8,
        "event": pl.Utf8,  # new | changed | removed
        "sha256": pl.Utf8,  # after the event (null when removed)
        "previous_sha256": pl.Utf8,
        "status": pl.Utf8,  # status after the event (null when removed)
        "event_at": pl.Datetime("us", "UTC"),
        "run_id": pl.Utf8,
    },
    key=(),
    description="Every new, changed or removed file, per run: the history of the reports folder (appended).",
)

# The quick check's memory (fazhi_read.folder.stat_key): rewritten whole every ingest.
FILE_CHECKS = Table(
    "raw", "file_checks",
    {
        "source_file": pl.Utf8,
        "stat_key": pl.Utf8,  # size, mtime, ctime, inode, device when the file was last read
    },
    key=("source_file",),
    description="Each file's stat key when it was last read; a file whose key is unchanged is not read again.",
)

DIVISIONS = Table(
    "raw", "divisions", parser.DIVISIONS, key=("region_code",),
    description="China's administrative divisions (GB/T 2260 codes) with parents and coordinates.",
    dbt_source="raw",
    fingerprint=rows(),
)

CORRECTIONS = Table(
    "raw", "corrections", site_corrections.TABLE_SCHEMA, key=("line_no",),
    description="The reviewers' corrections file (FAZHI_CORRECTIONS), one row per line, as text.",
    dbt_source="review",
    # Not where it was read from nor when: the same file loaded again is the same input.
    fingerprint=rows(skip=("corrections_file", "loaded_at")),
)

SOURCES = Table(
    "raw", "sources", site_sources.TABLE_SCHEMA, key=("line_no",),
    description="The source manifest (FAZHI_SOURCES): each file's URL, title and dates, one row per line, as text.",
    dbt_source="raw",
    fingerprint=rows(skip=("sources_file", "loaded_at")),
)

# --- staging: what the parser made of the accepted reports ---------------------
# Their rows are a function of (report text, parser version): documents' ids and
# versions, parse_log's newest parsed_at and the counts catch every other write.

DOCUMENTS = Table(
    "staging", "documents", parser.DOCUMENTS, key=("report_id",),
    description="One row per parsed accepted report.",
    dbt_source="parser",
    fingerprint=rows_of("report_id", "parser_version"),
)

SENTENCES = Table(
    "staging", "sentences", parser.SENTENCES, key=("report_id", "sentence_no"),
    description="One row per sentence of a parsed report.",
    dbt_source="parser",
    fingerprint=COUNT,
)

MENTIONS = Table(
    "staging", "mentions", parser.MENTIONS, key=("report_id", "mention_no"),
    description="Every figure found in a parsed sentence.",
    dbt_source="parser",
    fingerprint=COUNT,
)

FACTS = Table(
    "staging", "facts", parser.FACTS, key=("fact_id",),
    description="Mentions classified into catalog metrics.",
    dbt_source="parser",
    fingerprint=COUNT,
)

# Appended in the transaction that loads the report's rows; the offset checks
# (checks.py) read it to verify only what was loaded since they last passed.
PARSE_LOG = Table(
    "staging", "parse_log",
    {
        "report_id": pl.Utf8,
        "parser_version": pl.Utf8,
        "run_id": pl.Utf8,
        "parsed_at": pl.Datetime("us", "UTC"),
    },
    key=(),
    description="When each report was parsed, by which run and parser version (appended).",
    # Read by no model, but its newest parsed_at moves whenever anything is re-parsed.
    fingerprint=newest("parsed_at"),
)

# Written just before publish; travels inside the published copy (build_state).
WAREHOUSE_BUILD = Table(
    "staging", "warehouse_build",
    {
        "fingerprint": pl.Utf8,  # build_state.inputs_fingerprint of what dbt built from; null when unknown
        "exports_version": pl.Utf8,  # the Parquet export set published with it (<exports>/../.exports/<version>)
        "run_id": pl.Utf8,
        "built_at": pl.Datetime("us", "UTC"),
    },
    key=(),
    description="What the published warehouse was built from, so a run with nothing new can skip dbt.",
)

# The parser's frames, in the order fazhi_parse builds them.
PARSED = (DOCUMENTS, SENTENCES, MENTIONS, FACTS)

TABLES = (REPORT_FILES, FILE_EVENTS, FILE_CHECKS, DIVISIONS, CORRECTIONS, SOURCES, *PARSED, PARSE_LOG,
          WAREHOUSE_BUILD)


def fingerprinted() -> tuple[Table, ...]:
    """Tables that feed the build fingerprint, in registry order."""
    return tuple(t for t in TABLES if t.fingerprint is not None)


def dbt_sources() -> tuple[Table, ...]:
    """Tables a dbt source declares."""
    return tuple(t for t in TABLES if t.dbt_source is not None)
