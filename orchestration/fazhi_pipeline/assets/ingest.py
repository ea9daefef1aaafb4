"""raw/report_files and raw/divisions: the reports folder and the division list in DuckDB.

Incremental: a file whose stat key (size, mtime, ctime, inode, device:
raw.file_checks) is what it was when it was last read keeps its stored row
unread; every other file is read and hashed, and its sha256 is compared with
what raw.report_files holds. A forced build (FAZHI_FORCE_BUILD=1) and a run
started by a schedule trust no stat key: they hash every file. Only rows that
changed are rewritten, removed files are deleted (so they drop out of every
mart), and every new/changed/removed file is logged in raw.file_events.
"""

from datetime import datetime, timezone

import dagster as dg
import polars as pl
from fazhi_parse import ingest as fz_ingest
from fazhi_parse import regions
from fazhi_parse import schema as fz_schema
from fazhi_parse.schema import REPORT_FILES

from fazhi_pipeline import duck, settings, termination
from fazhi_pipeline.assets.policies import DUCKDB_POOL, RETRY
from fazhi_pipeline.resources import WorkDuckDB

REPORT_FILES_KEY = dg.AssetKey(["raw", "report_files"])
DIVISIONS_KEY = dg.AssetKey(["raw", "divisions"])

FILE_EVENTS = {
    "source_file": pl.Utf8,
    "event": pl.Utf8,  # new | changed | removed
    "sha256": pl.Utf8,  # after the event (null when removed)
    "previous_sha256": pl.Utf8,
    "status": pl.Utf8,  # status after the event (null when removed)
    "event_at": pl.Datetime("us", "UTC"),
    "run_id": pl.Utf8,
}
# The quick check's memory: each file's stat key when it was last read
# (fazhi_parse.ingest.stat_key); null when it was not to be trusted.
FILE_CHECKS = {"source_file": pl.Utf8, "stat_key": pl.Utf8}
# A row is rewritten only when one of these differs from what is stored.
_COMPARED = ("sha256", "status", "reason", "duplicate_of", "encoding", "report_id", "size_bytes")
# What a run reads back of the stored rows (never the texts).
_STORED = ("source_file", *_COMPARED, "modified_at", "media_type", "text_key", "ingested_at")


def _update_status(con, rows: pl.DataFrame) -> None:
    """Write the duplicate decision of rows whose file was not read again."""
    if rows.height:
        con.register("_restated", rows.select("source_file", "status", "reason", "duplicate_of").to_arrow())
        try:
            con.execute(
                """
                UPDATE raw.report_files AS f
                SET status = r.status, reason = r.reason, duplicate_of = r.duplicate_of
                FROM _restated AS r WHERE f.source_file = r.source_file
                """
            )
        finally:
            con.unregister("_restated")


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


@dg.asset(
    key=REPORT_FILES_KEY,
    group_name="raw",
    pool=DUCKDB_POOL,
    retry_policy=RETRY,
    kinds={"python", "duckdb"},
    description="One row per file in the reports folder (FAZHI_REPORTS_DIR): accepted, duplicate or rejected with a reason.",
)
def report_files(context: dg.AssetExecutionContext, duckdb: WorkDuckDB) -> dg.MaterializeResult:
    termination.check("before ingest")
    root = settings.reports_dir()
    if not root.is_dir():  # a configuration error: retrying cannot help
        raise dg.Failure(f"reports folder {root} does not exist (FAZHI_REPORTS_DIR)", allow_retries=False)
    now = datetime.now(timezone.utc)
    with duckdb.connect() as con:
        con.execute("BEGIN")
        duck.ensure_table(con, "raw", "report_files", REPORT_FILES)
        duck.ensure_table(con, "raw", "file_events", FILE_EVENTS)
        duck.ensure_table(con, "raw", "file_checks", FILE_CHECKS)
        old = pl.from_arrow(con.sql(f"SELECT {', '.join(_STORED)} FROM raw.report_files").to_arrow_table())
        checks = dict(con.execute("SELECT source_file, stat_key FROM raw.file_checks").fetchall())
        known = {row["source_file"]: {**row, "stat_key": checks.get(row["source_file"])}
                 for row in old.iter_rows(named=True)}
        verify = verify_every_file(context)
        scanned, reused = fz_ingest.scan_incremental(
            root, known, max_bytes=settings.max_file_bytes(), workers=settings.workers(), verify=verify
        )
        # Reused by the quick check alone: never opened this run.
        keys = dict(zip(scanned["source_file"], scanned["stat_key"]))
        unread = [n for n in reused if not verify and checks.get(n) is not None and keys[n] == checks[n]]
        d = diff_files(old, scanned)
        # Reused rows have no text in memory: a new status is written in place.
        restated_in_place = [n for n in d["restated"] if n in reused]
        rewrite = d["new"] + d["changed"] + [n for n in d["restated"] if n not in reused]
        duck.delete_keys(con, "raw", "report_files", "source_file", d["removed"] + rewrite)
        duck.insert_frame(
            con, "raw", "report_files", scanned.filter(pl.col("source_file").is_in(rewrite)), REPORT_FILES
        )
        _update_status(con, scanned.filter(pl.col("source_file").is_in(restated_in_place)))
        events = _events(old, scanned, d, now, context.run.run_id)
        duck.insert_frame(con, "raw", "file_events", events, FILE_EVENTS)
        con.execute("DELETE FROM raw.file_checks")
        duck.insert_frame(
            con, "raw", "file_checks", scanned.filter(pl.col("stat_key").is_not_null()), FILE_CHECKS
        )
        con.execute("COMMIT")
    counts = scanned.group_by("status").len().rows()
    by_status = {status: n for status, n in counts}
    meta = {
        "reports_dir": str(root),
        "files": scanned.height,
        "read": scanned.height - len(unread),
        "hashed_every_file": verify,
        **{k: len(v) for k, v in d.items()},
        "accepted": by_status.get("accepted", 0),
        "duplicate": by_status.get("duplicate", 0),
        "rejected": by_status.get("rejected", 0),
        "dagster/row_count": scanned.height,
    }
    context.log.info("report files: %s", {k: v for k, v in meta.items() if k != "reports_dir"})
    return dg.MaterializeResult(metadata=meta)


def verify_every_file(context: dg.AssetExecutionContext) -> bool:
    """Hash every file instead of trusting stat keys: on a forced build and on scheduled runs."""
    return settings.force_build() or "dagster/schedule_name" in (context.run.tags or {})


def _events(old: pl.DataFrame, new: pl.DataFrame, d: dict, now: datetime, run_id: str) -> pl.DataFrame:
    prev = dict(zip(old["source_file"], old["sha256"])) if old.height else {}
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
    return pl.DataFrame(rows, schema=FILE_EVENTS, orient="row") if rows else pl.DataFrame(schema=FILE_EVENTS)


@dg.asset(
    key=DIVISIONS_KEY,
    group_name="raw",
    pool=DUCKDB_POOL,
    retry_policy=RETRY,
    kinds={"python", "duckdb"},
    description="China's administrative divisions (GB/T 2260 codes) with parents and coordinates.",
)
def divisions(context: dg.AssetExecutionContext, duckdb: WorkDuckDB) -> dg.MaterializeResult:
    frame = regions.division_table()
    # Typed from the shared schema when it declares the table, else from the frame.
    columns = getattr(fz_schema, "DIVISIONS", None) or dict(frame.schema)
    with duckdb.connect() as con:
        con.execute("BEGIN")
        duck.ensure_table(con, "raw", "divisions", columns)
        con.execute("DELETE FROM raw.divisions")
        duck.insert_frame(con, "raw", "divisions", frame, columns)
        con.execute("COMMIT")
    levels = dict(frame.group_by("level").len().rows())
    return dg.MaterializeResult(metadata={"dagster/row_count": frame.height, **{f"level_{k}": v for k, v in levels.items()}})
