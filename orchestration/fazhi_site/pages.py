"""The site's HTML: a report's page, the index and the charts page, as strings (no I/O).

    report_page(report, text, placed, derived, labels, domains, unmatched) -> str
    index_page(reports, build, parser_versions, unmatched, n_divisions) -> str
    charts_page(rates_spec, map_spec, build) -> str

`place_spans` picks the one highlight per span a page shows. Every page is a
pure function of its arguments: build.py re-renders a report's page only when
the digest of those arguments (and of this package's code) changed.
"""
from __future__ import annotations

import html
import json

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


def _fact_rows(listed: list[dict], derived: list[dict], labels: dict, domains: dict) -> list[str]:
    """The side panel's items: the listed figures (buttons to their highlight), then the derived rates."""
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
    return rows


def _page_data(report: dict, placed: list[dict]) -> dict:
    """What report.js reads (the figures and the key a correction line needs)."""
    return {
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


def _meta_html(report: dict) -> str:
    """The report's metadata at the top of its page (rows with nothing to say are left out)."""
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
    return "".join(f"<div><dt>{k}</dt><dd>{v}</dd></div>" for k, v in meta if v)


def _stale_html(unmatched: list[dict] | None) -> str:
    """The report's corrections that match nothing (shown, not applied); empty when there are none."""
    if not unmatched:
        return ""
    items = "".join(
        f"<li>第 {u['line_no']} 行 {_esc(u['action'])} 「{_esc(u.get('figure_text'))}」 @{u.get('char_start')}: "
        f"{_esc(u['unmatched_reason'])} (原文此处: 「{_esc(u.get('text_at_span') or '')}」)</li>"
        for u in unmatched
    )
    return (f'<div class="warn" id="unmatched"><b>本报告有 {len(unmatched)} 条更正未匹配,未生效:</b>'
            f'<ul>{items}</ul></div>')


# The correction form of the side panel: filled in by report.js when a figure is clicked.
_CORRECTION_FORM = (
    '<section id="correction" hidden><h3>更正此数字</h3><p id="corr-figure"></p>'
    '<label>操作 <select id="corr-action"><option value="reject">reject 剔除</option>'
    '<option value="relabel">relabel 改指标</option><option value="revalue">revalue 改数值</option>'
    '<option value="add">add 补录</option></select></label>'
    '<label>指标 <select id="corr-metric"></select></label>'
    '<label>数值 <input id="corr-value" size="10"></label>'
    '<label>理由 <input id="corr-reason" size="24"></label>'
    '<label>审核人 <input id="corr-reviewer" size="10"></label>'
    '<p class="hint">复制下面一行,追加到 corrections.csv:</p>'
    '<textarea id="corr-line" rows="3" readonly></textarea>'
    '<button type="button" id="corr-copy">复制</button> <span id="corr-copied"></span>'
    '</section>'
)


def report_page(
    report: dict, text: str, placed: list[dict], derived: list[dict], labels: dict, domains: dict,
    unmatched: list[dict] | None = None,
) -> str:
    """The report's page; `placed` is place_spans() of its figures, `unmatched` its corrections that match nothing."""
    body = _text_html(text, placed, labels, domains)
    listed = [f for f in placed if f["kind"] in ("stated", "corrected", "context", "rejected")]
    rows = _fact_rows(listed, derived, labels, domains)
    title = report.get("title") or report["source_file"]
    return (
        _HEAD.format(title=_esc(title), root="../")
        + '<body class="report-page">\n<header class="top">'
        + '<nav><a href="../index.html">← 报告索引</a> · <a href="../charts.html">图表</a></nav>'
        + f'<h1>{_esc(title)}</h1><dl class="meta">{_meta_html(report)}</dl>{_stale_html(unmatched)}{_legend()}'
        + '</header>\n'
        + '<main class="report">\n'
        + f'<article id="text" class="text">{body}</article>\n'
        + f'<aside id="panel"><h2>本报告的数据 <small>({len(listed)})</small></h2>'
        + f'<ol id="facts">{"".join(rows) or "<li>(无)</li>"}</ol>'
        + _CORRECTION_FORM
        + '</aside>\n</main>\n'
        + f'<script type="application/json" id="fazhi-data">{_json_for_script(_page_data(report, placed))}</script>\n'
        + '<script src="../assets/catalog.js"></script>\n<script src="../assets/report.js"></script>\n'
        + "</body>\n</html>\n"
    )


def _coverage_html(reports: list[dict], n_divisions: dict) -> tuple[str, str]:
    """The coverage matrix (province x year, reports per cell): its header cells and its body rows."""
    years = sorted({r["report_year"] for r in reports if r["report_year"] is not None})
    provinces = sorted({r["province"] or "(未识别)" for r in reports})
    cells: dict[tuple[str, int | None], list[dict]] = {}
    for r in reports:
        cells.setdefault((r["province"] or "(未识别)", r["report_year"]), []).append(r)
    unknown_year = any(r["report_year"] is None for r in reports)
    head = "".join(f"<th>{y}</th>" for y in years) + ("<th>年度未识别</th>" if unknown_year else "")
    col_years = years + ([None] if unknown_year else [])
    body = []
    for p in provinces:
        tds = "".join(_coverage_cell(p, y, cells.get((p, y), []), n_divisions.get(p, 0)) for y in col_years)
        body.append(f"<tr><th>{_esc(p)}</th>{tds}</tr>")
    return head, "".join(body)


def _coverage_cell(province: str, year: int | None, got: list[dict], total: int) -> str:
    if not got:
        return f'<td class="none" title="{_esc(province)} {year or ""}: 无报告">·</td>'
    regions = len({r["region_code"] for r in got if r["region_code"]})
    title = (
        f"{province} {year or ''}: {len(got)} 份报告,{regions} 个区划有报告,{max(total - regions, 0)} 个区划无报告"
    )
    return (
        f'<td class="has" title="{_esc(title)}">'
        f'<a href="#" data-province="{_esc(province)}" data-year="{_esc(year or "")}">{len(got)}</a></td>'
    )


def _unmatched_section(unmatched: list[dict]) -> str:
    """The index's list of corrections that match nothing; empty when there are none."""
    if not unmatched:
        return ""
    items = "".join(
        f"<li>第 {u['line_no']} 行 {_esc(u['action'])} <code>{_esc(u.get('source_file') or '')}</code> "
        f"{_esc(u.get('figure_text') or '')} @{u.get('char_start')}: {_esc(u['unmatched_reason'])}</li>"
        for u in unmatched
    )
    return f'<section class="warn" id="unmatched"><h2>未匹配的更正 ({len(unmatched)})</h2><ul>{items}</ul></section>'


# The index's search form and result table: filled in by index.js from assets/reports.js.
_SEARCH = (
    '<section><h2>查找报告</h2><form id="search" onsubmit="return false">'
    '<label>地区 <input id="q-region" placeholder="省、市、县名或文件名"></label> '
    '<label>年度 <select id="q-year"><option value="">全部</option>{year_opts}</select></label> '
    '<span id="result-count"></span></form>'
    '<table id="results" class="list"><thead><tr><th>地区</th><th>年度</th><th>标题 / 文件</th>'
    '<th title="本地区全年数据">数据</th><th title="审核更正">更正</th>'
    '<th title="其他时期或范围">其他</th><th title="推算比率">推算</th></tr></thead>'
    "<tbody></tbody></table></section>\n"
)


def index_page(
    reports: list[dict], build: dict | None, parser_versions: list[str], unmatched: list[dict], n_divisions: dict
) -> str:
    years = sorted({r["report_year"] for r in reports if r["report_year"] is not None})
    head, body = _coverage_html(reports, n_divisions)
    versions = ", ".join(parser_versions) or "(无)"
    built = (build or {}).get("built_at") or "(未知)"
    year_opts = "".join(f'<option value="{y}">{y}</option>' for y in years)
    return (
        _HEAD.format(title="法治政府建设报告 · 审核", root="")
        + '<body class="index-page">\n<header class="top"><h1>法治政府建设报告 · 数据审核</h1>'
        + '<nav><a href="charts.html">图表:核心比率分布与地区地图</a></nav>'
        + f'<p class="build">共 <b id="n-reports">{len(reports)}</b> 份报告'
        + f' · 最近构建 <b id="built-at">{_esc(built)}</b>'
        + f' · 解析器版本 <b id="parser-version">{_esc(versions)}</b></p></header>\n'
        + _unmatched_section(unmatched)
        + '<section><h2>覆盖情况(省份 × 年度,报告数)</h2><div class="matrix-wrap">'
        + f'<table id="coverage" class="matrix"><thead><tr><th>省份</th>{head}</tr></thead>'
        + f'<tbody>{body}</tbody></table>'
        + "</div></section>\n"
        + _SEARCH.format(year_opts=year_opts)
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


