"""Publishing the work DB as the warehouse readers open, atomically.

Readers never see a half-built file: the copy is written next to the target,
verified, then `os.replace`d onto it. A reader that has the old file open keeps
reading the old inode (consistent old data); new connections get the new file.
The copy uses DuckDB's v1.0.0 storage format so any DuckDB 1.x client and BI
driver can open it, whatever DuckDB version built it.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from fazhi_pipeline import duck

STORAGE_VERSION = "v1.0.0"


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


def publish_database(work_db: Path, target: Path, exports: Path, export_schema: str = "marts") -> dict[str, int]:
    """Copy work_db to target and its `export_schema` tables to Parquet, each swapped in atomically.

    Returns row counts per schema.table. The Parquet files are written from the
    work DB in the same session as the copy, so both hold the same data and no
    connection to the (possibly open elsewhere) target path is needed.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(target, exports)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # DuckDB must create the file itself
    counts: dict[str, int] = {}
    try:
        con = duckdb.connect(str(work_db))
        try:
            duck.tune_work_connection(con)
            con.execute("CHECKPOINT")
            work = con.execute("SELECT current_database()").fetchone()[0]
            con.execute(f"ATTACH ? AS fazhi_pub (STORAGE_VERSION '{STORAGE_VERSION}')", [str(tmp)])
            con.execute(f'COPY FROM DATABASE "{work}" TO fazhi_pub')
            for schema, table in _tables(con, work):
                n_work = _count(con, work, schema, table)
                n_pub = _count(con, "fazhi_pub", schema, table)
                if n_work != n_pub:
                    raise RuntimeError(f"publish copy of {schema}.{table} has {n_pub} rows, work DB {n_work}")
                counts[f"{schema}.{table}"] = n_pub
            con.execute("DETACH fazhi_pub")
            version = _write_exports(con, work, export_schema, exports)
        finally:
            con.close()
        # A WAL beside the target belongs to the old file (someone opened it
        # read-write); replayed onto the new file it would corrupt it.
        Path(f"{target}.wal").unlink(missing_ok=True)
        os.replace(tmp, target)
        _swap_exports(exports, version)
    finally:
        for leftover in (tmp, Path(f"{tmp}.wal")):
            leftover.unlink(missing_ok=True)
    return counts


def _remove_stale_temporaries(target: Path, exports: Path) -> None:
    """Copies and links left beside the target by a publish that was killed.

    A killed process never reaches the `finally` that removes them, and each
    copy is as large as the warehouse. One publish runs at a time (the duckdb
    pool), so any that exist now are stale. (Unfinished export versions are
    removed by `_swap_exports`.)
    """
    stale = [*target.parent.glob(f".{target.name}.*.tmp"), *target.parent.glob(f".{target.name}.*.tmp.wal"),
             *exports.parent.glob(".exports-link-*")]
    for path in stale:
        path.unlink(missing_ok=True)


def _write_exports(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, exports: Path) -> Path:
    """<store>/<version>/<table>.parquet for every table of `schema`."""
    store = exports.parent / ".exports"
    store.mkdir(parents=True, exist_ok=True)
    version = store / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns()}"
    version.mkdir()
    for sch, table in _tables(con, catalog):
        if sch == schema:
            out = version / f"{table}.parquet"
            con.execute(f'COPY "{catalog}"."{sch}"."{table}" TO ? (FORMAT parquet, COMPRESSION zstd)', [str(out)])
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
