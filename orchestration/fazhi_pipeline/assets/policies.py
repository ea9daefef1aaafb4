"""What every DuckDB writer shares: the pool and the retry policy."""
from pathlib import Path

import dagster as dg

# DuckDB admits one writing process; the pool's limit (1, dagster.yaml) makes
# Dagster queue writers instead of letting them collide on the file lock.
DUCKDB_POOL = "duckdb"

# Retries cover transient trouble (a lock held by a reader that has just
# started, a full disk freed meanwhile); deterministic failures raise
# dg.Failure(allow_retries=False) so they are not repeated.
RETRY = dg.RetryPolicy(max_retries=2, delay=2, backoff=dg.Backoff.EXPONENTIAL)


def people_file_asset(key: dg.AssetKey, description: str):
    """The asset decorator of a raw/* table loaded from a CSV file people keep beside the reports
    (raw/corrections, raw/sources): group raw, a DuckDB writer like the others."""
    return dg.asset(
        key=key,
        group_name="raw",
        pool=DUCKDB_POOL,
        retry_policy=RETRY,
        kinds={"python", "duckdb", "csv"},
        description=description,
    )


def file_metadata(path: Path, rows: int) -> dict:
    """Materialization metadata of such an asset: the file, whether it exists, rows loaded."""
    return {"path": dg.MetadataValue.path(str(path)), "exists": path.is_file(), "dagster/row_count": rows}
