"""When the graph runs: a daily schedule, and a sensor on the reports folder.

The job runs in one process (in-process executor), as `make run` does: its
steps share the `duckdb` pool and run one after another anyway, so a process
per step (the default executor) only adds a Dagster start-up to each of them.
"""

import base64
import hashlib
import json
import zlib
from pathlib import Path

import dagster as dg
from fazhi_parse import ingest as fz_ingest

from fazhi_pipeline import settings

# Everything: ingest -> parse -> dbt (with its tests as checks) -> publish.
all_assets_job = dg.define_asset_job(
    "fazhi_all",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Rebuild the warehouse from the reports folder and publish it.",
)

daily = dg.ScheduleDefinition(
    name="fazhi_daily",
    job=all_assets_job,
    cron_schedule="0 3 * * *",
    execution_timezone="Asia/Shanghai",
    description="Nightly rebuild; incremental, so a night without new files is cheap.",
)


def fingerprints(root: Path) -> dict[str, list[int]]:
    """{relative path: [size, mtime_ns]} for every file the ingest would read."""
    files, unlistable = fz_ingest.list_files(root)
    out: dict[str, list[int]] = {}
    for path in files:
        rel = path.relative_to(root).as_posix()
        try:
            st = path.stat()
            out[rel] = [st.st_size, st.st_mtime_ns]
        except OSError:
            out[rel] = [-1, -1]  # broken link etc.: still a file to account for
    for directory in unlistable:
        out[directory.relative_to(root).as_posix() + "/"] = [-1, -1]
    return out


def encode_cursor(prints: dict[str, list[int]]) -> str:
    """Compressed JSON: a cursor holds thousands of fingerprints compactly."""
    raw = json.dumps(prints, sort_keys=True, separators=(",", ":")).encode()
    return base64.b64encode(zlib.compress(raw, 9)).decode("ascii")


def decode_cursor(cursor: str | None) -> dict[str, list[int]] | None:
    if not cursor:
        return None
    try:
        return json.loads(zlib.decompress(base64.b64decode(cursor)))
    except (ValueError, zlib.error):
        return None  # an unreadable cursor counts as "never seen": run once


def compare(before: dict | None, after: dict) -> dict[str, list[str]]:
    before = before or {}
    return {
        "added": sorted(set(after) - set(before)),
        "changed": sorted(k for k in set(after) & set(before) if after[k] != before[k]),
        "removed": sorted(set(before) - set(after)),
    }


@dg.sensor(
    name="fazhi_reports_folder",
    job=all_assets_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Requests a run when files in FAZHI_REPORTS_DIR are added, changed or removed.",
)
def reports_folder_sensor(context: dg.SensorEvaluationContext):
    root = settings.reports_dir()
    if not root.is_dir():
        return dg.SkipReason(f"reports folder {root} does not exist")
    after = fingerprints(root)
    before = decode_cursor(context.cursor)
    delta = compare(before, after)
    if before is not None and not any(delta.values()):
        return dg.SkipReason(f"no change in {len(after)} files")
    cursor = encode_cursor(after)
    summary = {k: len(v) for k, v in delta.items()}
    context.update_cursor(cursor)
    return dg.RunRequest(
        run_key=hashlib.sha256(cursor.encode()).hexdigest()[:20],
        tags={f"fazhi/files_{k}": str(v) for k, v in summary.items()},
    )
