"""review/site: the static review site (<warehouse folder>/site/), rebuilt from the published
warehouse after each publish.

Incremental: only the pages of reports whose inputs changed are rendered (fazhi_site.build keeps
a manifest of per-page digests in the site folder); FAZHI_SITE_FULL=1 renders every page.
"""

import os

import dagster as dg
import duckdb

from fazhi_pipeline import settings
from fazhi_pipeline.assets.publish import PUBLISHED_KEY
from fazhi_site import build

SITE_KEY = dg.AssetKey(["review", "site"])


@dg.asset(
    key=SITE_KEY,
    deps=[PUBLISHED_KEY],
    group_name="published",
    kinds={"html"},
    description=(
        "Static review site next to the published warehouse (<warehouse folder>/site/): one page per report "
        "with every figure highlighted, an index with coverage and search, charts. Offline; open index.html."
    ),
)
def review_site(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    # Reads the published file read-only: no pool needed, readers never block a rebuild.
    full = os.environ.get("FAZHI_SITE_FULL", "").strip().lower() in ("1", "true", "yes")
    summary = build.build_site(settings.warehouse(), settings.site_dir(), full=full)
    con = duckdb.connect(str(settings.warehouse()), read_only=True)
    try:
        unmatched = con.execute(
            "select line_no, action, source_file, figure_text, unmatched_reason "
            "from marts.fct_corrections where status = 'unmatched' order by line_no"
        ).fetchall()
    finally:
        con.close()
    for line_no, action, source_file, figure_text, why in unmatched:
        context.log.warning(
            "correction on line %s (%s %r in %s) matches nothing: %s", line_no, action, figure_text, source_file, why
        )
    context.log.info(
        "review site: %s (%d report pages, %d rendered%s, %.1f s)",
        summary.out_dir, summary.pages, summary.rendered, " (full build)" if summary.full else "", summary.seconds,
    )
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(summary.out_dir / "index.html")),
            "report_pages": summary.pages,
            "pages_rendered": summary.rendered,
            "full_build": summary.full,
            "figures": summary.figures,
            "unmatched_corrections": len(unmatched),
            "seconds": round(summary.seconds, 2),
        }
    )
