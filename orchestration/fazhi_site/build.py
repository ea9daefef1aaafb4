"""Build the static review site from a published warehouse.

    build_site(warehouse, out_dir) -> SiteSummary

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

Everything is relative links and classic scripts, so the site works opened
from disk (file://) as well as from any static server.
"""
from __future__ import annotations

import html
import json
import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import duckdb
import polars as pl

from fazhi_site import charts
from fazhi_site import corrections as fz_corrections

# How a figure is shown, most telling first: one highlight per span, the
# first kind in this order wins.
KINDS = ("corrected", "rejected", "stated", "context", "change", "part", "other", "unclassified")
KIND_LABELS = {
    "corrected": "已更正",
    "rejected": "已剔除",
    "stated": "本地区全年数据",
    "context": "其他时期/范围",
    "change": "同比变化",
    "part": "分项",
    "other": "重复/计划",
    "unclassified": "未归类数字",
}
PERIOD_LABELS = {
    "year": "全年",
    "partial_year": "部分年度",
    "year_to_date": "年初至今",
    "snapshot": "时点",
    "multi_year": "多年",
    "other_year": "其他年度",
}
SCOPE_LABELS = {
    "region": "本地区",
    "sub_unit": "下属单位",
    "respondent": "作为被申请人/被告",
    "subtype": "某一类",
    "court": "法院",
}
KIND_ZH = {
    "rule_of_law_report": "法治政府建设报告",
    "other_government_text": "其他政府文件",
    "court_document": "法院文件",
}
TEXT_BATCH = 500  # reports whose texts and figures are read at a time


@dataclass
class SiteSummary:
    out_dir: Path
    reports: int
    pages: int
    figures: int
    seconds: float


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


def _load(con: duckdb.DuckDBPyConnection) -> dict:
    have = {r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_schema = 'marts' and table_name = 'dim_report'"
    ).fetchall()}
    source_columns = ", ".join(f"d.{c}" if c in have else f"null as {c}" for c in _SOURCE_COLUMNS)
    reports = _frame(con, _REPORTS_SQL.format(source_columns=source_columns))
    has_corrections = _has_table(con, "marts", "fct_corrections")
    sql = _FIGURES_SQL if has_corrections else _FIGURES_SQL.replace(
        "union all select * from rejected\n", ""
    )
    metrics = _frame(
        con, "select metric_code, domain, measure, unit, label_zh from marts.dim_metric order by metric_code"
    )
    derived = _frame(
        con,
        "select report_id, metric_code, value, channel, basis from marts.fct_metric_values where source = 'derived' "
        "order by report_id, metric_code, channel",
    )
    unmatched = (
        _frame(
            con,
            "select line_no, action, report_id, source_file, char_start, char_length, figure_text, text_at_span, "
            "unmatched_reason, reason, reviewer from marts.fct_corrections where status = 'unmatched' order by line_no",
        )
        if has_corrections
        else pl.DataFrame()
    )
    wide = _frame(con, "select * from marts.rpt_report_metrics_wide order by source_file")
    divisions = _frame(
        con,
        "select region_code, region_name, level, province, longitude, latitude from marts.dim_region "
        "where longitude is not null and latitude is not null order by region_code",
    )
    build = None
    if _has_table(con, "staging", "warehouse_build"):
        rows = con.execute("select cast(built_at as varchar), run_id from staging.warehouse_build").fetchall()
        build = {"built_at": rows[0][0], "run_id": rows[0][1]} if rows else None
    return {
        "reports": reports,
        "figures_sql": sql,
        "metrics": metrics,
        "derived": derived,
        "unmatched": unmatched,
        "wide": wide,
        "divisions": divisions,
        "build": build,
    }


# --- small helpers ------------------------------------------------------------

def _esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _num(value) -> str:
    if value is None:
        return ""
    v = float(value)
    return str(int(v)) if v.is_integer() else f"{v:g}"


def _region_path(r: dict) -> str:
    parts = []
    for name in (r.get("province"), r.get("prefecture"), r.get("region_name")):
        if name and name not in parts:
            parts.append(name)
    return " › ".join(parts) if parts else "(未识别地区)"


def _json_for_script(obj) -> str:
    # Safe inside <script>: no "</" can close the tag early.
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def place_spans(figures: list[dict]) -> list[dict]:
    """One figure per span (the first kind in KINDS), and of overlapping spans the most telling one.

    A corrected or stated figure is never hidden by a wider or narrower
    unclassified mention. Returned in text order, none overlapping.
    """
    rank = {k: i for i, k in enumerate(KINDS)}
    best: dict[tuple[int, int], dict] = {}
    for f in figures:
        key = (f["char_start"], f["char_length"])
        if key not in best or rank[f["kind"]] < rank[best[key]["kind"]]:
            best[key] = f
    placed: list[dict] = []
    for f in sorted(best.values(), key=lambda f: (f["char_start"], rank[f["kind"]])):
        last = placed[-1] if placed else None
        if last is not None and f["char_start"] < last["char_start"] + last["char_length"]:
            if rank[f["kind"]] < rank[last["kind"]]:
                placed[-1] = f  # starts after the one before `last` ends, so overlaps nothing kept
            continue
        placed.append(f)
    return placed


def span_id(f: dict) -> str:
    return f"f-{f['char_start']}-{f['char_length']}"


def _hover(f: dict, labels: dict[str, str]) -> str:
    kind = f["kind"]
    label = labels.get(f.get("metric_code") or "", "")
    parts = [KIND_LABELS[kind]]
    if f.get("metric_code"):
        parts.append(f"{label} ({f['metric_code']})" if label else f["metric_code"])
    if f.get("value") is not None:
        parts.append(f"{f.get('comparator') or '='} {_num(f['value'])}{f.get('printed_unit') or ''}")
    if f.get("channel"):
        parts.append(f"渠道: {f['channel']}")
    if f.get("period_kind") and kind in ("context", "change", "part", "other"):
        period = PERIOD_LABELS.get(f["period_kind"], f["period_kind"])
        parts.append(f"时期: {period}" + (f" ({f['period_text']})" if f.get("period_text") else ""))
    if f.get("scope") and f["scope"] != "region":
        parts.append(f"范围: {SCOPE_LABELS.get(f['scope'], f['scope'])}")
    if kind in ("corrected", "rejected"):
        original = f.get("original_metric_code")
        if original or f.get("original_value") is not None:
            parts.append(
                f"原为: {labels.get(original or '', original or '无')} "
                f"{f.get('original_comparator') or ''} {_num(f.get('original_value'))}".rstrip()
            )
        if f.get("correction_reason"):
            parts.append(f"理由: {f['correction_reason']}")
        if f.get("corrected_by"):
            parts.append(f"审核: {f['corrected_by']}")
    return " · ".join(parts)


def _text_html(text: str, placed: list[dict], labels: dict[str, str], domains: dict[str, str]) -> str:
    out = []
    pos = 0  # 0-based index into text
    for i, f in enumerate(placed):
        start = f["char_start"] - 1
        end = start + f["char_length"]
        if start < pos or end > len(text):
            continue  # offsets outside the text: never highlight the wrong characters
        out.append(_esc(text[pos:start]))
        domain = domains.get(f.get("metric_code") or "", "none")
        classes = f"fig k-{f['kind']} d-{domain}"
        out.append(
            f'<mark id="{span_id(f)}" class="{classes}" data-i="{i}" data-kind="{f["kind"]}" '
            f'title="{_esc(_hover(f, labels))}">{_esc(text[start:end])}</mark>'
        )
        pos = end
    out.append(_esc(text[pos:]))
    return "".join(out)


# --- pages --------------------------------------------------------------------

_HEAD = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{root}assets/site.css">
</head>
"""


def _legend() -> str:
    items = "".join(
        f'<span class="fig k-{k} d-{"admin_review" if k in ("stated", "corrected") else "none"}">{_esc(v)}</span>'
        for k, v in KIND_LABELS.items()
    )
    domains = "".join(
        f'<span class="fig k-stated d-{d}">{_esc(z)}</span>'
        for d, z in (
            ("admin_review", "行政复议"),
            ("admin_litigation", "行政诉讼"),
            ("mediation", "调解"),
            ("legal_aid", "法律援助"),
        )
    )
    return (f'<div class="legend"><span class="legend-title">图例</span>{items}'
            f'<span class="legend-title">领域</span>{domains}</div>')


def _source_link(report: dict) -> str:
    """The source URL as a link when it is a well-formed http(s) URL (it has a host), else as text."""
    url = report.get("source_url")
    if not url:
        return ""
    if not report.get("source_host"):
        return f'<code>{_esc(url)}</code> <small>(网址格式有误)</small>'
    return f'<a class="source-url" href="{_esc(url)}" rel="noopener noreferrer" target="_blank">{_esc(url)}</a>'


def _official_note(report: dict) -> str:
    """Whether the source URL is on an official government domain; empty when there is no URL."""
    official = report.get("is_official_domain")
    if official is None:
        return ""
    host = _esc(report.get("source_host") or "")
    if official:
        return f'<span class="official yes">是 <small>{host}</small></span>'
    return (f'<span class="official no">否 <small>{host}</small> · 非政府网站的转载可能经过编辑、删节或套用模板,'
            '引用前请核对原件</span>')


def report_page(
    report: dict, text: str, placed: list[dict], derived: list[dict], labels: dict, domains: dict,
    unmatched: list[dict] | None = None,
) -> str:
    """The report's page; `placed` is place_spans() of its figures, `unmatched` its corrections that match nothing."""
    body = _text_html(text, placed, labels, domains)
    listed = [f for f in placed if f["kind"] in ("stated", "corrected", "context", "rejected")]
    rows = []
    for f in listed:
        label = labels.get(f.get("metric_code") or "", f.get("metric_code") or "")
        extra = ""
        if f["kind"] == "context":
            extra = f' <small>{_esc(PERIOD_LABELS.get(f.get("period_kind"), f.get("period_kind") or ""))}'
            extra += f' · {_esc(SCOPE_LABELS.get(f.get("scope"), f.get("scope") or ""))}</small>'
        rows.append(
            f'<li class="fact k-{f["kind"]}"><button type="button" class="fact-link" data-target="{span_id(f)}">'
            f'<span class="fig k-{f["kind"]} d-{domains.get(f.get("metric_code") or "", "none")}">'
            f'{_esc(f["figure_text"])}</span> '
            f"{_esc(label)} <b>{_esc(f.get('comparator') or '')} {_esc(_num(f.get('value')))}</b>{extra}"
            f'<span class="kind">{_esc(KIND_LABELS[f["kind"]])}</span></button></li>'
        )
    for d in derived:
        rows.append(
            f'<li class="fact k-derived"><span class="derived">{_esc(labels.get(d["metric_code"], d["metric_code"]))} '
            f'<b>= {_esc(_num(d["value"]))}</b> <small>推算: {_esc(d.get("basis") or "")}</small></span></li>'
        )
    data = {
        "report_id": report["report_id"],
        "sha256": report["sha256"],
        "source_file": report["source_file"],
        "figures": [
            {
                "id": span_id(f),
                "kind": f["kind"],
                "figure_text": f["figure_text"],
                "char_start": f["char_start"],
                "char_length": f["char_length"],
                "metric_code": f.get("metric_code"),
                "value": f.get("value"),
            }
            for f in placed
        ],
    }
    year = report.get("report_year")
    meta = [
        ("地区", f"{_esc(_region_path(report))} <small>{_esc(report.get('region_code') or '')}</small>"),
        ("年度", _esc(year if year is not None else "(未识别)")),
        ("发布机关", _esc(report.get("issuer") or "(未识别)")),
        ("类型", _esc(KIND_ZH.get(report.get("kind"), report.get("kind")))),
        (
            "格式",
            _esc(f"{report.get('media_type') or ''} · {report.get('encoding') or ''} · {report.get('script') or ''}"),
        ),
        ("源文件", f"<code>{_esc(report['source_file'])}</code>"),
        ("发布日期", _esc(report.get("published_on") or "")),
        ("来源网址", _source_link(report)),
        ("官方网站", _official_note(report)),
        ("sha256", f'<code class="sha">{_esc(report["sha256"])}</code>'),
    ]
    meta_html = "".join(f"<div><dt>{k}</dt><dd>{v}</dd></div>" for k, v in meta if v)
    stale = ""
    if unmatched:
        items = "".join(
            f"<li>第 {u['line_no']} 行 {_esc(u['action'])} 「{_esc(u.get('figure_text'))}」 @{u.get('char_start')}: "
            f"{_esc(u['unmatched_reason'])} (原文此处: 「{_esc(u.get('text_at_span') or '')}」)</li>"
            for u in unmatched
        )
        stale = (f'<div class="warn" id="unmatched"><b>本报告有 {len(unmatched)} 条更正未匹配,未生效:</b>'
                 f'<ul>{items}</ul></div>')

    title = report.get("title") or report["source_file"]
    return (
        _HEAD.format(title=_esc(title), root="../")
        + '<body class="report-page">\n<header class="top">'
        + '<nav><a href="../index.html">← 报告索引</a> · <a href="../charts.html">图表</a></nav>'
        + f'<h1>{_esc(title)}</h1><dl class="meta">{meta_html}</dl>{stale}{_legend()}</header>\n'
        + '<main class="report">\n'
        + f'<article id="text" class="text">{body}</article>\n'
        + f'<aside id="panel"><h2>本报告的数据 <small>({len(listed)})</small></h2>'
        + f'<ol id="facts">{"".join(rows) or "<li>(无)</li>"}</ol>'
        + '<section id="correction" hidden><h3>更正此数字</h3><p id="corr-figure"></p>'
        + '<label>操作 <select id="corr-action"><option value="reject">reject 剔除</option>'
        + '<option value="relabel">relabel 改指标</option><option value="revalue">revalue 改数值</option>'
        + '<option value="add">add 补录</option></select></label>'
        + '<label>指标 <select id="corr-metric"></select></label>'
        + '<label>数值 <input id="corr-value" size="10"></label>'
        + '<label>理由 <input id="corr-reason" size="24"></label>'
        + '<label>审核人 <input id="corr-reviewer" size="10"></label>'
        + '<p class="hint">复制下面一行,追加到 corrections.csv:</p>'
        + '<textarea id="corr-line" rows="3" readonly></textarea>'
        + '<button type="button" id="corr-copy">复制</button> <span id="corr-copied"></span>'
        + '</section></aside>\n</main>\n'
        + f'<script type="application/json" id="fazhi-data">{_json_for_script(data)}</script>\n'
        + '<script src="../assets/catalog.js"></script>\n<script src="../assets/report.js"></script>\n'
        + "</body>\n</html>\n"
    )


def index_page(
    reports: list[dict], build: dict | None, parser_versions: list[str], unmatched: list[dict], n_divisions: dict
) -> str:
    years = sorted({r["report_year"] for r in reports if r["report_year"] is not None})
    provinces = sorted({r["province"] or "(未识别)" for r in reports})
    cells: dict[tuple[str, int | None], list[dict]] = {}
    for r in reports:
        cells.setdefault((r["province"] or "(未识别)", r["report_year"]), []).append(r)
    head = "".join(f"<th>{y}</th>" for y in years) + (
        "<th>年度未识别</th>" if any(r["report_year"] is None for r in reports) else ""
    )
    col_years = years + ([None] if any(r["report_year"] is None for r in reports) else [])
    body = []
    for p in provinces:
        tds = []
        for y in col_years:
            got = cells.get((p, y), [])
            regions = len({r["region_code"] for r in got if r["region_code"]})
            total = n_divisions.get(p, 0)
            if got:
                title = (
                    f"{p} {y or ''}: {len(got)} 份报告,{regions} 个区划有报告,{max(total - regions, 0)} 个区划无报告"
                )
                tds.append(
                    f'<td class="has" title="{_esc(title)}">'
                    f'<a href="#" data-province="{_esc(p)}" data-year="{_esc(y or "")}">{len(got)}</a></td>'
                )
            else:
                tds.append(f'<td class="none" title="{_esc(p)} {y or ""}: 无报告">·</td>')
        body.append(f"<tr><th>{_esc(p)}</th>{''.join(tds)}</tr>")
    versions = ", ".join(parser_versions) or "(无)"
    built = (build or {}).get("built_at") or "(未知)"
    unmatched_html = ""
    if unmatched:
        items = "".join(
            f"<li>第 {u['line_no']} 行 {_esc(u['action'])} <code>{_esc(u.get('source_file') or '')}</code> "
            f"{_esc(u.get('figure_text') or '')} @{u.get('char_start')}: {_esc(u['unmatched_reason'])}</li>"
            for u in unmatched
        )
        unmatched_html = (
            f'<section class="warn" id="unmatched"><h2>未匹配的更正 ({len(unmatched)})</h2><ul>{items}</ul></section>'
        )
    year_opts = "".join(f'<option value="{y}">{y}</option>' for y in years)
    return (
        _HEAD.format(title="法治政府建设报告 · 审核", root="")
        + '<body class="index-page">\n<header class="top"><h1>法治政府建设报告 · 数据审核</h1>'
        + '<nav><a href="charts.html">图表:核心比率分布与地区地图</a></nav>'
        + f'<p class="build">共 <b id="n-reports">{len(reports)}</b> 份报告'
        + f' · 最近构建 <b id="built-at">{_esc(built)}</b>'
        + f' · 解析器版本 <b id="parser-version">{_esc(versions)}</b></p></header>\n'
        + unmatched_html
        + '<section><h2>覆盖情况(省份 × 年度,报告数)</h2><div class="matrix-wrap">'
        + f'<table id="coverage" class="matrix"><thead><tr><th>省份</th>{head}</tr></thead>'
        + f'<tbody>{"".join(body)}</tbody></table>'
        + "</div></section>\n"
        + '<section><h2>查找报告</h2><form id="search" onsubmit="return false">'
        + '<label>地区 <input id="q-region" placeholder="省、市、县名或文件名"></label> '
        + f'<label>年度 <select id="q-year"><option value="">全部</option>{year_opts}</select></label> '
        + '<span id="result-count"></span></form>'
        + '<table id="results" class="list"><thead><tr><th>地区</th><th>年度</th><th>标题 / 文件</th>'
        + '<th title="本地区全年数据">数据</th><th title="审核更正">更正</th>'
        + '<th title="其他时期或范围">其他</th><th title="推算比率">推算</th></tr></thead>'
        + "<tbody></tbody></table></section>\n"
        + '<script src="assets/reports.js"></script>\n<script src="assets/index.js"></script>\n</body>\n</html>\n'
    )


def charts_page(rates_spec: dict, map_spec: dict, build: dict | None) -> str:
    return (
        _HEAD.format(title="图表 · 法治政府建设报告", root="")
        + '<body class="charts-page">\n<header class="top"><nav><a href="index.html">← 报告索引</a></nav>'
        + '<h1>核心比率与地区分布</h1>'
        + f'<p class="build">最近构建 {_esc((build or {}).get("built_at") or "")}</p></header>\n'
        + '<section><h2>核心比率的分布(每份报告一个点)</h2><div id="chart-rates" class="chart"></div></section>\n'
        + '<section><h2>地区地图</h2><p class="hint">灰点为全部区划,彩点为有报告的地区;用下拉框选择指标。</p>'
        + '<div id="chart-map" class="chart"></div></section>\n'
        + '<script src="assets/vega.js"></script>\n'
        + f'<script type="application/json" id="spec-rates">{_json_for_script(rates_spec)}</script>\n'
        + f'<script type="application/json" id="spec-map">{_json_for_script(map_spec)}</script>\n'
        + '<script src="assets/charts.js"></script>\n</body>\n</html>\n'
    )


# --- the build -----------------------------------------------------------------

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


def build_site(warehouse: Path, out_dir: Path) -> SiteSummary:
    """Write the whole site for `warehouse` into a new folder, then swap it in at `out_dir`."""
    began = time.monotonic()
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    stage = out_dir.parent / f".{out_dir.name}.new-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "reports").mkdir(parents=True)
    (stage / "assets").mkdir()
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        data = _load(con)
        reports = data["reports"].to_dicts()
        metrics = data["metrics"].to_dicts()
        labels = {m["metric_code"]: m["label_zh"] for m in metrics}
        domains = {m["metric_code"]: m["domain"] for m in metrics}
        derived = {
            key[0]: frame.to_dicts() for key, frame in data["derived"].partition_by("report_id", as_dict=True).items()
        } if data["derived"].height else {}
        unmatched_by_report: dict[str, list[dict]] = {}
        for u in data["unmatched"].to_dicts() if data["unmatched"].height else []:
            if u.get("report_id"):
                unmatched_by_report.setdefault(u["report_id"], []).append(u)
        counts: dict[str, dict[str, int]] = {}
        pages = n_figures = 0
        for i in range(0, len(reports), TEXT_BATCH):
            batch = reports[i : i + TEXT_BATCH]
            ids = [r["report_id"] for r in batch]
            texts = dict(
                con.execute(
                    "select report_id, text from raw.report_files where status = 'accepted' and report_id in "
                    "(select unnest(?))",
                    [ids],
                ).fetchall()
            )
            # a batch at a time: at 10,000 reports all figures at once would hold ~1 GB of dicts
            batch_figures = _frame(
                con, f"select * from ({data['figures_sql']}) where report_id in (select unnest(?))", [ids]
            )
            by_report = (
                {k[0]: f.to_dicts() for k, f in batch_figures.partition_by("report_id", as_dict=True).items()}
                if batch_figures.height
                else {}
            )
            for r in batch:
                placed = place_spans(by_report.get(r["report_id"], []))
                text = texts.get(r["report_id"]) or ""
                page = report_page(
                    r,
                    text,
                    placed,
                    derived.get(r["report_id"], []),
                    labels,
                    domains,
                    unmatched_by_report.get(r["report_id"]),
                )
                (stage / "reports" / f"{r['report_id']}.html").write_text(page, encoding="utf-8")
                pages += 1
                kinds: dict[str, int] = {}
                for f in placed:
                    kinds[f["kind"]] = kinds.get(f["kind"], 0) + 1
                n_figures += sum(kinds.values())
                kinds["derived"] = len(derived.get(r["report_id"], []))
                counts[r["report_id"]] = kinds
        parser_versions = sorted({r["parser_version"] for r in reports if r.get("parser_version")})
        n_divisions: dict[str, int] = {}
        for row in con.execute("select province, count(*) from marts.dim_region group by province").fetchall():
            n_divisions[row[0]] = row[1]
    finally:
        con.close()

    listing = [
        {
            "id": r["report_id"],
            "file": r["source_file"],
            "title": r.get("title") or "",
            "region": _region_path(r),
            "code": r.get("region_code") or "",
            "province": r.get("province") or "(未识别)",
            "year": r.get("report_year"),
            "stated": counts[r["report_id"]].get("stated", 0),
            "corrected": counts[r["report_id"]].get("corrected", 0),
            "context": counts[r["report_id"]].get("context", 0),
            "derived": counts[r["report_id"]].get("derived", 0),
        }
        for r in reports
    ]
    rates_spec, map_spec = _chart_data(data["wide"], data["divisions"], labels)
    unmatched = data["unmatched"].to_dicts() if data["unmatched"].height else []
    (stage / "index.html").write_text(
        index_page(reports, data["build"], parser_versions, unmatched, n_divisions), encoding="utf-8"
    )
    (stage / "charts.html").write_text(charts_page(rates_spec, map_spec, data["build"]), encoding="utf-8")
    assets = stage / "assets"
    (assets / "reports.js").write_text(f"window.FAZHI_REPORTS = {_json_for_script(listing)};\n", encoding="utf-8")
    catalog = [{"code": m["metric_code"], "label": m["label_zh"], "domain": m["domain"]} for m in metrics]
    (assets / "catalog.js").write_text(
        "window.FAZHI_CATALOG = " + _json_for_script(catalog) + ";\nwindow.FAZHI_CORRECTION_COLUMNS = "
        + _json_for_script(list(fz_corrections.COLUMNS)) + ";\n",
        encoding="utf-8",
    )
    for name in ("site.css", "report.js", "index.js", "charts.js"):
        (assets / name).write_text(_static(name), encoding="utf-8")
    (assets / "vega.js").write_text(charts.javascript_bundle(), encoding="utf-8")
    (stage / "build.json").write_text(
        json.dumps(
            {
                "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "warehouse_built_at": (data["build"] or {}).get("built_at"),
                "reports": len(reports),
                "parser_versions": parser_versions,
                "unmatched_corrections": len(unmatched),
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    _swap(stage, out_dir)
    return SiteSummary(
        out_dir=out_dir, reports=len(reports), pages=pages, figures=n_figures, seconds=time.monotonic() - began
    )


def _swap(stage: Path, out_dir: Path) -> None:
    """Replace out_dir by stage: two renames, the old site removed after."""
    old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
    if out_dir.exists():
        os.replace(out_dir, old)
    os.replace(stage, out_dir)
    shutil.rmtree(old, ignore_errors=True)
