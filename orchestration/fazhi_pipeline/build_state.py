"""What a published warehouse was built from, so a run with nothing new can skip dbt and publish.

The fingerprint covers everything `dbt build` reads: the dbt project's files
(models, macros, seeds, tests, dbt_project.yml), and the state of every
source table (the ingest decisions per file, which reports were parsed by
which parser version and when, row counts, the division list). The publish
step stores it in the published file (staging.warehouse_build), so it
describes exactly the warehouse readers have: a failed dbt build or publish
leaves the old fingerprint there, and the next run builds again.

The fingerprint is only trusted for a published file that is still the one
published: after each publish the sha256 of the file and of every Parquet
export, and the row count of every table, are kept beside the work DB
(<work DB>.published.json). A run that would skip first checks that no WAL
lies beside the published file (someone wrote to it), that the file and the
exports hash as recorded, and that the file opens and its tables hold the
rows the work DB holds; anything else rebuilds and publishes again.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import duckdb

# Bumped when what the fingerprint covers, or how the warehouse is built from
# the same inputs (e.g. the publish format), changes.
SCHEME = "1"
TABLE = "warehouse_build"  # in schema staging
_PROJECT_DIRS = ("models", "macros", "seeds", "tests", "snapshots", "analyses")
_PROJECT_FILES = ("dbt_project.yml", "packages.yml", "dependencies.yml")

def _rows_digest(table: str, row_sql: str, order_by: str) -> str:
    """SQL for (row count, md5 of the rows rendered as text in a fixed order); NULLs render as NULL."""
    return (f"SELECT count(*), md5(coalesce(string_agg(CAST({row_sql} AS VARCHAR), chr(10) ORDER BY {order_by}), '')) "
            f"FROM {table}")


# One digest per source table, each over rows in a fixed order. Staging rows
# are a function of (report text, parser version), and parse_log's newest
# parsed_at moves whenever anything is re-parsed; the counts catch rows
# written by any other means.
_SOURCE_DIGESTS = {
    "raw.report_files": _rows_digest(
        "raw.report_files",
        "row(source_file, sha256, status, reason, duplicate_of, report_id, encoding, media_type, size_bytes, "
        "modified_at, ingested_at, format, reader, page_count)",  # not the texts: the sha256 stands for them
        "source_file",
    ),
    "raw.divisions": _rows_digest("raw.divisions AS d", "d", "region_code"),
    "raw.corrections": _rows_digest(
        "raw.corrections",
        "row(line_no, action, sha256, char_start, char_length, figure_text, metric_code, value, comparator, channel, "
        "reason, reviewer, source_file)",  # not loaded_at: the same file loaded again is the same input
        "line_no",
    ),
    "raw.sources": _rows_digest(
        "raw.sources",
        "row(line_no, file, url, title, published_at, fetched_at)",  # not loaded_at, not the file's path
        "line_no",
    ),
    "staging.documents": _rows_digest("staging.documents", "row(report_id, parser_version)", "report_id, parser_version"),
    "staging.sentences": "SELECT count(*), '' FROM staging.sentences",
    "staging.mentions": "SELECT count(*), '' FROM staging.mentions",
    "staging.facts": "SELECT count(*), '' FROM staging.facts",
    "staging.parse_log": "SELECT count(*), coalesce(cast(max(parsed_at) AS VARCHAR), '') FROM staging.parse_log",
}


def project_digest(project_dir: Path) -> str:
    """sha256 over the dbt project's files, paths included."""
    h = hashlib.sha256()
    root = Path(project_dir)
    paths = [p for d in _PROJECT_DIRS for p in (root / d).rglob("*") if p.is_file()]
    paths += [root / name for name in _PROJECT_FILES if (root / name).is_file()]
    for path in sorted(paths):
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def inputs_fingerprint(con: duckdb.DuckDBPyConnection, project_dir: Path) -> str | None:
    """Fingerprint of what dbt would build from, or None when a source table is missing."""
    h = hashlib.sha256(f"scheme {SCHEME}\nproject {project_digest(project_dir)}\n".encode())
    for table, sql in _SOURCE_DIGESTS.items():
        try:
            n, digest = con.execute(sql).fetchone()
        except duckdb.CatalogException:
            return None
        h.update(f"{table} {n} {digest}\n".encode())
    return h.hexdigest()


def record(con: duckdb.DuckDBPyConnection, fingerprint: str | None, run_id: str, exports_version: str) -> None:
    """Store the fingerprint in the work DB, to travel with the copy that is published.

    `exports_version` is the export set this publish writes: the exports link
    is swapped after the warehouse, so a publish killed between the two leaves
    a warehouse whose recorded set is not the one linked.
    """
    con.execute("CREATE SCHEMA IF NOT EXISTS staging")
    con.execute(
        f"CREATE OR REPLACE TABLE staging.{TABLE} "
        "(fingerprint VARCHAR, exports_version VARCHAR, run_id VARCHAR, built_at TIMESTAMPTZ)"
    )
    con.execute(f"INSERT INTO staging.{TABLE} VALUES (?, ?, ?, now())", [fingerprint, exports_version, run_id])


def published_state(warehouse: Path) -> tuple[str, str] | None:
    """(fingerprint, exports_version) stored in the published warehouse; None when absent or unreadable."""
    if not warehouse.is_file():
        return None
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return None  # e.g. held read-write by someone: build rather than guess
    try:
        row = con.execute(f"SELECT fingerprint, exports_version FROM staging.{TABLE}").fetchone()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return (row[0], row[1]) if row and row[0] and row[1] else None


def up_to_date(current: str | None, warehouse: Path, exports: Path, work_db: Path | None = None) -> bool:
    """True when the published warehouse, and the export set linked beside it, were built from
    `current` and are still exactly what was published (see `why_rebuild`)."""
    return why_rebuild(current, warehouse, exports, work_db) is None


def why_rebuild(current: str | None, warehouse: Path, exports: Path, work_db: Path | None = None) -> str | None:
    """Why the published warehouse cannot be kept as it is; None when it can."""
    if current is None:
        return "a source table is missing"
    if Path(f"{warehouse}.wal").exists():
        return "a write-ahead log lies beside the published file: it was opened for writing"
    state = published_state(warehouse)
    if state is None:
        return "no published warehouse, or it records no build"
    if not exports.is_symlink():
        return "no exports link"
    fingerprint, version = state
    if fingerprint != current:
        return "the inputs changed since the published warehouse was built"
    if Path(os.readlink(exports)).name != version:
        return "the exports linked are not the set the warehouse recorded"
    return verify_published(warehouse, exports, work_db)


# Work DB tables that change on runs that change nothing dbt reads.
_BOOKKEEPING = {"raw.file_checks"}


def _sidecar(work_db: Path) -> Path:
    return Path(f"{work_db}.published.json")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _export_digests(exports: Path) -> dict[str, str]:
    return {p.name: _sha256(p) for p in sorted(Path(exports).glob("*.parquet"))}


def _table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND NOT temporary ORDER BY ALL"
    ).fetchall()
    return {f"{s}.{t}": con.execute(f'SELECT count(*) FROM "{s}"."{t}"').fetchone()[0] for s, t in tables}


def remember_published(work_db: Path, warehouse: Path, exports: Path, counts: dict[str, int]) -> None:
    """Record what was just published (file and export digests, row counts) beside the work DB."""
    record = {
        "warehouse": str(warehouse),
        "sha256": _sha256(warehouse),
        "size": warehouse.stat().st_size,
        "exports_version": Path(os.readlink(exports)).name,
        "exports": _export_digests(exports),
        "counts": counts,
    }
    path = _sidecar(work_db)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(record, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def verify_published(warehouse: Path, exports: Path, work_db: Path | None = None) -> str | None:
    """None when the published file and exports are byte for byte what the last publish wrote,
    and the file's tables hold as many rows as the work DB's; else what differs."""
    from fazhi_pipeline import duck, settings

    work_db = Path(work_db or settings.work_db())
    try:
        record = json.loads(_sidecar(work_db).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "no record of what was published"
    if record.get("warehouse") != str(warehouse):
        return "the record of what was published is for another file"
    if warehouse.stat().st_size != record.get("size") or _sha256(warehouse) != record.get("sha256"):
        return "the published file changed since it was published"
    if Path(os.readlink(exports)).name != record.get("exports_version") or _export_digests(exports) != record.get(
        "exports"
    ):
        return "the Parquet exports changed since they were published"
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            published = _table_counts(con)
        finally:
            con.close()
        work = duck.connect_work(work_db, read_only=True)
        try:
            current = _table_counts(work)
        finally:
            work.close()
    except duckdb.Error as exc:
        return f"the published file or the work DB cannot be read ({exc})"
    if published != record.get("counts"):
        return "the published file's row counts differ from those published"
    # Ingest's stat keys change without any change to what dbt reads.
    if {k: v for k, v in published.items() if k not in _BOOKKEEPING} != {
        k: v for k, v in current.items() if k not in _BOOKKEEPING
    }:
        return "the published file's row counts differ from the work DB's"
    return None
