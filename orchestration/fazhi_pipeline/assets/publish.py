"""warehouse/published: the work DB, tested by dbt, copied to FAZHI_WAREHOUSE + Parquet."""

import dagster as dg

from fazhi_pipeline import build_state, incremental, settings, termination, warehouse_copy
from fazhi_pipeline.assets.dbt import marts_keys
from fazhi_pipeline.assets.policies import DUCKDB_POOL, RETRY
from fazhi_pipeline.resources import WorkDuckDB

PUBLISHED_KEY = dg.AssetKey(["warehouse", "published"])


@dg.asset(
    key=PUBLISHED_KEY,
    deps=marts_keys(),
    group_name="published",
    pool=DUCKDB_POOL,
    retry_policy=RETRY,
    kinds={"duckdb", "parquet"},
    description=(
        "The warehouse readers open (FAZHI_WAREHOUSE), replaced atomically after dbt build and its "
        "tests pass, in DuckDB v1.0.0 storage; plus Parquet exports of every mart."
    ),
)
def published(context: dg.AssetExecutionContext, duckdb: WorkDuckDB) -> dg.MaterializeResult:
    termination.check("before publishing")
    target = settings.warehouse()
    # What this warehouse is built from travels inside it: the next run with
    # the same inputs skips dbt and publish (assets/dbt.py, up_to_date).
    version = warehouse_copy.new_exports_version()
    with duckdb.connect() as con:
        fingerprint = build_state.inputs_fingerprint(con, settings.DBT_PROJECT_DIR)
        incremental.record_build(con, fingerprint, context.run.run_id, version)
    done = warehouse_copy.publish_database(
        duckdb.db_path(), target, settings.exports_dir(), exports_version=version,
        before_swap=lambda: termination.check("publishing, before the rename"),
    )
    counts = done.counts
    build_state.remember_published(duckdb.db_path(), target, settings.exports_dir(), counts)
    exports = sorted(p.name for p in settings.exports_dir().glob("*.parquet"))
    context.log.info("published %s (%d tables, %s: %s), %d Parquet exports",
                     target, len(counts), done.method, done.why, len(exports))
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(target)),
            "exports": dg.MetadataValue.path(str(settings.exports_dir())),
            "storage_version": warehouse_copy.STORAGE_VERSION,
            "method": done.method,
            "method_reason": done.why,
            "tables": len(counts),
            "parquet_files": len(exports),
            **{f"rows.{k}": v for k, v in counts.items() if k.startswith("marts.")},
        }
    )
