"""staging/documents, sentences, mentions, facts: the parser's frames in DuckDB.

Incremental: only accepted reports whose report_id is not yet in
staging.documents with the current PARSER_VERSION are parsed; rows of reports
that are no longer accepted (removed, changed, now a duplicate) or were parsed
by another parser version are deleted first (fazhi_pipeline.incremental).
"""

from concurrent.futures import ThreadPoolExecutor

import dagster as dg

from fazhi_parse import corpus
from fazhi_parse.schema import PARSER_VERSION
from fazhi_pipeline import incremental, settings, tables, termination
from fazhi_pipeline.assets.ingest import REPORT_FILES_KEY
from fazhi_pipeline.assets.policies import DUCKDB_POOL, RETRY
from fazhi_pipeline.parse_pool import parse_pool
from fazhi_pipeline.resources import WorkDuckDB

STAGING_KEYS = {table.name: dg.AssetKey(table.path) for table in tables.PARSED}

# How many reports to parse and load per transaction: bounds memory on big folders.
BATCH = 500
# Below this many reports one process parses sooner than a pool starts and warms.
POOL_MIN_REPORTS = 128


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key,
            deps=[REPORT_FILES_KEY],
            group_name="staging",
            kinds={"python", "duckdb"},
            description=f"Parser output `{name}` (fazhi_parse.schema), one load per accepted report.",
        )
        for name, key in STAGING_KEYS.items()
    ],
    name="parse_reports",
    pool=DUCKDB_POOL,
    retry_policy=RETRY,
)
def parse_reports(context: dg.AssetExecutionContext, duckdb: WorkDuckDB):
    termination.check("before parsing")
    with duckdb.connect() as con:
        stale, todo = incremental.prepare_parse(con, PARSER_VERSION)
        loaded = _parse_and_load(context, con, todo)
        totals = {table.name: table.count(con) for table in tables.PARSED}
    for name, key in STAGING_KEYS.items():
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={
                "parser_version": PARSER_VERSION,
                "reports_parsed": len(todo),
                "reports_dropped": len(stale),
                "rows_added": loaded[name],
                "dagster/row_count": totals[name],
            },
        )


def _parse_and_load(context: dg.AssetExecutionContext, con, todo: list[str]) -> dict[str, int]:
    """Parse the reports `todo` names and load them, BATCH at a time; rows added per table."""
    loaded = dict.fromkeys(STAGING_KEYS, 0)
    workers = settings.workers()
    batches = incremental.text_batches(con, todo, BATCH)
    # One warm pool for the step; a thread parses batch k+1 on it while this
    # thread loads batch k into DuckDB, so the workers never wait on a load.
    pool_size = workers if len(todo) >= POOL_MIN_REPORTS else 1
    with parse_pool(pool_size) as pool, ThreadPoolExecutor(max_workers=1) as ahead:

        def parse_next():
            items = next(batches, None)
            return None if items is None else ahead.submit(corpus.parse_texts, items, workers=workers, executor=pool)

        pending = parse_next()
        for start in range(0, len(todo), BATCH):
            frames = pending.result()
            termination.check(f"parsing, {start}/{len(todo)} reports loaded")
            pending = parse_next()
            for name, n in incremental.load_parsed(con, frames, PARSER_VERSION, context.run.run_id).items():
                loaded[name] += n
            del frames
            context.log.info("parsed %d/%d reports", min(start + BATCH, len(todo)), len(todo))
    return loaded
