"""When the graph runs: a daily schedule, and a sensor on the reports folder.

The job runs in one process (in-process executor), as `make run` does: its
steps share the `duckdb` pool and run one after another anyway, so a process
per step (the default executor) only adds a Dagster start-up to each of them.
"""

import base64
import hashlib
import json
import zlib
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg

from fazhi_pipeline import duck, settings
from fazhi_read import folder as reports_folder

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
    files, unlistable = reports_folder.list_files(root)
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


# The cursor: the folder as last seen, and how many runs the sensor has asked
# for. The run key is that number and a hash of the state, so a folder that
# returns to a state seen before (a file removed after being added, moved out
# and back) still gets a run: Dagster drops a request whose run key it has
# seen, and a state hash alone repeats. A re-evaluated tick (same cursor)
# repeats its key, so Dagster still never launches one change twice.
CURSOR_VERSION = 2


def encode_cursor(prints: dict[str, list[int]], seq: int = 0) -> str:
    """Compressed JSON: a cursor holds thousands of fingerprints compactly."""
    raw = json.dumps({"v": CURSOR_VERSION, "seq": seq, "files": prints}, sort_keys=True, separators=(",", ":"))
    return base64.b64encode(zlib.compress(raw.encode(), 9)).decode("ascii")


def decode_cursor(cursor: str | None) -> tuple[dict[str, list[int]], int] | None:
    """(fingerprints, requests so far), or None when there is no readable cursor."""
    if not cursor:
        return None
    try:
        data = json.loads(zlib.decompress(base64.b64decode(cursor)))
    except (ValueError, zlib.error):
        return None  # an unreadable cursor counts as "never seen": run once
    if isinstance(data, dict) and data.get("v") == CURSOR_VERSION:
        return data["files"], int(data["seq"])
    return (data, 0) if isinstance(data, dict) else None  # a cursor from before the sequence number


def state_hash(prints: dict[str, list[int]]) -> str:
    raw = json.dumps(prints, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(raw).hexdigest()[:12]


def run_key(seq: int, prints: dict[str, list[int]]) -> str:
    return f"{seq}-{state_hash(prints)}"


def compare(before: dict | None, after: dict) -> dict[str, list[str]]:
    before = before or {}
    return {
        "added": sorted(set(after) - set(before)),
        "changed": sorted(k for k in set(after) & set(before) if after[k] != before[k]),
        "removed": sorted(set(before) - set(after)),
    }


def _sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as f:
            while block := f.read(1 << 20):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def published_files(warehouse: Path) -> dict[str, tuple] | None:
    """{source_file: (size_bytes, modified_at, sha256)} the published warehouse was built from.

    None when nothing is published yet or the file cannot be read. Opened
    read-only, like any reader: publishing replaces the file by a rename.
    """
    rows = duck.query_published(warehouse, "SELECT source_file, size_bytes, modified_at, sha256 FROM raw.report_files")
    if rows is None:
        return None
    return {name: (size, modified, sha) for name, size, modified, sha in rows}


def changes_since_published(
    root: Path, prints: dict[str, list[int]], published: dict[str, tuple] | None
) -> dict[str, list[str]]:
    """What a run would change in the published warehouse: added, changed, removed files.

    A file whose size and modification time are what the warehouse recorded
    is unchanged (the ingest's own quick check); one with the same size but
    another time is hashed, so a touched file does not count as changed.
    """
    published = published or {}
    changed = []
    for name in sorted(set(prints) & set(published)):
        size, mtime_ns = prints[name]
        stored_size, stored_modified, stored_sha = published[name]
        if size == -1 and stored_sha is None:
            continue  # unreadable then and now (a broken link, a folder that cannot be listed)
        if size != stored_size:
            changed.append(name)
            continue
        modified = datetime.fromtimestamp(mtime_ns / 1e9, tz=UTC)
        if stored_modified is not None and abs((modified - stored_modified).total_seconds()) < 2e-6:
            continue
        if stored_sha is None or _sha256(root / name) != stored_sha:
            changed.append(name)
    return {
        "added": sorted(set(prints) - set(published)),
        "changed": changed,
        "removed": sorted(set(published) - set(prints)),
    }


@dg.sensor(
    name="fazhi_reports_folder",
    job=all_assets_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description=(
        "Requests a run when files in FAZHI_REPORTS_DIR are added, changed or removed since the last tick; "
        "its tags count the files that differ from what the published warehouse holds."
    ),
)
def reports_folder_sensor(context: dg.SensorEvaluationContext):
    root = settings.reports_dir()
    if not root.is_dir():
        return dg.SkipReason(f"reports folder {root} does not exist")
    after = fingerprints(root)
    seen = decode_cursor(context.cursor)
    before, seq = seen if seen is not None else (None, 0)
    if before is not None and not any(compare(before, after).values()):
        return dg.SkipReason(f"no change in {len(after)} files")
    seq += 1
    context.update_cursor(encode_cursor(after, seq))
    warehouse = settings.warehouse()
    published = published_files(warehouse)
    delta = changes_since_published(root, after, published)
    return dg.RunRequest(
        run_key=run_key(seq, after),
        tags={
            **{f"fazhi/files_{k}": str(len(v)) for k, v in delta.items()},
            "fazhi/compared_with": str(warehouse) if published is not None else "nothing published",
        },
    )
