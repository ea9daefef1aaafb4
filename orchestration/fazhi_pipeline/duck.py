"""Typed DuckDB tables from the parser's schema dicts, loaded through Arrow."""
from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import duckdb
import polars as pl

from fazhi_pipeline import settings

logger = logging.getLogger("fazhi_pipeline")

_SIMPLE = {
    pl.Utf8: "VARCHAR",
    pl.Int8: "TINYINT",
    pl.Int16: "SMALLINT",
    pl.Int32: "INTEGER",
    pl.Int64: "BIGINT",
    pl.Float32: "FLOAT",
    pl.Float64: "DOUBLE",
    pl.Boolean: "BOOLEAN",
    pl.Date: "DATE",
}


# DuckDB 1.3+'s DICT_FSST string compression spent ~22 s of 30 s checkpointing
# 10,000 new report texts (~108 MB) into the work DB; without it DuckDB picks
# ZSTD or plain dictionary for those columns: loading 3,000 reports went from
# 3.8 s to 0.3 s and the file from 22 MB to 2.4 MB on the generated corpus
# (real, less repetitive texts compress less: at worst the file is as big as
# uncompressed, ~1.5x, which force_compression='uncompressed' would always be).
# The published v1.0.0 file cannot use DICT_FSST anyway, so publish is unchanged.
WORK_DB_SETTINGS = ("SET disabled_compression_methods = 'dict_fsst'",)


# Storage format of the work DB and so of the published warehouse (a byte copy
# of it): readable by every DuckDB 1.x client and BI driver, whatever DuckDB
# version builds it. A DuckDB file keeps the format it was created with.
STORAGE_VERSION = "v1.0.0"


def connect_work(path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A tuned connection to the work DB, which is created in STORAGE_VERSION format."""
    con = duckdb.connect(str(path), read_only=read_only, config={"storage_compatibility_version": STORAGE_VERSION})
    tune_work_connection(con)
    return con


# How DuckDB says a database file is damaged (truncated, overwritten, a bad
# block), as opposed to busy (another process holds its lock) or missing.
_DAMAGE = (
    "not a valid DuckDB database",
    "Could not read enough bytes",
    "Corrupt database file",
    "does not match stored checksum",
    "Serialization Error",
)
_BUSY = ("Could not set lock", "Conflicting lock", "database is locked")


def is_damage(exc: BaseException) -> bool:
    """True when a DuckDB error says the file itself is damaged (never for a lock conflict)."""
    message = str(exc)
    return (isinstance(exc, duckdb.Error) and any(m in message for m in _DAMAGE)
            and not any(m in message for m in _BUSY))


def move_aside(path: Path) -> Path:
    """Rename a damaged database (and its WAL) to <name>.damaged-<time>-<pid>; returns the new path."""
    path = Path(path)
    aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}")
    os.replace(path, aside)
    wal = Path(f"{path}.wal")
    if wal.exists():
        os.replace(wal, Path(f"{aside}.wal"))
    return aside


def damaged_copies(path: Path) -> list[Path]:
    """Damaged work databases moved aside beside `path`, oldest first."""
    path = Path(path)
    return sorted(p for p in path.parent.glob(f"{path.name}.damaged-*") if not p.name.endswith(".wal"))


def open_work_db(path: Path, read_only: bool = False, history_from: Path | None = None) -> duckdb.DuckDBPyConnection:
    """connect_work, except that a damaged work DB is moved aside and a new one created.

    The work DB holds nothing that cannot be rebuilt from the reports folder
    but raw.file_events, the history of files seen; that is copied back from
    the published warehouse `history_from` (a copy of the work DB as of the
    last publish) when it can be read.
    """
    path = Path(path)
    try:
        con = connect_work(path, read_only=read_only)
        con.execute("SELECT count(*) FROM duckdb_tables()").fetchone()  # reads the catalog
        return con
    except duckdb.Error as exc:
        if not is_damage(exc) or not path.exists():
            raise
        damage = str(exc)
    aside = move_aside(path)
    logger.error("work database %s is damaged (%s): moved aside to %s; rebuilding from the reports folder",
                 path, damage.splitlines()[0], aside.name)
    con = connect_work(path)
    try:
        _restore_history(con, history_from)
    finally:
        if read_only:
            con.close()
    return connect_work(path, read_only=True) if read_only else con


def _restore_history(con: duckdb.DuckDBPyConnection, published: Path | None) -> None:
    if published is None or not Path(published).is_file():
        return
    try:
        con.execute("ATTACH ? AS fazhi_history (READ_ONLY)", [str(published)])
    except duckdb.Error as exc:
        logger.error("raw.file_events not restored: the published warehouse cannot be opened (%s)", exc)
        return
    try:
        if con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = 'fazhi_history' "
                       "AND schema_name = 'raw' AND table_name = 'file_events'").fetchone()[0]:
            con.execute("CREATE SCHEMA IF NOT EXISTS raw")
            con.execute("CREATE TABLE raw.file_events AS SELECT * FROM fazhi_history.raw.file_events")
    except duckdb.Error as exc:
        logger.error("raw.file_events not restored from the published warehouse (%s)", exc)
    finally:
        con.execute("DETACH fazhi_history")


def storage_version(con: duckdb.DuckDBPyConnection, catalog: str) -> str:
    """The format a database file was created with, e.g. 'v1.0.0+' ('' when unknown)."""
    row = con.execute("SELECT tags FROM duckdb_databases() WHERE database_name = ?", [catalog]).fetchone()
    return (row[0] or {}).get("storage_version", "") if row else ""


def tune_work_connection(con: duckdb.DuckDBPyConnection) -> None:
    """Apply WORK_DB_SETTINGS and the memory limit to a connection to the work DB."""
    for statement in WORK_DB_SETTINGS:
        con.execute(statement)
    con.execute(f"SET memory_limit = '{settings.duckdb_memory_limit()}'")  # validated: digits and a unit


def sql_type(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.Datetime):
        return "TIMESTAMPTZ" if dtype.time_zone else "TIMESTAMP"
    for pl_type, name in _SIMPLE.items():
        if dtype == pl_type:
            return name
    raise TypeError(f"no DuckDB type for polars {dtype}")


def ensure_table(con: duckdb.DuckDBPyConnection, schema: str, table: str, columns: dict) -> bool:
    """Create `schema.table` with exactly these typed columns.

    An existing table whose columns differ (the parser's schema changed) is
    dropped and recreated: its rows were produced by other code and are rebuilt
    on this run. Returns True when the table was (re)created.
    """
    wanted = [(name, sql_type(dtype)) for name, dtype in columns.items()]
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    have = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [schema, table],
    ).fetchall()
    if [(n, t.replace("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ")) for n, t in have] == wanted:
        return False
    cols = ", ".join(f'"{name}" {typ}' for name, typ in wanted)
    con.execute(f"DROP TABLE IF EXISTS {schema}.{table}")
    con.execute(f"CREATE TABLE {schema}.{table} ({cols})")
    return True


def replace_rows(con: duckdb.DuckDBPyConnection, schema: str, table: str, frame: pl.DataFrame, columns: dict) -> int:
    """Make `schema.table` (created with `columns` when needed) hold exactly the frame's rows, in one transaction."""
    con.execute("BEGIN")
    ensure_table(con, schema, table, columns)
    con.execute(f"DELETE FROM {schema}.{table}")
    n = insert_frame(con, schema, table, frame, columns)
    con.execute("COMMIT")
    return n


def insert_frame(con: duckdb.DuckDBPyConnection, schema: str, table: str, frame: pl.DataFrame, columns: dict) -> int:
    """Append a polars frame by column name through Arrow (never row by row)."""
    if frame.height == 0:
        return 0
    arrow = frame.select([pl.col(c).cast(t) for c, t in columns.items()]).to_arrow()
    con.register("_fazhi_frame", arrow)
    try:
        con.execute(f"INSERT INTO {schema}.{table} BY NAME SELECT * FROM _fazhi_frame")
    finally:
        con.unregister("_fazhi_frame")
    return frame.height


def delete_keys(con: duckdb.DuckDBPyConnection, schema: str, table: str, column: str, keys: list[str]) -> None:
    """DELETE rows whose `column` is in `keys`; keys travel as Arrow, not SQL text."""
    if not keys:
        return
    con.register("_fazhi_keys", keys_arrow(keys))
    try:
        con.execute(f'DELETE FROM {schema}.{table} WHERE "{column}" IN (SELECT k FROM _fazhi_keys)')
    finally:
        con.unregister("_fazhi_keys")


def keys_arrow(keys: list[str]):
    """A one-column (k) Arrow table, to join against instead of formatting SQL."""
    return pl.DataFrame({"k": keys}, schema={"k": pl.Utf8}).to_arrow()


def query_published(path, sql: str) -> list[tuple] | None:
    """Rows of `sql` on a published warehouse opened read-only, as any reader opens it.

    None when the file is absent or the query fails (not built yet, an older
    layout, held read-write by someone): callers then know nothing published.
    """
    if not path.is_file():
        return None
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None
    try:
        return con.execute(sql).fetchall()
    except duckdb.Error:
        return None
    finally:
        con.close()
