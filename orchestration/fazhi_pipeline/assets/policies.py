"""What every DuckDB writer shares: the pool and the retry policy."""
import dagster as dg

# DuckDB admits one writing process; the pool's limit (1, dagster.yaml) makes
# Dagster queue writers instead of letting them collide on the file lock.
DUCKDB_POOL = "duckdb"

# Retries cover transient trouble (a lock held by a reader that has just
# started, a full disk freed meanwhile); deterministic failures raise
# dg.Failure(allow_retries=False) so they are not repeated.
RETRY = dg.RetryPolicy(max_retries=2, delay=2, backoff=dg.Backoff.EXPONENTIAL)
