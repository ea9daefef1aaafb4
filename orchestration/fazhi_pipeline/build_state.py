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

from fazhi_pipeline import settings, tables

# Bumped when what the fingerprint covers, or how the warehouse is built from
# the same inputs (e.g. the publish format), changes.
SCHEME = "2"
TABLE = tables.WAREHOUSE_BUILD.name  # in schema staging


def project_digest(project_dir: Path) -> str:
    """sha256 over the dbt project's files (settings.dbt_project_files), paths included."""
    h = hashlib.sha256()
    root = Path(project_dir)
    for path in settings.dbt_project_files(root):
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def inputs_fingerprint(con: duckdb.DuckDBPyConnection, project_dir: Path) -> str | None:
    """Fingerprint of what dbt would build from, or None when a source table is missing.

    One digest per table the registry marks (fazhi_pipeline.tables, `fingerprint`).
    """
    h = hashlib.sha256(f"scheme {SCHEME}\nproject {project_digest(project_dir)}\n".encode())
    for table in tables.fingerprinted():
        try:
            n, digest = con.execute(table.fingerprint_sql()).fetchone()
        except (duckdb.CatalogException, duckdb.BinderException):
            return None  # missing, or written by older code: dbt is about to get other tables
        h.update(f"{table.qualified} {n} {digest}\n".encode())
    return h.hexdigest()


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
_BOOKKEEPING = {tables.FILE_CHECKS.qualified}


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
    from fazhi_pipeline import duck

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
