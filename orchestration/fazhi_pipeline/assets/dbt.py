"""The dbt project's models, seeds and tests as Dagster assets and asset checks.

One `DbtProject`, built once. Its manifest is made ahead of runs (`make`
runs `dbt parse`); when it is missing or older than the project files (a
fresh clone, a model edited while `make dev` runs), it is parsed here at load
time, so definitions always load and reflect the project as it is.
"""

import os
import shutil
import sys
from functools import cache, cached_property
from pathlib import Path

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)
from packaging import version

from fazhi_pipeline import build_state, duck, settings
from fazhi_pipeline.assets import dbt_events
from fazhi_pipeline.assets.policies import DUCKDB_POOL, RETRY
from fazhi_pipeline.resources import WorkDuckDB

# Only lock contention is worth a retry; a failed model or data test is not.
_TRANSIENT = ("Could not set lock", "Conflicting lock", "database is locked")


def manifest_is_stale(project: DbtProject) -> bool:
    """True when the manifest is missing or older than a file of the project (settings.dbt_project_files)."""
    path = project.manifest_path
    files = settings.dbt_project_files(Path(project.project_dir))
    return not path.exists() or path.stat().st_mtime < max((p.stat().st_mtime for p in files), default=0.0)


def _ensure_dbt_on_path() -> None:
    """dagster-dbt runs `dbt` from PATH; without an activated venv, use ours."""
    if shutil.which("dbt") is None:
        venv_bin = str(Path(sys.executable).parent)
        os.environ["PATH"] = os.pathsep.join([venv_bin, os.environ.get("PATH", "")])


@cache
def dbt_project() -> DbtProject:
    _ensure_dbt_on_path()
    project = DbtProject(project_dir=settings.DBT_PROJECT_DIR, profiles_dir=settings.DBT_PROJECT_DIR)
    # Parsed only when the manifest is missing or older than a project file.
    # Not `prepare_if_dev()`: under `dagster dev` it parses on every load, and
    # every run's process loads the definitions (~5 s more per UI/sensor run).
    if manifest_is_stale(project):
        with dbt_environment():
            project.preparer.prepare(project)
    return project


def dbt_environment():
    """Point dbt's profile at our work DB by absolute path (dbt runs in dbt_project/)."""
    return settings.environment(settings.dbt_env())


class FazhiDbtTranslator(DagsterDbtTranslator):
    """Default keys (<schema>/<model>: marts/fct_cases, staging/stg_...); groups by layer.

    The groups read left to right in the UI's lineage: raw (ingest) and
    catalog (seeds: the metric catalog and rate rules, which staging and
    intermediate models read) -> staging (parser tables, stg_ views) ->
    intermediate -> marts -> published. A group is a model's folder
    (models/<layer>/), not its schema: intermediate tables sit in schema
    staging but are a layer of their own.
    """

    def get_group_name(self, dbt_resource_props) -> str | None:
        if dbt_resource_props.get("resource_type") == "seed":
            return "catalog"
        fqn = dbt_resource_props.get("fqn") or []
        return fqn[1] if len(fqn) > 2 else "dbt"

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project):
        """dagster-dbt's check, under a readable name and with a description (assets/dbt_events.py)."""
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None:
            return None
        node = manifest["nodes"][unique_id]
        return dg.AssetCheckSpec(
            name=dbt_events.check_names(manifest)[unique_id],
            asset=spec.asset_key,
            description=dbt_events.describe(node),
            additional_deps=spec.additional_deps,
            metadata={**spec.metadata, "dbt_test": node["name"]},
            blocking=spec.blocking,
        )


# Source tests stay observations: as checks on the Python assets they would split
# the dbt step into several `dbt build` invocations (one per side of those assets).
TRANSLATOR = FazhiDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


def dbt_build_args() -> list[str]:
    """`dbt build` on settings.dbt_threads() threads (the profile's count is for dbt run by hand).

    Unit tests check the SQL logic, not the data, so they run in `make test`
    (tests/dbt) and not on every materialization (dbt's own advice for production).
    """
    return ["build", "--threads", str(settings.dbt_threads()), "--exclude-resource-type", "unit_test"]


# Invocation folders (target/fazhi_dbt-<run>-<id>/) kept for debugging; older ones are pruned.
KEEP_INVOCATIONS = 10


def keep_partial_parse(invocation_target: Path, project_target: Path) -> bool:
    """Make this invocation's parse state the one the next invocation starts from.

    dagster-dbt copies target/partial_parse.msgpack into each invocation's own
    folder, but dbt throws it away when the profile differs (the work DB path is
    part of it, and FAZHI_WAREHOUSE moves it), then parses the project afresh
    (~10 s) and leaves the fresh state in the invocation folder. Handing it back
    makes every later run against the same warehouse parse incrementally.
    """
    fresh = invocation_target / "partial_parse.msgpack"
    if not fresh.exists():
        return False
    tmp = project_target / f".partial_parse.{os.getpid()}.tmp"
    shutil.copyfile(fresh, tmp)
    os.replace(tmp, project_target / "partial_parse.msgpack")
    return True


def prune_invocations(project_target: Path, keep: int = KEEP_INVOCATIONS) -> list[Path]:
    """Remove all but the newest `keep` invocation folders (each holds a manifest and a debug log)."""
    folders = sorted(
        (p for p in project_target.glob("fazhi_dbt-*") if p.is_dir()),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in folders[keep:]:
        shutil.rmtree(old, ignore_errors=True)
    return folders[keep:]


class FazhiDbtCliResource(DbtCliResource):
    """dagster-dbt's resource minus two start-up costs paid on every invocation.

    - It asks the executable for its version (`dbt --version`: ~4 s here, dbt
      imports itself and queries PyPI). The executable is the dbt-core
      installed beside us, so the version is known.
    - It opens its own dbt adapter (loads every dbt macro: ~4-6 s). That handle
      only serves `fetch_row_counts()` / `fetch_column_metadata()`, which this
      project does not call; without it dagster-dbt streams events as before.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        from dbt.version import __version__

        return version.parse(__version__)

    def _initialize_dbt_core_adapter(self, args):
        return None


@dbt_assets(
    # No `project=`: dagster-dbt would put the DbtProject object in every asset's
    # metadata, where the UI shows it as "[DbtProject] (unserializable)".
    manifest=dbt_project().manifest_path,
    dagster_dbt_translator=TRANSLATOR,
    pool=DUCKDB_POOL,
    retry_policy=RETRY,
    name="fazhi_dbt",
)
def fazhi_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource, duckdb: WorkDuckDB):
    if not settings.force_build() and up_to_date(duckdb):
        # No outputs: Dagster skips publish, which waits on the marts. The checks
        # state the results of the build that made the published warehouse: it
        # is that very build, and "skipped" would hide whether it passed.
        context.log.info(
            "dbt build skipped: the published warehouse was built from these very inputs "
            "(dbt project and source tables unchanged; FAZHI_FORCE_BUILD=1 builds anyway)"
        )
        yield from results_of_published_build(context)
        return
    with dbt_environment():
        invocation = dbt.cli(dbt_build_args(), context=context, raise_on_error=False)
        yield from dbt_events.asset_events(invocation, context)
        project_target = Path(dbt_project().project_dir) / dbt_project().target_path
        keep_partial_parse(invocation.target_path, project_target)
        prune_invocations(project_target)
        if invocation.is_successful():
            return
        error = invocation.get_error()
    message = str(error)
    if any(marker in message for marker in _TRANSIENT):
        raise error
    raise dg.Failure(description=f"dbt build failed: {message}", allow_retries=False)


def published_build_run(warehouse: Path) -> str | None:
    """The Dagster run that built the published warehouse (staging.warehouse_build), if recorded."""
    rows = duck.query_published(warehouse, f"SELECT run_id FROM staging.{build_state.TABLE}")
    return rows[0][0] if rows else None


def results_of_published_build(context: dg.AssetExecutionContext):
    """The selected checks' results from the run that built the published warehouse, stated again.

    A check with no result in that run (a run recorded in another Dagster
    instance, or no longer in this one) is left without one.
    """
    run_id = published_build_run(settings.warehouse())
    if run_id is None:
        return
    selected = context.selected_asset_check_keys
    for record in context.instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = record.dagster_event.event_specific_data
        if evaluation.asset_check_key not in selected:
            continue
        yield dg.AssetCheckResult(
            asset_key=evaluation.asset_key,
            check_name=evaluation.check_name,
            passed=evaluation.passed,
            severity=evaluation.severity,
            description=evaluation.description,
            metadata={**evaluation.metadata, "fazhi/result_of_run": dg.MetadataValue.dagster_run(run_id)},
        )


def up_to_date(duckdb: WorkDuckDB) -> bool:
    """True when the published warehouse and its exports came from the inputs dbt would read now."""
    with duckdb.connect(read_only=True) as con:
        current = build_state.inputs_fingerprint(con, settings.DBT_PROJECT_DIR)
    return build_state.up_to_date(current, settings.warehouse(), settings.exports_dir())


def dbt_resource() -> DbtCliResource:
    return FazhiDbtCliResource(project_dir=dbt_project())


def marts_keys() -> list[dg.AssetKey]:
    """Every dbt table in the marts schema (models and seeds): what publish waits for."""
    return sorted((k for k in fazhi_dbt_assets.keys if k.path[0] == "marts"), key=lambda k: k.path)
