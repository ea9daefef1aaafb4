"""raw/report_files and raw/divisions: the reports folder and the division list in DuckDB.

Incremental: a file whose stat key (size, mtime, ctime, inode, device:
raw.file_checks) is what it was when it was last read keeps its stored row
unread; every other file is read and hashed, and its sha256 is compared with
what raw.report_files holds. A forced build (FAZHI_FORCE_BUILD=1) and a run
started by a schedule trust no stat key: they hash every file. Only rows that
changed are rewritten, removed files are deleted (so they drop out of every
mart), and every new/changed/removed file is logged in raw.file_events
(fazhi_pipeline.incremental does the reading and writing).
"""

import dagster as dg

from fazhi_parse import regions
from fazhi_pipeline import incremental, settings, tables, termination
from fazhi_pipeline.assets.policies import DUCKDB_POOL, RETRY
from fazhi_pipeline.resources import WorkDuckDB
from fazhi_read import folder as reports_folder

REPORT_FILES_KEY = dg.AssetKey(tables.REPORT_FILES.path)
DIVISIONS_KEY = dg.AssetKey(tables.DIVISIONS.path)


@dg.asset(
    key=REPORT_FILES_KEY,
    group_name="raw",
    pool=DUCKDB_POOL,
    retry_policy=RETRY,
    kinds={"python", "duckdb"},
    description=(
        "One row per file in the reports folder (FAZHI_REPORTS_DIR): accepted, duplicate or rejected with a reason."
    ),
)
def report_files(context: dg.AssetExecutionContext, duckdb: WorkDuckDB) -> dg.MaterializeResult:
    termination.check("before ingest")
    root = settings.reports_dir()
    if not root.is_dir():  # a configuration error: retrying cannot help
        raise dg.Failure(f"reports folder {root} does not exist (FAZHI_REPORTS_DIR)", allow_retries=False)
    verify = verify_every_file(context)
    with duckdb.connect() as con, incremental.transaction(con):
        stored = incremental.stored_files(con)
        scanned, reused = reports_folder.scan_incremental(
            root, stored.known(), max_bytes=settings.max_file_bytes(), workers=settings.workers(), verify=verify
        )
        applied = incremental.apply_scan(con, stored, scanned, reused, verified=verify, run_id=context.run.run_id)
    meta = _metadata(root, scanned, applied, verify)
    context.log.info("report files: %s", {k: v for k, v in meta.items() if k != "reports_dir"})
    return dg.MaterializeResult(metadata=meta)


def verify_every_file(context: dg.AssetExecutionContext) -> bool:
    """Hash every file instead of trusting stat keys: on a forced build and on scheduled runs."""
    return settings.force_build() or "dagster/schedule_name" in (context.run.tags or {})


def _metadata(root, scanned, applied: incremental.ScanApplied, verify: bool) -> dict:
    """report_files' materialization metadata (also logged)."""
    by_status = dict(scanned.group_by("status").len().rows())
    return {
        "reports_dir": str(root),
        "files": scanned.height,
        "read": scanned.height - applied.unread,
        "hashed_every_file": verify,
        **{k: len(v) for k, v in applied.diff.items()},
        "accepted": by_status.get("accepted", 0),
        "duplicate": by_status.get("duplicate", 0),
        "rejected": by_status.get("rejected", 0),
        "dagster/row_count": scanned.height,
    }


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
    with duckdb.connect() as con:
        tables.DIVISIONS.replace(con, frame)
    levels = dict(frame.group_by("level").len().rows())
    return dg.MaterializeResult(
        metadata={"dagster/row_count": frame.height, **{f"level_{k}": v for k, v in levels.items()}}
    )
