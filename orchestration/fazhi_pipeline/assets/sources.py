"""raw/sources: the source manifest (FAZHI_SOURCES) as it is, every run.

Loaded whole and as text (fazhi_site.sources.read); dbt types it
(stg_raw__sources), matches it to the report files and flags hosts that are
not official government domains (int_report_sources, marts.dim_report), and
warns about rows that name no file in the folder, name a file twice or hold a
malformed URL (assert_sources_manifest_matches).
"""

from datetime import UTC, datetime

import dagster as dg

from fazhi_pipeline import settings, tables
from fazhi_pipeline.assets.policies import file_metadata, people_file_asset
from fazhi_pipeline.resources import WorkDuckDB
from fazhi_site import sources as fz_sources

SOURCES_KEY = dg.AssetKey(tables.SOURCES.path)


@people_file_asset(
    SOURCES_KEY,
    "Source manifest (FAZHI_SOURCES, default sources.csv in the reports folder): each file's URL, title and dates, "
    "one row per line.",
)
def sources(context: dg.AssetExecutionContext, duckdb: WorkDuckDB) -> dg.MaterializeResult:
    path = settings.sources_file()
    frame = fz_sources.frame(fz_sources.read(path), datetime.now(UTC))
    with duckdb.connect() as con:
        tables.SOURCES.replace(con, frame)
    with_url = frame.filter(frame["url"].is_not_null()).height if frame.height else 0
    context.log.info("source manifest: %d rows (%d with a URL) from %s", frame.height, with_url, path)
    return dg.MaterializeResult(
        metadata={**file_metadata(path, frame.height), "rows_with_url": with_url}
    )
