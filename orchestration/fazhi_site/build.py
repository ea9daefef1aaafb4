"""Build the static review site from a published warehouse, re-rendering only what changed.

    build_site(warehouse, out_dir, full=False) -> SiteSummary

Reads the warehouse read-only and writes, into a fresh folder swapped in for
`out_dir` at the end (a reader never sees a half-written site):

- index.html: coverage (reports per province and year), search by region and
  year, facts per report, the build's time and parser version
- charts.html: distributions of the core rates per year, a map of regions
  coloured by a chosen metric (Vega-Lite specs made with Altair)
- reports/<report_id>.html: one page per report: the original text with every
  figure highlighted where it stands, the facts in a side panel, and for each
  figure a ready-made line for the corrections file
- assets/: stylesheet, scripts, the metric catalog, the report list, and the
  Vega/Vega-Lite/vega-embed bundle (from vl-convert-python: no CDN)
- site-manifest.json: what the next build needs to skip unchanged pages

Incremental: a report's page is a pure function of its inputs (its dim_report
row, its text, its figures, derived rates and unmatched corrections, the metric
catalog) and of this package's code. The build digests those inputs per report
(text and figures digested inside DuckDB, one query per table), and a page
whose digest matches the previous build's manifest is hard-linked from the old
site instead of being re-rendered. Pages of reports no longer in the warehouse
are not carried over. The index, charts, report list and catalog span all
reports and are written every time; the Vega bundle is carried over while
vl-convert-python's version is the same. No manifest (or another code
version, or `full=True`) means every page is rendered. Either way the output
is byte-identical to a full build of the same warehouse (build.json's
`built_at` aside).

Everything is relative links and classic scripts, so the site works opened
from disk (file://) as well as from any static server.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import metadata, resources
from pathlib import Path

import duckdb
import polars as pl

from fazhi_site import charts
from fazhi_site import corrections as fz_corrections
from fazhi_site.pages import (  # noqa: F401  (KINDS, report_page, index_page: re-exported for callers of build)
    KINDS,
    _json_for_script,
    _region_path,
    charts_page,
    index_page,
    place_spans,
    report_page,
)

TEXT_BATCH = 500  # reports whose texts and figures are read at a time
MANIFEST = "site-manifest.json"
MANIFEST_FORMAT = 1  # bump when the manifest's meaning changes: the next build is then a full one


@dataclass
class SiteSummary:
    out_dir: Path
    reports: int
    pages: int  # report pages in the site
    figures: int
    seconds: float
    rendered: int = 0  # report pages rendered and written by this build (the rest were carried over)
    full: bool = True  # every page was rendered (no usable manifest, or asked for)


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> pl.DataFrame:
    return con.sql(sql, params=params).pl() if params else con.sql(sql).pl()


def _has_table(con, schema: str, table: str) -> bool:
    # fetchall, not fetchone: DuckDB 2 refuses new work on a connection with a result left unread
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, table]
        ).fetchall()[0][0]
    )


# --- what the warehouse says -------------------------------------------------

_REPORTS_SQL = """
select
    d.report_id, d.source_file, d.region_code, d.report_year, d.title, d.issuer, d.kind, d.script,
    cast(d.published_on as varchar) as published_on, d.sha256, d.encoding, d.media_type,
    d.parser_version, d.char_count, {source_columns},
    g.region_name, g.level, g.province, g.prefecture
from marts.dim_report as d
left join marts.dim_region as g on g.region_code = d.region_code
order by d.source_file
"""

# Every figure with a span, one row per (span, way it is shown); the page keeps the first kind per span.
_FIGURES_SQL = """
with metric_values as (
    select report_id, char_start, char_length, figure_text, source as kind, metric_code, value, comparator,
           printed_unit, channel, cast(null as varchar) as period_kind, cast(null as varchar) as period_text,
           cast(null as varchar) as scope, fact_id, original_metric_code, original_value, original_comparator,
           correction_action, correction_reason, corrected_by
    from marts.fct_metric_values
    where source in ('stated', 'corrected') and char_start is not null
),
context as (
    select report_id, char_start, char_length, figure_text, 'context', metric_code, value, comparator,
           printed_unit, channel, period_kind, period_text, scope, fact_id, null, null, null, null, null, null
    from marts.fct_context_figures
),
rejected as (
    select report_id, char_start, char_length, figure_text, 'rejected', original_metric_code, original_value,
           original_comparator, null, null, null, null, null, original_fact_id, original_metric_code,
           original_value, original_comparator, action, reason, reviewer
    from marts.fct_corrections
    where status = 'applied' and action = 'reject'
),
facts as (
    select report_id, char_start, char_length, figure_text,
           case
               when measure_kind = 'change' then 'change'
               when parent_fact_id is not null then 'part'
               else 'other'
           end,
           metric_code, value, comparator, unit, channel, period_kind, period_text, scope, fact_id,
           null, null, null, null, null, null
    from staging.facts
),
mentions as (
    select report_id, char_start, char_length, figure_text, 'unclassified', metric_code, value, comparator,
           unit, null, null, null, null, null, null, null, null, null, null, null
    from staging.mentions
)
select * from metric_values
union all select * from context
union all select * from rejected
union all select * from facts
union all select * from mentions
"""


# Where the report was published (the source manifest); null in a warehouse built before dim_report had them.
_SOURCE_COLUMNS = ("source_url", "source_host", "is_official_domain")

# A page's figures in one fixed order (every column), so that the page is a function of the set of rows.
_PAGE_FIGURES_SQL = "select * from ({figures}) where report_id in (select unnest(?)) order by all"
# Digests of what the pages show, computed in DuckDB: one query per table for all reports. A text is
# also pinned by its file's sha256 and the parser version (both in the report's row); a figure row is
# hashed whole (every column) and the hashes summed, so the digest is of the set of rows, in any order.
_TEXT_DIGESTS_SQL = (
    "select report_id, length(text) || ':' || hash(text) from raw.report_files where status = 'accepted'"
)
_FIGURE_DIGESTS_SQL = (
    "select report_id, count(*) || ':' || sum(hash(f)::hugeint) from ({figures}) as f group by report_id"
)


def _load(con: duckdb.DuckDBPyConnection) -> dict:
    """Everything the site shows but the reports' texts and figures (read a batch at a time)."""
    have = {r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_schema = 'marts' and table_name = 'dim_report'"
    ).fetchall()}
    source_columns = ", ".join(f"d.{c}" if c in have else f"null as {c}" for c in _SOURCE_COLUMNS)
    has_corrections = _has_table(con, "marts", "fct_corrections")
    build = None
    if _has_table(con, "staging", "warehouse_build"):
        rows = con.execute("select cast(built_at as varchar), run_id from staging.warehouse_build").fetchall()
        build = {"built_at": rows[0][0], "run_id": rows[0][1]} if rows else None
    return {
        "reports": _frame(con, _REPORTS_SQL.format(source_columns=source_columns)).to_dicts(),
        "figures_sql": _FIGURES_SQL if has_corrections else _FIGURES_SQL.replace(
            "union all select * from rejected\n", ""
        ),
        "metrics": _frame(
            con, "select metric_code, domain, measure, unit, label_zh from marts.dim_metric order by metric_code"
        ).to_dicts(),
        "derived": _frame(
            con,
            "select report_id, metric_code, value, channel, basis from marts.fct_metric_values "
            "where source = 'derived' order by report_id, metric_code, channel, value, basis",
        ).to_dicts(),
        "unmatched": _frame(
            con,
            "select line_no, action, report_id, source_file, char_start, char_length, figure_text, text_at_span, "
            "unmatched_reason, reason, reviewer from marts.fct_corrections where status = 'unmatched' order by line_no",
        ).to_dicts() if has_corrections else [],
        "wide": _frame(con, "select * from marts.rpt_report_metrics_wide order by source_file"),
        "divisions": _frame(
            con,
            "select region_code, region_name, level, province, longitude, latitude from marts.dim_region "
            "where longitude is not null and latitude is not null order by region_code",
        ),
        "n_divisions": dict(
            con.execute("select province, count(*) from marts.dim_region group by province").fetchall()
        ),
        "build": build,
    }


@dataclass
class _Inputs:
    """What every report page is rendered from, besides its own text and figures."""

    labels: dict[str, str]
    domains: dict[str, str]
    derived: dict[str, list[dict]]  # report_id -> its derived rates
    unmatched: dict[str, list[dict]]  # report_id -> its corrections that match nothing
    catalog_digest: str

    @classmethod
    def of(cls, data: dict) -> _Inputs:
        derived: dict[str, list[dict]] = {}
        for d in data["derived"]:
            derived.setdefault(d["report_id"], []).append(d)
        unmatched: dict[str, list[dict]] = {}
        for u in data["unmatched"]:
            if u.get("report_id"):
                unmatched.setdefault(u["report_id"], []).append(u)
        return cls(
            labels={m["metric_code"]: m["label_zh"] for m in data["metrics"]},
            domains={m["metric_code"]: m["domain"] for m in data["metrics"]},
            derived=derived,
            unmatched=unmatched,
            catalog_digest=_digest(data["metrics"]),
        )


def _digest(obj) -> str:
    blob = json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@cache
def code_version() -> str:
    """A digest of this package's code and static files: a page looks the way this code draws it."""
    h = hashlib.sha256(f"manifest {MANIFEST_FORMAT}\n".encode())
    root = resources.files("fazhi_site")
    entries = [(f"{e.name}", e) for e in root.iterdir() if e.name.endswith(".py")]
    entries += [(f"static/{e.name}", e) for e in root.joinpath("static").iterdir() if e.is_file()]
    for name, entry in sorted(entries, key=lambda x: x[0]):
        h.update(name.encode() + b"\0" + entry.read_bytes() + b"\0")
    return h.hexdigest()


def _page_digests(con: duckdb.DuckDBPyConnection, data: dict, inputs: _Inputs) -> dict[str, str]:
    """report_id -> digest of everything its page shows (and of the code that draws it)."""
    texts = dict(con.execute(_TEXT_DIGESTS_SQL).fetchall())
    figures = dict(con.execute(_FIGURE_DIGESTS_SQL.format(figures=data["figures_sql"])).fetchall())
    common = [code_version(), duckdb.__version__, inputs.catalog_digest]
    return {
        r["report_id"]: _digest([
            common, r, texts.get(r["report_id"]), figures.get(r["report_id"]),
            inputs.derived.get(r["report_id"], []), inputs.unmatched.get(r["report_id"], []),
        ])
        for r in data["reports"]
    }


# --- the report pages ------------------------------------------------------------

def _read_manifest(out_dir: Path) -> dict | None:
    """The previous build's manifest when this code wrote it; None means: render every page."""
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("code") != code_version():
        return None
    if not isinstance(manifest.get("pages"), dict):
        return None
    return manifest


def _carry_over(old: Path, new: Path) -> bool:
    """Hard-link (else copy) an unchanged file of the previous site into the new one; False when it is gone."""
    try:
        os.link(old, new)
    except FileNotFoundError:
        return False
    except OSError:
        try:
            shutil.copyfile(old, new)
        except OSError:
            return False
    return True


def _render_batch(
    con: duckdb.DuckDBPyConnection, data: dict, inputs: _Inputs, batch: list[dict], stage: Path
) -> dict[str, dict[str, int]]:
    """Render and write the pages of `batch`; report_id -> its highlighted figures per kind."""
    ids = [r["report_id"] for r in batch]
    texts = dict(
        con.execute(
            "select report_id, text from raw.report_files where status = 'accepted' and report_id in "
            "(select unnest(?))",
            [ids],
        ).fetchall()
    )
    # a batch at a time: at 10,000 reports all figures at once would hold ~1 GB of dicts
    figures: dict[str, list[dict]] = {}
    for f in _frame(con, _PAGE_FIGURES_SQL.format(figures=data["figures_sql"]), [ids]).to_dicts():
        figures.setdefault(f["report_id"], []).append(f)
    counts = {}
    for r in batch:
        rid = r["report_id"]
        placed = place_spans(figures.get(rid, []))
        page = report_page(
            r, texts.get(rid) or "", placed, inputs.derived.get(rid, []), inputs.labels, inputs.domains,
            inputs.unmatched.get(rid),
        )
        (stage / "reports" / f"{rid}.html").write_text(page, encoding="utf-8")
        kinds: dict[str, int] = {}
        for f in placed:
            kinds[f["kind"]] = kinds.get(f["kind"], 0) + 1
        counts[rid] = kinds
    return counts


def _report_pages(
    con: duckdb.DuckDBPyConnection, data: dict, inputs: _Inputs, previous: dict | None, out_dir: Path, stage: Path
) -> tuple[dict[str, dict], int]:
    """Every report's page into stage/reports: carried over when its digest is the previous build's, else rendered.

    Returns the manifest's pages (report_id -> digest and figure counts) and how many pages were rendered.
    """
    digests = _page_digests(con, data, inputs)
    old_pages = (previous or {}).get("pages", {})
    pages: dict[str, dict] = {}
    todo = []
    for r in data["reports"]:
        rid = r["report_id"]
        old = old_pages.get(rid)
        name = f"{rid}.html"
        same = isinstance(old, dict) and old.get("digest") == digests[rid] and isinstance(old.get("counts"), dict)
        if same and _carry_over(out_dir / "reports" / name, stage / "reports" / name):
            pages[rid] = old
        else:
            todo.append(r)
    for i in range(0, len(todo), TEXT_BATCH):
        batch = todo[i : i + TEXT_BATCH]
        for rid, kinds in _render_batch(con, data, inputs, batch, stage).items():
            pages[rid] = {"digest": digests[rid], "counts": kinds}
    return pages, len(todo)


# --- what spans all reports ---------------------------------------------------------

def _chart_data(wide: pl.DataFrame, divisions: pl.DataFrame, labels: dict[str, str]) -> tuple[dict, dict]:
    coords = {r["region_code"]: r for r in divisions.iter_rows(named=True)}
    rates, points = [], []
    metric_columns = {m: m.replace(".", "_") for m in charts.CORE_RATES}
    latest: dict[tuple[str, str], dict] = {}
    for r in wide.iter_rows(named=True):
        for metric, column in metric_columns.items():
            value = r.get(column)
            if value is None:
                continue
            region = r.get("region_name") or r.get("source_file")
            if r.get("report_year") is not None:
                rates.append(
                    {
                        "metric": metric,
                        "label": charts.CORE_RATES[metric],
                        "year": r["report_year"],
                        "value": value,
                        "region": region,
                    }
                )
            c = coords.get(r.get("region_code"))
            if c is None:
                continue
            key = (r["region_code"], metric)
            if key not in latest or (r.get("report_year") or 0) >= (latest[key]["year"] or 0):
                latest[key] = {
                    "longitude": c["longitude"],
                    "latitude": c["latitude"],
                    "region": region,
                    "year": r.get("report_year"),
                    "metric": metric,
                    "label": charts.CORE_RATES[metric],
                    "value": value,
                }
    points = list(latest.values())
    backdrop = [
        {"longitude": r["longitude"], "latitude": r["latitude"], "name": r["region_name"]}
        for r in divisions.iter_rows(named=True)
    ]
    return charts.rate_distributions(rates), charts.region_map(backdrop, points, charts.CORE_RATES)


def _static(name: str) -> str:
    return resources.files("fazhi_site").joinpath("static", name).read_text(encoding="utf-8")


def _listing(reports: list[dict], pages: dict[str, dict], inputs: _Inputs) -> list[dict]:
    """assets/reports.js: one entry per report, what the index's search shows."""
    return [
        {
            "id": r["report_id"],
            "file": r["source_file"],
            "title": r.get("title") or "",
            "region": _region_path(r),
            "code": r.get("region_code") or "",
            "province": r.get("province") or "(未识别)",
            "year": r.get("report_year"),
            "stated": pages[r["report_id"]]["counts"].get("stated", 0),
            "corrected": pages[r["report_id"]]["counts"].get("corrected", 0),
            "context": pages[r["report_id"]]["counts"].get("context", 0),
            "derived": len(inputs.derived.get(r["report_id"], [])),
        }
        for r in reports
    ]


def _write_pages(stage: Path, data: dict, inputs: _Inputs, pages: dict[str, dict]) -> None:
    """index.html, charts.html and the data they read (the report list, the metric catalog)."""
    reports = data["reports"]
    parser_versions = sorted({r["parser_version"] for r in reports if r.get("parser_version")})
    (stage / "index.html").write_text(
        index_page(reports, data["build"], parser_versions, data["unmatched"], data["n_divisions"]), encoding="utf-8"
    )
    rates_spec, map_spec = _chart_data(data["wide"], data["divisions"], inputs.labels)
    (stage / "charts.html").write_text(charts_page(rates_spec, map_spec, data["build"]), encoding="utf-8")
    assets = stage / "assets"
    listing = _listing(reports, pages, inputs)
    (assets / "reports.js").write_text(f"window.FAZHI_REPORTS = {_json_for_script(listing)};\n", encoding="utf-8")
    catalog = [{"code": m["metric_code"], "label": m["label_zh"], "domain": m["domain"]} for m in data["metrics"]]
    (assets / "catalog.js").write_text(
        "window.FAZHI_CATALOG = " + _json_for_script(catalog) + ";\nwindow.FAZHI_CORRECTION_COLUMNS = "
        + _json_for_script(list(fz_corrections.COLUMNS)) + ";\n",
        encoding="utf-8",
    )


def _vega_version() -> str:
    return metadata.version("vl-convert-python")


def _write_assets(stage: Path, previous: dict | None, out_dir: Path) -> None:
    """The static files, and the Vega bundle (~2 s to make: carried over while vl-convert's version holds)."""
    assets = stage / "assets"
    for name in ("site.css", "report.js", "index.js", "charts.js"):
        (assets / name).write_text(_static(name), encoding="utf-8")
    same = previous is not None and previous.get("vega") == _vega_version()
    if not (same and _carry_over(out_dir / "assets" / "vega.js", assets / "vega.js")):
        (assets / "vega.js").write_text(charts.javascript_bundle(), encoding="utf-8")


def _write_manifest(stage: Path, pages: dict[str, dict]) -> None:
    manifest = {"format": MANIFEST_FORMAT, "code": code_version(), "vega": _vega_version(), "pages": pages}
    text = json.dumps(manifest, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    (stage / MANIFEST).write_text(text + "\n", encoding="utf-8")


def _write_build_json(stage: Path, data: dict) -> None:
    """build.json: when the site was built (the one volatile file) and from what."""
    (stage / "build.json").write_text(
        json.dumps(
            {
                "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "warehouse_built_at": (data["build"] or {}).get("built_at"),
                "reports": len(data["reports"]),
                "parser_versions": sorted({r["parser_version"] for r in data["reports"] if r.get("parser_version")}),
                "unmatched_corrections": len(data["unmatched"]),
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )


# --- the build -----------------------------------------------------------------------

def build_site(warehouse: Path, out_dir: Path, *, full: bool = False) -> SiteSummary:
    """Write the site for `warehouse` into a new folder, then swap it in at `out_dir`.

    Report pages whose inputs did not change since the build in `out_dir` are carried over
    (hard links); `full=True` renders every page whatever the manifest says.
    """
    began = time.monotonic()
    out_dir = Path(out_dir)
    previous = None if full else _read_manifest(out_dir)
    stage = out_dir.parent / f".{out_dir.name}.new-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "reports").mkdir(parents=True)
    (stage / "assets").mkdir()
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            data = _load(con)
            inputs = _Inputs.of(data)
            pages, rendered = _report_pages(con, data, inputs, previous, out_dir, stage)
        finally:
            con.close()
        _write_pages(stage, data, inputs, pages)
        _write_assets(stage, previous, out_dir)
        _write_manifest(stage, pages)
        _write_build_json(stage, data)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    _swap(stage, out_dir)
    return SiteSummary(
        out_dir=out_dir,
        reports=len(data["reports"]),
        pages=len(pages),
        figures=sum(sum(p["counts"].values()) for p in pages.values()),
        seconds=time.monotonic() - began,
        rendered=rendered,
        full=previous is None,
    )


def _swap(stage: Path, out_dir: Path) -> None:
    """Replace out_dir by stage: two renames, the old site removed after."""
    old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
    if out_dir.exists():
        os.replace(out_dir, old)
    os.replace(stage, out_dir)
    shutil.rmtree(old, ignore_errors=True)
