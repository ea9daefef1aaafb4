"""Publishing the work DB as the warehouse readers open, atomically.

Readers never see a half-built file: the copy is written next to the target,
verified, then `os.replace`d onto it. A reader that has the old file open keeps
reading the old inode (consistent old data); new connections get the new file.

The work DB is kept in DuckDB's v1.0.0 storage format (duck.STORAGE_VERSION),
which any DuckDB 1.x client and BI driver can open, so after a checkpoint the
published file is a byte copy of it: a sequential file copy, not a re-encoding
of every table (7 s at 10,000 reports). A work DB in another format (made by an
older fazhi, or first created by dbt) or mostly free blocks is rewritten table
by table instead, and that compact copy also replaces the work DB, so the next
publish is a file copy again.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from fazhi_pipeline import duck

STORAGE_VERSION = duck.STORAGE_VERSION
# Above this share of free blocks the work DB is compacted rather than copied.
MAX_FREE_SHARE = 0.5


@dataclass(frozen=True)
class Published:
    counts: dict[str, int]  # rows per schema.table in the published file
    method: str  # "file_copy" or "rewrite"
    why: str  # why this method


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple[str, str]]:
    return con.execute(
        """
        SELECT schema_name, table_name FROM duckdb_tables()
        WHERE database_name = ? AND NOT temporary ORDER BY ALL
        """,
        [catalog],
    ).fetchall()


def _count(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> int:
    return con.execute(f'SELECT count(*) FROM "{catalog}"."{schema}"."{table}"').fetchone()[0]


def choose_method(con: duckdb.DuckDBPyConnection, catalog: str, work_db: Path) -> tuple[str, str]:
    """("file_copy" | "rewrite", reason) for a checkpointed work DB."""
    version = duck.storage_version(con, catalog)
    if not version.startswith(STORAGE_VERSION):
        return "rewrite", f"work DB storage {version or 'unknown'}, published files are {STORAGE_VERSION}"
    total, free = con.execute(
        "SELECT total_blocks, free_blocks FROM pragma_database_size() WHERE database_name = ?", [catalog]
    ).fetchone()
    if total and free / total > MAX_FREE_SHARE:
        return "rewrite", f"{free} of {total} blocks free: compacting"
    wal = Path(f"{work_db}.wal")
    if wal.exists() and wal.stat().st_size > 0:  # the checkpoint did not take everything in
        return "rewrite", "work DB has a write-ahead log after checkpoint"
    return "file_copy", f"work DB is {version}"


def new_exports_version() -> str:
    """A fresh name for an export set (<store>/<name>/<table>.parquet)."""
    return f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns()}"


def publish_database(
    work_db: Path,
    target: Path,
    exports: Path,
    export_schema: str = "marts",
    exports_version: str | None = None,
    before_swap: Callable[[], None] | None = None,
) -> Published:
    """Copy work_db to target and its `export_schema` tables to Parquet, each swapped in atomically.

    The copy's row counts are checked against the work DB's before the swap.
    The Parquet files are written from the work DB in the same session as the
    copy, so both hold the same data and no connection to the (possibly open
    elsewhere) target path is needed. `exports_version` names the new export
    set (a caller can record it in the work DB first, see build_state).
    `before_swap` runs just before the rename; raising there publishes nothing.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(target, exports, work_db)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # DuckDB (or the file copy) must create the file itself
    try:
        # The open connection holds the work DB's lock: no other process can
        # write it while its bytes are copied.
        con = duck.connect_work(work_db)
        try:
            con.execute("CHECKPOINT")
            work = con.execute("SELECT current_database()").fetchone()[0]
            method, why, counts = _copy_verified(con, work, work_db, tmp)
            version = _write_exports(con, work, export_schema, exports, exports_version or new_exports_version())
        finally:
            con.close()
        if before_swap is not None:
            before_swap()
        if method == "rewrite":
            _replace_work_db(tmp, work_db)
        # A WAL beside the target belongs to the old file (someone opened it
        # read-write); replayed onto the new file it would corrupt it.
        Path(f"{target}.wal").unlink(missing_ok=True)
        os.replace(tmp, target)
        _swap_exports(exports, version)
    finally:
        for leftover in (tmp, Path(f"{tmp}.wal")):
            leftover.unlink(missing_ok=True)
    return Published(counts=counts, method=method, why=why)


def _copy_verified(con: duckdb.DuckDBPyConnection, work: str, work_db: Path, tmp: Path) -> tuple[str, str, dict]:
    """Copy the checkpointed work DB (catalog `work`) to `tmp` the way choose_method says;
    (method, why, rows per schema.table), each count checked against the work DB's."""
    method, why = choose_method(con, work, work_db)
    if method == "file_copy":
        shutil.copyfile(work_db, tmp)
        con.execute("ATTACH ? AS fazhi_pub (READ_ONLY)", [str(tmp)])
    else:
        con.execute(f"ATTACH ? AS fazhi_pub (STORAGE_VERSION '{STORAGE_VERSION}')", [str(tmp)])
        con.execute(f'COPY FROM DATABASE "{work}" TO fazhi_pub')
    counts: dict[str, int] = {}
    for schema, table in _tables(con, work):
        n_work = _count(con, work, schema, table)
        n_pub = _count(con, "fazhi_pub", schema, table)
        if n_work != n_pub:
            raise RuntimeError(f"publish copy of {schema}.{table} has {n_pub} rows, work DB {n_work}")
        counts[f"{schema}.{table}"] = n_pub
    con.execute("DETACH fazhi_pub")
    return method, why, counts


def _staged_work_db(work_db: Path) -> Path:
    return work_db.with_name(f".{work_db.name}.compact")


def _replace_work_db(compact: Path, work_db: Path) -> None:
    """Make the verified compact copy the work DB (same data; killed midway, the old one stays)."""
    staged = _staged_work_db(work_db)
    shutil.copyfile(compact, staged)
    Path(f"{work_db}.wal").unlink(missing_ok=True)  # checkpointed into the copy
    os.replace(staged, work_db)


def _remove_stale_temporaries(target: Path, exports: Path, work_db: Path) -> None:
    """Copies and links left beside the target by a publish that was killed.

    A killed process never reaches the `finally` that removes them, and each
    copy is as large as the warehouse. One publish runs at a time (the duckdb
    pool), so any that exist now are stale. (Unfinished export versions are
    removed by `_swap_exports`.)
    """
    stale = [*target.parent.glob(f".{target.name}.*.tmp"), *target.parent.glob(f".{target.name}.*.tmp.wal"),
             *exports.parent.glob(".exports-link-*"), _staged_work_db(work_db)]
    for path in stale:
        path.unlink(missing_ok=True)


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _parquet_metadata(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> dict[str, str]:
    """The table's and its columns' descriptions (dbt's docs, persisted as DuckDB comments).

    Written as Parquet key/value metadata: `description` (the table's),
    `column_descriptions` (JSON: column -> description, in column order) and
    `description:<column>` for each column, so any Parquet reader can show them.
    """
    row = con.execute(
        "SELECT comment FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? AND table_name = ?",
        [catalog, schema, table]).fetchone()
    columns = con.execute(
        "SELECT column_name, coalesce(comment, '') FROM duckdb_columns() "
        "WHERE database_name = ? AND schema_name = ? AND table_name = ? ORDER BY column_index",
        [catalog, schema, table]).fetchall()
    meta = {"description": (row[0] if row and row[0] else ""), "table": f"{schema}.{table}",
            "column_descriptions": json.dumps(dict(columns), ensure_ascii=False)}
    meta.update({f"description:{name}": comment for name, comment in columns})
    return meta


def _write_exports(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, exports: Path, name: str) -> Path:
    """<store>/<name>/<table>.parquet for every table of `schema`, with its descriptions in the file's metadata."""
    store = exports.parent / ".exports"
    store.mkdir(parents=True, exist_ok=True)
    version = store / name
    version.mkdir()
    for sch, table in _tables(con, catalog):
        if sch == schema:
            out = version / f"{table}.parquet"
            kv = ", ".join(f"{_sql_string(k)}: {_sql_string(v)}"
                           for k, v in _parquet_metadata(con, catalog, sch, table).items())
            con.execute(
                f'COPY "{catalog}"."{sch}"."{table}" TO ? (FORMAT parquet, COMPRESSION zstd, KV_METADATA {{{kv}}})',
                [str(out)])
    return version


def _swap_exports(exports: Path, version: Path) -> None:
    """Point the `exports` symlink at `version` in one rename, then drop older versions.

    A reader sees the old set or the new set, never a mix; one with a file open
    keeps reading it after the unlink (Unix semantics).
    """
    link_tmp = exports.parent / f".exports-link-{os.getpid()}"
    link_tmp.unlink(missing_ok=True)
    link_tmp.symlink_to(version.relative_to(exports.parent))
    if exports.exists() and not exports.is_symlink():
        shutil.rmtree(exports)  # a plain directory from an older layout
    os.replace(link_tmp, exports)
    for old in version.parent.iterdir():
        if old != version:
            shutil.rmtree(old, ignore_errors=True)
