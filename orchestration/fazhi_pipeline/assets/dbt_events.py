"""What `dbt build` reports, as Dagster shows it: tables with row counts, tests as readable checks.

Row counts: every table and seed logs "fazhi_row_count <n>" after it is built
(macros/log_row_count.sql), and that number goes on its materialization
(dagster/row_count). dagster-dbt's `fetch_row_counts()` cannot serve here: it
queries the DuckDB file from this process while dbt's process holds it.

Checks: dbt names a generic test after every argument it was given
(`unique_combination_of_columns_fct_cases_report_id__domain__stage__figure_rank`);
as an asset check on `marts/fct_cases` it is `one_row_per__report_id__domain__stage__figure_rank`,
described as "One row per report_id, domain, stage, figure_rank.". Singular
tests keep their names (named for the invariant) and are described by their
leading comment. dbt's name stays in each check's metadata (`dbt_test`).
dagster-dbt matches test results to checks by dbt's name, so the results are
turned into check results here, under the readable names. Tests on dbt
sources are not checks (see TRANSLATOR in assets/dbt.py): they become plain
observations of the source's asset.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliInvocation
from dagster_dbt.asset_utils import get_asset_check_key_for_test

_NOT_WORD = re.compile(r"\W+")


def _name_parts(node: Mapping[str, Any]) -> list[str]:
    meta = node.get("test_metadata") or {}
    test, kwargs = meta.get("name"), meta.get("kwargs") or {}
    column = node.get("column_name") or kwargs.get("column_name")
    if test == "unique_combination_of_columns":
        return ["one_row_per", *kwargs["combination_of_columns"]]
    if test == "not_null_columns":
        return ["not_null", *kwargs["columns"]] if len(kwargs["columns"]) <= 2 else ["not_null"]
    if test == "accepted_values_columns":
        return ["accepted_values", *kwargs["values"]]
    if test == "relationships_columns":
        return ["references", *kwargs["references"]]
    if test == "relationships":
        return ["references", column]
    if test == "accepted_range":
        return ["range", column]
    if test == "expression_is_true" and not column:
        return ["true", kwargs["expression"][:48]]
    return [test, column] if column else [test]


def _readable(node: Mapping[str, Any]) -> str:
    if not node.get("test_metadata"):
        return node["name"]  # a singular test: its file is named for the invariant
    parts = (_NOT_WORD.sub("_", str(p)).strip("_") for p in _name_parts(node) if p)
    return "__".join(p for p in parts if p)


def _attached(node: Mapping[str, Any]) -> str | None:
    return node.get("attached_node") or next(iter(node["depends_on"]["nodes"]), None)


_names_by_manifest: dict[int, dict[str, str]] = {}


def check_names(manifest: Mapping[str, Any]) -> dict[str, str]:
    """{test unique_id: check name}; dbt's own name where two tests on one model would share one."""
    cached = _names_by_manifest.get(id(manifest))
    if cached is not None:
        return cached
    tests = {uid: n for uid, n in manifest["nodes"].items() if n["resource_type"] == "test"}
    names = {uid: _readable(n) for uid, n in tests.items()}
    taken = Counter((_attached(tests[uid]), name) for uid, name in names.items())
    names = {
        uid: name if taken[(_attached(tests[uid]), name)] == 1 else tests[uid]["name"] for uid, name in names.items()
    }
    _names_by_manifest.clear()  # one manifest per process; keep no stale ones
    _names_by_manifest[id(manifest)] = names
    return names


def _listing(values) -> str:
    return ", ".join(str(v) for v in values)


def describe(node: Mapping[str, Any]) -> str:
    """What the test asserts, in a sentence."""
    if (node.get("description") or "").strip():
        return node["description"].strip()
    meta = node.get("test_metadata")
    if not meta:  # singular: the comment it opens with (after a config line, if any)
        lines = []
        for line in (node.get("raw_code") or "").splitlines():
            if line.startswith("{{") and not lines:
                continue
            if not line.startswith("--"):
                break
            lines.append(line.removeprefix("--").strip())
        return " ".join(line for line in lines if line) or node["name"]
    test, kwargs = meta["name"], meta.get("kwargs") or {}
    column = node.get("column_name") or kwargs.get("column_name")
    ref = lambda to: re.sub(r"^ref\('(.*)'\)$", r"\1", to)  # noqa: E731 - ref('dim_report') -> dim_report
    if test == "unique":
        return f"No two rows share a {column}."
    if test == "not_null":
        return f"{column} is never null."
    if test == "not_null_columns":
        return f"Never null: {_listing(kwargs['columns'])}."
    if test == "unique_combination_of_columns":
        return f"One row per {_listing(kwargs['combination_of_columns'])}."
    if test == "accepted_values_columns":
        return " ".join(f"{col} is one of {_listing(vals)}." for col, vals in kwargs["values"].items())
    if test == "relationships_columns":
        return " ".join(f"Every {col} is in {ref(r['to'])}.{r['field']}." for col, r in kwargs["references"].items())
    if test == "relationships":
        return f"Every {column} is in {ref(kwargs['to'])}.{kwargs['field']}."
    if test == "accepted_range":
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        bounds = [f">= {low}" if low is not None else "", f"<= {high}" if high is not None else ""]
        return f"{column} {' and '.join(b for b in bounds if b)}."
    if test == "expression_is_true":
        return f"True for every row: {kwargs['expression']}"
    return f"dbt test {test} ({_listing(f'{k}={v}' for k, v in kwargs.items() if k != 'model')})."


ROW_COUNT = re.compile(r"^fazhi_row_count (\d+)$")


def asset_events(invocation: DbtCliInvocation, context: dg.AssetExecutionContext) -> Iterator:
    """dagster-dbt's events for models and seeds, with row counts; check results and source observations for tests."""
    manifest, translator = invocation.manifest, invocation.dagster_dbt_translator
    names = check_names(manifest)
    selected = context.selected_asset_check_keys
    rows: dict[str, int] = {}
    for event in invocation.stream_raw_events():
        unique_id = event.raw_event["data"].get("node_info", {}).get("unique_id", "")
        counted = ROW_COUNT.match(event.raw_event["info"].get("msg") or "")
        if counted and unique_id:
            rows[unique_id] = int(counted.group(1))
            continue
        if not (event.is_result_event and unique_id.startswith("test.")):
            for out in event.to_default_asset_events(
                manifest=manifest, dagster_dbt_translator=translator, context=context,
                target_path=invocation.target_path, project=invocation.project,
            ):
                if isinstance(out, dg.Output) and unique_id in rows:
                    out = out.with_metadata({**out.metadata, "dagster/row_count": rows[unique_id]})
                yield out
            continue
        node = manifest["nodes"][unique_id]
        key = get_asset_check_key_for_test(manifest, translator, unique_id, project=invocation.project)
        check = dg.AssetCheckKey(key.asset_key, names[unique_id]) if key is not None else None
        if check is None or check not in selected:
            yield from _source_test_observations(manifest, translator, node, event.raw_event)
            continue
        status, metadata = _result(node, event.raw_event)
        yield dg.AssetCheckResult(
            asset_key=check.asset_key,
            check_name=check.name,
            passed=status == "pass",
            severity=dg.AssetCheckSeverity.WARN if status == "warn" else dg.AssetCheckSeverity.ERROR,
            metadata=metadata,
        )


def _result(node: Mapping[str, Any], raw_event: Mapping[str, Any]) -> tuple[str, dict]:
    data = raw_event["data"]
    status = str(data.get("status") or data.get("node_info", {}).get("node_status") or "").lower()
    metadata = {"dbt_test": node["name"], "unique_id": node["unique_id"], "status": status}
    if data.get("num_failures") is not None:
        metadata["dagster_dbt/failed_row_count"] = data["num_failures"]
    if data.get("execution_time") is not None:
        metadata["execution_seconds"] = round(float(data["execution_time"]), 3)
    return status, metadata


def _source_test_observations(
    manifest, translator: DagsterDbtTranslator, node, raw_event
) -> Iterator[dg.AssetObservation]:
    """A test on a dbt source, run by `dbt build` before the models that read the source."""
    status, metadata = _result(node, raw_event)
    for upstream in node["depends_on"]["nodes"]:
        props = manifest["nodes"].get(upstream) or manifest["sources"].get(upstream)
        yield dg.AssetObservation(
            asset_key=translator.get_asset_key(props),
            description=f"{describe(node)} (dbt test on this source: {status})",
            metadata=metadata,
        )
