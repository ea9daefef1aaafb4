"""raw/corrections: the reviewers' corrections file (FAZHI_CORRECTIONS) as it is, every run.

Loaded whole and as text (fazhi_site.corrections.read); dbt checks and applies
it (stg_review__corrections, int_corrections) and reports the rows whose figure
it no longer finds (marts.fct_corrections, status 'unmatched').
"""

from datetime import UTC, datetime

import dagster as dg

from fazhi_pipeline import settings, tables
from fazhi_pipeline.assets.policies import file_metadata, people_file_asset
from fazhi_pipeline.resources import WorkDuckDB
from fazhi_site import corrections as fz_corrections

CORRECTIONS_KEY = dg.AssetKey(tables.CORRECTIONS.path)


@people_file_asset(
    CORRECTIONS_KEY,
    "Reviewers' corrections (FAZHI_CORRECTIONS, default corrections.csv in the reports folder), one row per line.",
)
def corrections(context: dg.AssetExecutionContext, duckdb: WorkDuckDB) -> dg.MaterializeResult:
    path = settings.corrections_file()
    rows = fz_corrections.read(path)
    frame = fz_corrections.frame(rows, datetime.now(UTC))
    with duckdb.connect() as con:
        tables.CORRECTIONS.replace(con, frame)
    by_action = dict(frame.group_by("action").len().rows()) if frame.height else {}
    context.log.info("corrections: %d rows from %s %s", frame.height, path, by_action)
    return dg.MaterializeResult(
        metadata={
            **file_metadata(path, frame.height),
            **{f"action_{k or 'missing'}": v for k, v in by_action.items()},
        }
    )
