"""`python -m fazhi_pipeline run`: materialize the whole graph in-process and summarise.

Runs are recorded in $DAGSTER_HOME (default <repo>/.dagster_home), the same
instance `make dev` uses, so they show up in the UI.
"""
from __future__ import annotations

import argparse
import contextlib
import logging
import os
import shutil
import signal
import sys
from pathlib import Path

import duckdb

from fazhi_pipeline import duck, settings, termination

FACT_TABLES = ("fct_metric_values", "fct_cases", "fct_mediation", "fct_review_rates", "fct_metric_changes")


def dagster_home() -> Path:
    home = Path(os.environ.get("DAGSTER_HOME") or settings.REPO_ROOT / ".dagster_home").resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = settings.REPO_ROOT / "dagster.yaml"
    target = home / "dagster.yaml"
    if config.exists() and (not target.exists() or target.read_bytes() != config.read_bytes()):
        shutil.copyfile(config, target)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def _run_pid(instance, run_id: str) -> int | None:
    """The pid that executes the run: its first engine event naming one."""
    import dagster as dg

    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
        data = record.dagster_event.event_specific_data if record.dagster_event else None
        pid = getattr(data, "metadata", {}).get("pid") if data is not None else None
        if pid is not None:
            try:
                return int(getattr(pid, "value", pid))
            except (TypeError, ValueError):
                return None
    return None


def release_abandoned_runs(instance) -> list[str]:
    """Mark runs whose process is gone as failed and free their `duckdb` pool slot.

    A run killed outright (SIGKILL, OOM killer, power cut) never reports its end,
    so the pool slot it claimed stays taken and every later run waits for it
    forever (Dagster's daemon frees slots only of runs known to have finished,
    and `make run` has no daemon). A run holding or waiting for a slot is
    abandoned when it has finished, or when the process executing it (the pid
    its engine events record) no longer exists. The instance is local
    (<repo>/.dagster_home), so that pid is on this machine.
    """
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return []
    released = []
    for run_id in sorted(storage.get_concurrency_run_ids()):
        run = instance.get_run_by_id(run_id)
        if run is not None and not run.is_finished:
            pid = _run_pid(instance, run_id)
            if pid is None or _process_alive(pid):
                continue  # still running, or not ours to judge
            instance.report_run_failed(run, message=f"the process running it (pid {pid}) is gone")
        storage.free_concurrency_slots_for_run(run_id)
        released.append(run_id)
    return released


def run_all(verbose: bool = False) -> bool:
    """Execute job fazhi_all; True when every step succeeded.

    Unless verbose, Dagster logs below ERROR are hidden and dbt's own output
    goes to <DAGSTER_HOME>/logs/last_run.log, so the summary stays readable.
    """
    import dagster as dg

    from fazhi_pipeline.definitions import defs

    home = dagster_home()
    log_path = home / "logs" / "last_run.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    level = "DEBUG" if verbose else "ERROR"
    run_config = {"loggers": {"console": {"config": {"log_level": level}}}}
    with contextlib.ExitStack() as stack:
        if not verbose:
            stack.enter_context(contextlib.redirect_stdout(stack.enter_context(log_path.open("w"))))
            # When dbt is skipped as up to date, Dagster warns once per blocking dbt
            # check that reported nothing: expected then, and said in one line below.
            logging.getLogger("dagster._core.execution.plan.active").setLevel(logging.ERROR)
        instance = stack.enter_context(dg.DagsterInstance.get())
        for run_id in release_abandoned_runs(instance):
            print(f"released the duckdb pool slot of abandoned run {run_id}", file=sys.stderr)
        damaged_before = set(duck.damaged_copies(settings.work_db()))
        with termination.watch():
            result = defs.resolve_job_def("fazhi_all").execute_in_process(
                instance=instance, raise_on_error=False, run_config=run_config
            )
    _print_outcome(result, damaged_before, None if verbose else log_path)
    return result.success and termination.requested() is None


def _print_outcome(result, damaged_before: set[Path], log_path: Path | None) -> None:
    """What a run did beyond the summary: a work DB moved aside, dbt's log (`log_path`, when
    not verbose), a skipped build, failed checks and steps."""
    for aside in duck.damaged_copies(settings.work_db()):
        if aside not in damaged_before:
            print(f"the work database was damaged: moved aside to {aside} and rebuilt from the reports folder "
                  "(raw.file_events restored from the published warehouse)", file=sys.stderr)
    if log_path is not None:
        print(f"dbt output: {log_path}")
    if any(e.event_type_value == "STEP_SKIPPED" and e.step_key.startswith("warehouse") for e in result.all_events):
        print("warehouse up to date: nothing new since it was published, so dbt build and publish were skipped "
              "(FAZHI_FORCE_BUILD=1 rebuilds anyway)")
    failed_checks = [
        e.event_specific_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.event_specific_data.passed
    ]
    for check in failed_checks:
        print(f"check failed: {check.asset_key.to_user_string()} {check.check_name} "
              f"({check.severity.value})", file=sys.stderr)
    if not result.success:
        for event in result.all_events:
            if event.is_step_failure:
                err = event.step_failure_data.error
                print(f"step failed: {event.step_key}: {err.message.strip() if err else ''}", file=sys.stderr)


def _manifest_summary(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The source manifest's lines of the summary: what it cites, and every row with a problem."""
    try:
        rows = con.execute(
            "SELECT line_no, report_id, is_official_domain, problem FROM staging.int_report_sources ORDER BY line_no"
        ).fetchall()
    except duckdb.CatalogException:  # a warehouse published before the source manifest existed
        return []
    if not rows:
        return []
    cited = [official for _, report_id, official, _ in rows if report_id is not None]
    problems = [(line_no, problem) for line_no, _, _, problem in rows if problem is not None]
    lines = [f"source manifest ({settings.sources_file()}): {len(rows)} rows, {len(cited)} reports cited "
             f"({sum(o is True for o in cited)} on official government domains, {sum(o is False for o in cited)} "
             f"elsewhere), {len(problems)} rows with problems"]
    lines.extend(f"  source manifest line {line_no}: {problem}" for line_no, problem in problems)
    return lines


def summary(path: Path) -> str:
    """What the published warehouse holds, for humans."""
    lines = [f"warehouse: {path}", f"parquet exports: {settings.exports_dir()}",
             f"review site: {settings.site_dir() / 'index.html'}"]
    con = duckdb.connect(str(path), read_only=True)
    try:
        files = con.execute(
            "SELECT status, count(*) FROM raw.report_files GROUP BY status ORDER BY status"
        ).fetchall()
        lines.append("files: " + ", ".join(f"{n} {s}" for s, n in files))
        formats = con.execute(
            "SELECT coalesce(format, 'unread'), count(*) FILTER (WHERE status = 'accepted'), count(*) "
            "FROM raw.report_files GROUP BY ALL ORDER BY 1"
        ).fetchall()
        lines.append("formats: " + ", ".join(f"{f} {a}/{n} accepted" for f, a, n in formats))
        reports = con.execute("SELECT count(*) FROM marts.dim_report").fetchone()[0]
        lines.append(f"reports: {reports}")
        marts = con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'").fetchall()
        present = {t for (t,) in marts}
        for table in FACT_TABLES:
            if table not in present:  # a warehouse published by an older fazhi
                continue
            n = con.execute(f"SELECT count(*) FROM marts.{table}").fetchone()[0]
            lines.append(f"  marts.{table}: {n} rows")
        others = con.execute(
            """
            SELECT source_file, status, reason FROM raw.report_files
            WHERE status <> 'accepted' ORDER BY source_file
            """
        ).fetchall()
        for source_file, status, reason in others:
            lines.append(f"  {status}: {source_file}: {reason}")
        try:
            corrections = con.execute(
                "SELECT line_no, status, unmatched_reason FROM marts.fct_corrections ORDER BY line_no"
            ).fetchall()
        except duckdb.CatalogException:  # a warehouse published before corrections existed
            corrections = []
        if corrections:
            applied = sum(status == "applied" for _, status, _ in corrections)
            lines.append(f"corrections ({settings.corrections_file()}): {applied} applied, "
                         f"{len(corrections) - applied} unmatched")
            for line_no, status, why in corrections:
                if status != "applied":
                    lines.append(f"  unmatched correction on line {line_no}: {why}")
        lines.extend(_manifest_summary(con))
    finally:
        con.close()
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fazhi_pipeline")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="build and publish the warehouse from the reports folder")
    run.add_argument("-v", "--verbose", action="store_true", help="show Dagster and dbt logs")
    sub.add_parser("summary", help="describe the published warehouse")
    args = parser.parse_args(argv)
    print(f"reports folder: {settings.reports_dir()}")
    if args.command == "run" and not run_all(verbose=args.verbose):
        signum = termination.requested()
        if signum is not None:
            print(f"run terminated by {signal.Signals(signum).name}: stopped, nothing was published",
                  file=sys.stderr)
            return 128 + signum
        print("run failed; the published warehouse was left as it was", file=sys.stderr)
        return 1
    if not settings.warehouse().exists():
        print(f"no warehouse at {settings.warehouse()}", file=sys.stderr)
        return 1
    print(summary(settings.warehouse()))
    return 0
