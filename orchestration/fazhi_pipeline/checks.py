"""Asset checks on what ingest and parse wrote (dbt's own tests arrive as checks too)."""

from datetime import UTC, datetime

import dagster as dg

from fazhi_pipeline import duck, settings
from fazhi_pipeline.assets.ingest import REPORT_FILES_KEY
from fazhi_pipeline.assets.parse import STAGING_KEYS
from fazhi_pipeline.assets.policies import DUCKDB_POOL
from fazhi_pipeline.resources import WorkDuckDB
from fazhi_read import folder as reports_folder

_SAMPLE = 5  # failing rows shown in check metadata
_HISTORY = 20  # past executions searched for the last pass; beyond, everything is checked


@dg.asset_check(asset=REPORT_FILES_KEY, pool=DUCKDB_POOL, description=(
    "Every file in the reports folder has exactly one row, and every row that is not accepted says why."
))
def every_file_accounted_for(duckdb: WorkDuckDB) -> dg.AssetCheckResult:
    files, unlistable = reports_folder.list_files(settings.reports_dir())
    on_disk = len(files) + len(unlistable)
    with duckdb.connect(read_only=True) as con:
        rows, distinct = con.execute(
            "SELECT count(*), count(DISTINCT source_file) FROM raw.report_files"
        ).fetchone()
        unexplained = [
            r[0]
            for r in con.execute(
                """
                SELECT source_file FROM raw.report_files
                WHERE status <> 'accepted' AND coalesce(trim(reason), '') = ''
                ORDER BY source_file
                """
            ).fetchall()
        ]
        bad_status = con.execute(
            "SELECT count(*) FROM raw.report_files WHERE status NOT IN ('accepted', 'duplicate', 'rejected')"
        ).fetchone()[0]
    passed = rows == on_disk == distinct and not unexplained and not bad_status
    return dg.AssetCheckResult(
        passed=passed,
        metadata={
            "files_on_disk": on_disk,
            "rows": rows,
            "distinct_source_files": distinct,
            "non_accepted_without_reason": len(unexplained),
            "examples": ", ".join(unexplained[:_SAMPLE]),
            "unknown_status": bad_status,
        },
    )


# Reports whose texts are held in memory at once by the offset checks.
_REPORTS_PER_CHUNK = 500


def _spans_not_given_back(con, table: str, id_sql: str, since: datetime | None = None) -> tuple[int, list[str]]:
    """(spans checked, ids whose offsets do not give back their text) for a staging table.

    With `since`, only reports parsed after it (staging.parse_log) are checked.
    Slicing is done in Python, a chunk of reports at a time: in SQL, joining
    every span to its report's full text copies that text per row (quadratic
    on a 20 MB file); sorting all texts and spans to merge them needs memory
    for the whole corpus (over DuckDB's memory_limit at 10,000 reports).
    """
    text_col = "figure_text" if table == "facts" else "text"
    bad = [str(r[0]) for r in con.execute(f"SELECT {id_sql} FROM staging.{table} WHERE report_id IS NULL").fetchall()]
    total = len(bad)
    scope = "" if since is None else "AND report_id IN (SELECT report_id FROM staging.parse_log WHERE parsed_at > ?)"
    ids = [r[0] for r in con.execute(
        f"SELECT DISTINCT report_id FROM staging.{table} WHERE report_id IS NOT NULL {scope} ORDER BY 1",
        [] if since is None else [since]).fetchall()]
    for i in range(0, len(ids), _REPORTS_PER_CHUNK):
        chunk = ids[i:i + _REPORTS_PER_CHUNK]
        # The id range lets DuckDB skip row groups; the list keeps only this chunk's reports.
        con.register("_chunk", duck.keys_arrow(chunk))
        try:
            where = "report_id BETWEEN ? AND ? AND report_id IN (SELECT k FROM _chunk)"
            # Accepted rows have distinct report_ids (same bytes = same text = a duplicate).
            texts = dict(con.execute(
                f"SELECT report_id, text FROM raw.report_files WHERE status = 'accepted' AND {where}",
                [chunk[0], chunk[-1]]).fetchall())
            spans = con.execute(
                f"SELECT report_id, {id_sql}, char_start, char_length, {text_col} FROM staging.{table} WHERE {where}",
                [chunk[0], chunk[-1]])
            while batch := spans.fetchmany(10_000):
                for report_id, span_id, start, length, expected in batch:
                    total += 1
                    here = texts.get(report_id)
                    if (here is None or start is None or length is None
                            or here[start - 1:start - 1 + length] != expected):
                        bad.append(str(span_id))
        finally:
            con.unregister("_chunk")
    return total, sorted(bad)


def _last_pass(context: dg.AssetCheckExecutionContext, asset_key: dg.AssetKey) -> datetime | None:
    """When this check last passed, if the asset it checks was materialized in this run.

    Then only reports parsed since need checking: the rest were checked when
    loaded, and nothing but the parse step writes these tables. A check run on
    its own (no materialization in its run) checks everything.
    """
    instance = context.instance
    latest = instance.get_latest_materialization_event(asset_key)
    if latest is None or latest.run_id != context.run.run_id:
        return None
    check_key = dg.AssetCheckKey(asset_key, context.check_specs[0].name)
    # Newest first; this run's own execution is still PLANNED.
    for record in instance.event_log_storage.get_asset_check_execution_history(check_key, limit=_HISTORY):
        if record.status.name == "SUCCEEDED" and record.event is not None:
            return datetime.fromtimestamp(record.event.timestamp, UTC)
    return None


def _offsets_result(context, duckdb: WorkDuckDB, table: str, id_sql: str) -> dg.AssetCheckResult:
    # Set only when this run parsed, and the parse step always creates staging.parse_log.
    since = _last_pass(context, STAGING_KEYS[table])
    with duckdb.connect(read_only=True) as con:
        total, bad = _spans_not_given_back(con, table, id_sql, since)
    return dg.AssetCheckResult(
        passed=not bad,
        metadata={
            table: total,
            "mismatched": len(bad),
            "examples": ", ".join(bad[:_SAMPLE]),
            "scope": f"reports parsed since {since.isoformat()}" if since else "all reports",
        },
    )


@dg.asset_check(asset=STAGING_KEYS["facts"], pool=DUCKDB_POOL, description=(
    "substr(raw text, char_start, char_length) gives back each fact's figure exactly as printed "
    "(in a run that parsed, for the reports parsed since the check last passed)."
))
def fact_offsets_give_back_figure(context: dg.AssetCheckExecutionContext, duckdb: WorkDuckDB) -> dg.AssetCheckResult:
    return _offsets_result(context, duckdb, "facts", "fact_id")


@dg.asset_check(asset=STAGING_KEYS["sentences"], pool=DUCKDB_POOL, description=(
    "substr(raw text, char_start, char_length) gives back each sentence exactly (dbt checks figures against "
    "sentences; in a run that parsed, for the reports parsed since the check last passed)."
))
def sentence_offsets_give_back_text(context: dg.AssetCheckExecutionContext, duckdb: WorkDuckDB) -> dg.AssetCheckResult:
    return _offsets_result(context, duckdb, "sentences", "report_id || ':' || sentence_no")


@dg.asset_check(asset=STAGING_KEYS["documents"], pool=DUCKDB_POOL, description=(
    "Share of documents with a resolved region and report year (reported; fails only if no document has either)."
))
def region_year_coverage(duckdb: WorkDuckDB) -> dg.AssetCheckResult:
    with duckdb.connect(read_only=True) as con:
        n, with_region, with_year, rule_of_law = con.execute(
            """
            SELECT count(*), count(region_code), count(report_year),
                   count(*) FILTER (WHERE kind = 'rule_of_law_report')
            FROM staging.documents
            """
        ).fetchone()
    def share(k):
        return (round(k / n, 4) if n else None)
    return dg.AssetCheckResult(
        passed=n == 0 or (with_region + with_year) > 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "documents": n,
            "region_share": share(with_region),
            "year_share": share(with_year),
            "rule_of_law_share": share(rule_of_law),
        },
    )


CHECKS = [
    every_file_accounted_for, fact_offsets_give_back_figure, sentence_offsets_give_back_text, region_year_coverage,
]
