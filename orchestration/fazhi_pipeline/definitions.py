"""The fazhi code location: files -> raw -> staging -> dbt marts -> published warehouse."""
import dagster as dg

from fazhi_pipeline import automation, checks
from fazhi_pipeline.assets import dbt, ingest, parse, publish
from fazhi_pipeline.resources import WorkDuckDB

ingest_defs = dg.Definitions(assets=[ingest.report_files, ingest.divisions])
parse_defs = dg.Definitions(assets=[parse.parse_reports])
dbt_defs = dg.Definitions(assets=[dbt.fazhi_dbt_assets])
publish_defs = dg.Definitions(assets=[publish.published])
check_defs = dg.Definitions(asset_checks=checks.CHECKS)
automation_defs = dg.Definitions(
    jobs=[automation.all_assets_job],
    schedules=[automation.daily],
    sensors=[automation.reports_folder_sensor],
)
resource_defs = dg.Definitions(resources={"duckdb": WorkDuckDB(), "dbt": dbt.dbt_resource()})

defs = dg.Definitions.merge(
    ingest_defs, parse_defs, dbt_defs, publish_defs, check_defs, automation_defs, resource_defs
)
