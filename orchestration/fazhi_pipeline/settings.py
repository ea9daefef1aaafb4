"""Paths from the environment, resolved at call time and always absolute.

Read lazily (functions, not constants) so that a test or a CLI that sets the
environment after import still gets the paths it asked for.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"

# The files that make up the dbt project, stated once: every file under these
# folders, and these files at its top. The build fingerprint hashes them
# (build_state.project_digest), a manifest older than any of them is parsed
# again (assets/dbt.py, manifest_is_stale), and the Makefile's DBT_SOURCES
# (what `make manifest` depends on) prints dbt_project_files().
DBT_PROJECT_DIRS = ("models", "macros", "seeds", "tests", "snapshots", "analyses")
DBT_PROJECT_TOP_FILES = ("dbt_project.yml", "profiles.yml", "packages.yml", "dependencies.yml")


def dbt_project_files(project_dir: Path = DBT_PROJECT_DIR) -> list[Path]:
    """The dbt project's files (DBT_PROJECT_DIRS, DBT_PROJECT_TOP_FILES) that exist, sorted."""
    root = Path(project_dir)
    paths = [p for d in DBT_PROJECT_DIRS for p in (root / d).rglob("*") if p.is_file()]
    paths += [root / name for name in DBT_PROJECT_TOP_FILES if (root / name).is_file()]
    return sorted(paths)


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser().resolve() if value else default.resolve()


def reports_dir() -> Path:
    """Folder of raw reports (FAZHI_REPORTS_DIR, default <repo>/seeds)."""
    return _env_path("FAZHI_REPORTS_DIR", REPO_ROOT / "seeds")


def warehouse() -> Path:
    """The *published* warehouse readers open (FAZHI_WAREHOUSE)."""
    return _env_path("FAZHI_WAREHOUSE", REPO_ROOT / "warehouse" / "fazhi.duckdb")


def work_db() -> Path:
    """Private database the pipeline writes (FAZHI_WORK_DB, default `default_work_db(warehouse())`).

    The one place the work DB's path is decided: dbt's profile reads
    FAZHI_WORK_DB, which every dbt invocation gets from here (dbt_env, the
    Makefile's WORK_DB).
    """
    return _env_path("FAZHI_WORK_DB", default_work_db(warehouse()))


def default_work_db(warehouse_path: Path) -> Path:
    """<folder of the warehouse>/.work/<its name>: the work DB when FAZHI_WORK_DB is not set.

    Same basename as the published file so DuckDB's catalog name, and with it
    every qualified view definition dbt writes, is identical in both files.
    """
    return warehouse_path.parent / ".work" / warehouse_path.name


def exports_dir() -> Path:
    """Parquet copies of the marts, next to the published warehouse."""
    return warehouse().parent / "exports"


def corrections_file() -> Path:
    """Reviewers' corrections (FAZHI_CORRECTIONS, default <reports folder>/corrections.csv).

    The ingest of reports skips a file of this name at the top of the reports folder.
    """
    return _env_path("FAZHI_CORRECTIONS", reports_dir() / "corrections.csv")


def sources_file() -> Path:
    """The source manifest (FAZHI_SOURCES, default <reports folder>/sources.csv): each file's URL and dates.

    The ingest of reports skips a file of this name at the top of the reports folder.
    """
    return _env_path("FAZHI_SOURCES", reports_dir() / "sources.csv")


def site_dir() -> Path:
    """The static review site, next to the published warehouse."""
    return warehouse().parent / "site"


def max_file_bytes() -> int:
    """Files above this size are rejected as too_large (FAZHI_MAX_FILE_BYTES)."""
    from fazhi_read.folder import DEFAULT_MAX_BYTES

    return int(os.environ.get("FAZHI_MAX_FILE_BYTES", str(DEFAULT_MAX_BYTES)))


def workers() -> int:
    """Processes for decoding and parsing (FAZHI_WORKERS, default all cores)."""
    return max(1, int(os.environ.get("FAZHI_WORKERS", "0")) or os.cpu_count() or 1)


DEFAULT_DUCKDB_MEMORY_LIMIT = "512MB"  # profiles.yml repeats it for dbt run by hand
_MEMORY = re.compile(r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", re.IGNORECASE)


def duckdb_memory_limit() -> str:
    """DuckDB's memory_limit for every pipeline connection and dbt (FAZHI_DUCKDB_MEMORY_LIMIT).

    DuckDB's own default is 80% of RAM per process; the pipeline has one in
    its own process and one in dbt's, so it would keep up to twice that in
    buffers. Past the limit DuckDB spills to disk.
    """
    value = os.environ.get("FAZHI_DUCKDB_MEMORY_LIMIT", "").strip() or DEFAULT_DUCKDB_MEMORY_LIMIT
    if not _MEMORY.match(value):
        raise ValueError(f"FAZHI_DUCKDB_MEMORY_LIMIT={value!r}: expected a size such as 512MB or 2GB")
    return value


# dbt's threads share one DuckDB instance in dbt's process (DuckDB's one-writer
# rule is per process), so models and tests run side by side; past the cores
# they only queue for the GIL.
MAX_DBT_THREADS = 4


def dbt_threads() -> int:
    """Threads for `dbt build` (FAZHI_DBT_THREADS, default the cores, at most MAX_DBT_THREADS)."""
    value = os.environ.get("FAZHI_DBT_THREADS", "").strip()
    if not value:
        return max(1, min(os.cpu_count() or 1, MAX_DBT_THREADS))
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"FAZHI_DBT_THREADS={value!r}: expected a whole number of threads, 1 or more")
    return int(value)


def force_build() -> bool:
    """FAZHI_FORCE_BUILD=1: run dbt and publish even when the published warehouse is up to date."""
    return os.environ.get("FAZHI_FORCE_BUILD", "").strip().lower() in ("1", "true", "yes")


def dbt_env() -> dict[str, str]:
    """Environment for dbt so its profile resolves to exactly our work DB and memory limit."""
    return {
        "FAZHI_WORK_DB": str(work_db()),
        "FAZHI_WAREHOUSE": str(warehouse()),
        "FAZHI_DUCKDB_MEMORY_LIMIT": duckdb_memory_limit(),
    }


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for a block, restoring what was there before."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
