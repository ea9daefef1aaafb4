"""staging/documents, sentences, mentions, facts: the parser's frames in DuckDB.

Incremental: only accepted reports whose report_id is not yet in
staging.documents with the current PARSER_VERSION are parsed; rows of reports
that are no longer accepted (removed, changed, now a duplicate) or were parsed
by another parser version are deleted first.
"""

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import dagster as dg
import polars as pl
from fazhi_parse import corpus
from fazhi_parse.schema import PARSER_VERSION

from fazhi_pipeline import duck, settings, termination
from fazhi_pipeline.assets.ingest import REPORT_FILES_KEY
from fazhi_pipeline.assets.policies import DUCKDB_POOL, RETRY
from fazhi_pipeline.parse_pool import parse_pool
from fazhi_pipeline.resources import WorkDuckDB

STAGING_KEYS = {name: dg.AssetKey(["staging", name]) for name in corpus.FRAMES}

# staging.parse_log: when each report was parsed, by which run and parser
# version (appended in the transaction that loads the report's rows). The
# offset checks read it to verify only what was loaded since they last passed.
PARSE_LOG = {
    "report_id": pl.Utf8,
    "parser_version": pl.Utf8,
    "run_id": pl.Utf8,
    "parsed_at": pl.Datetime("us", "UTC"),
}

# How many reports to parse and load per transaction: bounds memory on big folders.
BATCH = 500
# Below this many reports one process parses sooner than a pool starts and warms.
POOL_MIN_REPORTS = 128


def _texts(con, ids: list[str]) -> list[tuple[str, str]]:
    """(report_id, text) for these accepted reports, in report_id order."""
    con.register("_ids", duck.keys_arrow(ids))
    try:
        return con.execute(
            """
            SELECT report_id, any_value(text) FROM raw.report_files
            WHERE status = 'accepted' AND report_id IN (SELECT k FROM _ids)
            GROUP BY report_id ORDER BY report_id
            """
        ).fetchall()
    finally:
        con.unregister("_ids")


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
        con.execute("BEGIN")
        recreated = [
            name for name, sch in corpus.FRAMES.items() if duck.ensure_table(con, "staging", name, sch)
        ]
        duck.ensure_table(con, "staging", "parse_log", PARSE_LOG)
        if recreated:  # a table changed shape: rebuild all four consistently
            for name in corpus.FRAMES:
                con.execute(f"DELETE FROM staging.{name}")
        # Stale: not an accepted report any more, or parsed by another version.
        stale = [
            r[0]
            for r in con.execute(
                """
                SELECT d.report_id FROM staging.documents d
                WHERE d.parser_version IS DISTINCT FROM ?
                   OR d.report_id NOT IN (
                        SELECT report_id FROM raw.report_files
                        WHERE status = 'accepted' AND report_id IS NOT NULL)
                """,
                [PARSER_VERSION],
            ).fetchall()
        ]
        # Also orphans (rows left by an interrupted load have no document row).
        for name in corpus.FRAMES:
            duck.delete_keys(con, "staging", name, "report_id", stale)
            if name != "documents":
                con.execute(
                    f"DELETE FROM staging.{name} WHERE report_id NOT IN (SELECT report_id FROM staging.documents)"
                )
        todo = [
            r[0]
            for r in con.execute(
                """
                SELECT DISTINCT report_id FROM raw.report_files
                WHERE status = 'accepted' AND report_id IS NOT NULL
                  AND report_id NOT IN (SELECT report_id FROM staging.documents)
                ORDER BY report_id
                """
            ).fetchall()
        ]
        con.execute("COMMIT")

        loaded = {name: 0 for name in corpus.FRAMES}
        workers = settings.workers()
        # One warm pool for the step; a thread parses batch k+1 on it while this
        # thread loads batch k into DuckDB, so the workers never wait on a load.
        pool_size = workers if len(todo) >= POOL_MIN_REPORTS else 1
        with parse_pool(pool_size) as pool, ThreadPoolExecutor(max_workers=1) as ahead:

            def parse(start: int):
                items = _texts(con, todo[start : start + BATCH])
                return ahead.submit(corpus.parse_texts, items, workers=workers, executor=pool)

            pending = parse(0) if todo else None
            for start in range(0, len(todo), BATCH):
                frames = pending.result()
                termination.check(f"parsing, {start}/{len(todo)} reports loaded")
                pending = parse(start + BATCH) if start + BATCH < len(todo) else None
                con.execute("BEGIN")
                for name, sch in corpus.FRAMES.items():
                    loaded[name] += duck.insert_frame(con, "staging", name, frames[name], sch)
                log = frames["documents"].select("report_id").with_columns(
                    parser_version=pl.lit(PARSER_VERSION),
                    run_id=pl.lit(context.run.run_id),
                    parsed_at=pl.lit(datetime.now(timezone.utc)),
                )
                duck.insert_frame(con, "staging", "parse_log", log, PARSE_LOG)
                con.execute("COMMIT")
                del frames
                context.log.info("parsed %d/%d reports", min(start + BATCH, len(todo)), len(todo))

        totals = {
            name: con.execute(f"SELECT count(*) FROM staging.{name}").fetchone()[0] for name in corpus.FRAMES
        }
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
