"""The fazhi code location: files -> raw -> staging -> dbt marts -> published warehouse.

One Definitions per concern, merged; only `defs` lives at module scope (Dagster
refuses a module holding several Definitions objects).
"""
import dagster as dg

from fazhi_pipeline import automation, checks
from fazhi_pipeline.assets import corrections, dbt, ingest, parse, publish, site, sources
from fazhi_pipeline.resources import WorkDuckDB

defs = dg.Definitions.merge(
    # ingest: the reports folder and the division list -> raw
    dg.Definitions(assets=[ingest.report_files, ingest.divisions, corrections.corrections, sources.sources]),
    # parse: accepted reports -> staging.documents/sentences/mentions/facts
    dg.Definitions(assets=[parse.parse_reports]),
    # dbt: staging -> marts; dbt tests become asset checks
    dg.Definitions(assets=[dbt.fazhi_dbt_assets]),
    # publish: the tested work DB -> FAZHI_WAREHOUSE + exports/
    dg.Definitions(assets=[publish.published]),
    # review site: static pages under <warehouse folder>/site from the published warehouse
    dg.Definitions(assets=[site.review_site]),
    # checks on what ingest and parse wrote
    dg.Definitions(asset_checks=checks.CHECKS),
    # automation: the whole graph daily, and on changes in the reports folder
    dg.Definitions(
        jobs=[automation.all_assets_job],
        schedules=[automation.daily],
        sensors=[automation.reports_folder_sensor],
    ),
    dg.Definitions(resources={"duckdb": WorkDuckDB(), "dbt": dbt.dbt_resource()}),
)
