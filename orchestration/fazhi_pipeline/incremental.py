"""The incremental reads and writes of the work DB's Python-written tables (fazhi_pipeline.tables).

- ingest (assets/ingest.py): `stored_files` is what the last scan left,
  `apply_scan` writes what a new scan found: only rows that changed are
  rewritten, removed files are deleted, every new/changed/removed file is
  logged in raw.file_events and the stat keys are replaced.
- parse (assets/parse.py): `prepare_parse` drops the rows of reports that are
  stale (no longer accepted, or parsed by another parser version) and lists
  the accepted reports still to parse; `text_batches` streams their texts;
  `load_parsed` loads one parsed batch with its parse_log rows.
- publish (assets/publish.py): `record_build` stores the build fingerprint.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import polars as pl

from fazhi_pipeline import duck
from fazhi_pipeline.tables import (
    DOCUMENTS,
    FILE_CHECKS,
    FILE_EVENTS,
    PARSE_LOG,
    PARSED,
    REPORT_FILES,
    WAREHOUSE_BUILD,
)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """BEGIN ... COMMIT; rolled back when the block raises."""
    con.execute("BEGIN")
    try:
        yield
    except BaseException:
        # e.g. the connection is already invalidated: closing it drops the transaction
        with suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


# --- ingest ---------------------------------------------------------------

# A row is rewritten only when one of these differs from what is stored.
_COMPARED = ("sha256", "status", "reason", "duplicate_of", "encoding", "report_id", "size_bytes")
# What a run reads back of the stored rows (never the texts).
_STORED = ("source_file", *_COMPARED, "modified_at", "media_type", "text_key", "ingested_at")


@dataclass(frozen=True)
class StoredFiles:
    """What the last ingest left: raw.report_files' rows (without texts) and raw.file_checks' stat keys."""

    rows: pl.DataFrame
    stat_keys: dict[str, str | None]

    def known(self) -> dict[str, dict]:
        """Each stored row with its stat key: what fazhi_read.folder.scan_incremental compares files with."""
        return {row["source_file"]: {**row, "stat_key": self.stat_keys.get(row["source_file"])}
                for row in self.rows.iter_rows(named=True)}


@dataclass(frozen=True)
class ScanApplied:
    diff: dict[str, list[str]]  # source_files: new, changed, restated, unchanged, removed (diff_files)
    unread: int  # files reused by the quick check alone: never opened this run


def stored_files(con: duckdb.DuckDBPyConnection) -> StoredFiles:
    """Create ingest's tables when needed, and read back what they hold."""
    for table in (REPORT_FILES, FILE_EVENTS, FILE_CHECKS):
        table.ensure(con)
    rows = pl.from_arrow(con.sql(f"SELECT {', '.join(_STORED)} FROM {REPORT_FILES.qualified}").to_arrow_table())
    stat_keys = dict(con.execute(f"SELECT source_file, stat_key FROM {FILE_CHECKS.qualified}").fetchall())
    return StoredFiles(rows, stat_keys)


def apply_scan(con: duckdb.DuckDBPyConnection, stored: StoredFiles, scanned: pl.DataFrame, reused: set[str],
               *, verified: bool, run_id: str) -> ScanApplied:
    """Write a scan of the reports folder (fazhi_read.folder.scan_incremental) over what was stored."""
    now = datetime.now(UTC)
    keys = dict(zip(scanned["source_file"], scanned["stat_key"], strict=False))
    checks = stored.stat_keys
    unread = [n for n in reused if not verified and checks.get(n) is not None and keys[n] == checks[n]]
    d = diff_files(stored.rows, scanned)
    # Reused rows have no text in memory: a new status is written in place.
    restated_in_place = [n for n in d["restated"] if n in reused]
    rewrite = d["new"] + d["changed"] + [n for n in d["restated"] if n not in reused]
    REPORT_FILES.delete(con, "source_file", d["removed"] + rewrite)
    REPORT_FILES.insert(con, scanned.filter(pl.col("source_file").is_in(rewrite)))
    _update_status(con, scanned.filter(pl.col("source_file").is_in(restated_in_place)))
    FILE_EVENTS.insert(con, file_events(stored.rows, scanned, d, now, run_id))
    con.execute(f"DELETE FROM {FILE_CHECKS.qualified}")
    FILE_CHECKS.insert(con, scanned.filter(pl.col("stat_key").is_not_null()))
    return ScanApplied(d, len(unread))


def diff_files(old: pl.DataFrame, new: pl.DataFrame) -> dict[str, list[str]]:
    """Classify source_files: new, changed (other bytes), restated (same bytes,
    other status/reason), unchanged, removed."""
    before = {r["source_file"]: r for r in old.iter_rows(named=True)}
    out: dict[str, list[str]] = {k: [] for k in ("new", "changed", "restated", "unchanged", "removed")}
    seen = set()
    for row in new.iter_rows(named=True):
        name = row["source_file"]
        seen.add(name)
        prev = before.get(name)
        if prev is None:
            out["new"].append(name)
        elif prev["sha256"] != row["sha256"]:
            out["changed"].append(name)
        elif any(prev[c] != row[c] for c in _COMPARED):
            out["restated"].append(name)
        else:
            out["unchanged"].append(name)
    out["removed"] = sorted(set(before) - seen)
    return out


def _update_status(con: duckdb.DuckDBPyConnection, rows: pl.DataFrame) -> None:
    """Write the duplicate decision of rows whose file was not read again."""
    if rows.height:
        con.register("_restated", rows.select("source_file", "status", "reason", "duplicate_of").to_arrow())
        try:
            con.execute(
                f"""
                UPDATE {REPORT_FILES.qualified} AS f
                SET status = r.status, reason = r.reason, duplicate_of = r.duplicate_of
                FROM _restated AS r WHERE f.source_file = r.source_file
                """
            )
        finally:
            con.unregister("_restated")


def file_events(old: pl.DataFrame, new: pl.DataFrame, d: dict, now: datetime, run_id: str) -> pl.DataFrame:
    """raw.file_events rows for the new, changed and removed files of a diff."""
    prev = dict(zip(old["source_file"], old["sha256"], strict=False)) if old.height else {}
    cur = {r["source_file"]: r for r in new.select("source_file", "sha256", "status").iter_rows(named=True)}
    rows = []
    for event in ("new", "changed", "removed"):
        for name in d[event]:
            row = cur.get(name, {})
            rows.append(
                {
                    "source_file": name,
                    "event": event,
                    "sha256": row.get("sha256"),
                    "previous_sha256": prev.get(name),
                    "status": row.get("status"),
                    "event_at": now,
                    "run_id": run_id,
                }
            )
    schema = FILE_EVENTS.columns
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


# --- parse ----------------------------------------------------------------


def prepare_parse(con: duckdb.DuckDBPyConnection, parser_version: str) -> tuple[list[str], list[str]]:
    """(stale, todo) in one transaction: the reports whose parsed rows were dropped (see
    `_drop_stale`), and the accepted reports with no parsed rows, to parse (report_id order)."""
    with transaction(con):
        recreated = [table for table in PARSED if table.ensure(con)]
        PARSE_LOG.ensure(con)
        if recreated:  # a table changed shape: rebuild all four consistently
            for table in PARSED:
                con.execute(f"DELETE FROM {table.qualified}")
        stale = _drop_stale(con, parser_version)
        todo = _column(con, f"""
            SELECT DISTINCT report_id FROM {REPORT_FILES.qualified}
            WHERE status = 'accepted' AND report_id IS NOT NULL
              AND report_id NOT IN (SELECT report_id FROM {DOCUMENTS.qualified})
            ORDER BY report_id
            """)
    return stale, todo


def _drop_stale(con: duckdb.DuckDBPyConnection, parser_version: str) -> list[str]:
    """Delete the parsed rows of reports no longer accepted or parsed by another parser version,
    and orphans (rows an interrupted load left without a document row); returns the stale ids."""
    stale = _column(con, f"""
        SELECT d.report_id FROM {DOCUMENTS.qualified} d
        WHERE d.parser_version IS DISTINCT FROM ?
           OR d.report_id NOT IN (
                SELECT report_id FROM {REPORT_FILES.qualified}
                WHERE status = 'accepted' AND report_id IS NOT NULL)
        """, [parser_version])
    for table in PARSED:
        table.delete(con, "report_id", stale)
        if table is not DOCUMENTS:
            con.execute(
                f"DELETE FROM {table.qualified} WHERE report_id NOT IN (SELECT report_id FROM {DOCUMENTS.qualified})"
            )
    return stale


def _column(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list:
    return [r[0] for r in con.execute(sql, params or []).fetchall()]


def texts(con: duckdb.DuckDBPyConnection, ids: list[str]) -> list[tuple[str, str]]:
    """(report_id, text) for these accepted reports, in report_id order."""
    con.register("_ids", duck.keys_arrow(ids))
    try:
        return con.execute(
            f"""
            SELECT report_id, any_value(text) FROM {REPORT_FILES.qualified}
            WHERE status = 'accepted' AND report_id IN (SELECT k FROM _ids)
            GROUP BY report_id ORDER BY report_id
            """
        ).fetchall()
    finally:
        con.unregister("_ids")


def text_batches(con: duckdb.DuckDBPyConnection, ids: list[str], size: int) -> Iterator[list[tuple[str, str]]]:
    """`texts` of `size` reports at a time, each batch read only when it is asked for."""
    for start in range(0, len(ids), size):
        yield texts(con, ids[start : start + size])


def load_parsed(con: duckdb.DuckDBPyConnection, frames: dict[str, pl.DataFrame], parser_version: str,
                run_id: str) -> dict[str, int]:
    """Load one parsed batch (fazhi_parse.corpus frames) and its parse_log rows in one transaction;
    returns the rows added per table name."""
    with transaction(con):
        added = {table.name: table.insert(con, frames[table.name]) for table in PARSED}
        log = frames["documents"].select("report_id").with_columns(
            parser_version=pl.lit(parser_version),
            run_id=pl.lit(run_id),
            parsed_at=pl.lit(datetime.now(UTC)),
        )
        PARSE_LOG.insert(con, log)
    return added


# --- publish --------------------------------------------------------------


def record_build(con: duckdb.DuckDBPyConnection, fingerprint: str | None, run_id: str, exports_version: str) -> None:
    """Store the build fingerprint in the work DB, to travel with the copy that is published.

    `exports_version` is the export set this publish writes: the exports link
    is swapped after the warehouse, so a publish killed between the two leaves
    a warehouse whose recorded set is not the one linked.
    """
    row = {"fingerprint": fingerprint, "exports_version": exports_version, "run_id": run_id,
           "built_at": datetime.now(UTC)}
    WAREHOUSE_BUILD.replace(con, pl.DataFrame([row], schema=WAREHOUSE_BUILD.columns, orient="row"))
