"""The site's pictures as Vega-Lite specs, made with Altair; rendered in the page by vega-embed.

The JavaScript (Vega, Vega-Lite, vega-embed) comes from vl-convert-python's
bundled copy (`javascript_bundle`), written once into the site: no CDN.

The charts name their data (alt.NamedData) and the rows go into the spec's
top-level `datasets` after Altair made it: Altair never walks the rows (at
10,000 reports that took ~4 s of its validation and conversion).
"""
from __future__ import annotations

import altair as alt

# The core rates: metric code -> (column of rpt_report_metrics_wide, label).
CORE_RATES = {
    "admin_review.correction_rate": "行政复议纠错率",
    "admin_litigation.head_appearance_rate": "负责人出庭应诉率",
    "admin_litigation.loss_rate": "行政诉讼败诉率",
    "mediation.success_rate": "调解成功率",
}
FONT = "'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', 'PingFang SC', 'Microsoft YaHei', sans-serif"
_CONFIG = {"font": FONT}


def javascript_bundle() -> str:
    """Vega + Vega-Lite + vega-embed as one classic script defining window.vegaEmbed (offline)."""
    import vl_convert

    return vl_convert.javascript_bundle()


def rate_distributions(rows: list[dict]) -> dict:
    """Box plots of each core rate per report year. rows: {metric, label, year, value, region}."""
    base = alt.Chart(alt.NamedData(name="rates")).encode(
        x=alt.X("year:O", title="年度"),
        y=alt.Y("value:Q", title="%", scale=alt.Scale(domain=[0, 100])),
    )
    box = base.mark_boxplot(extent="min-max", size=18, color="#4c78a8")
    points = base.mark_circle(size=28, opacity=0.55, color="#e45756").encode(
        tooltip=[
            alt.Tooltip("region:N", title="地区"),
            alt.Tooltip("year:O", title="年度"),
            alt.Tooltip("value:Q", title="数值(%)"),
        ]
    )
    chart = (
        alt.layer(box, points)
        .properties(width=230, height=180)
        .facet(facet=alt.Facet("label:N", title=None, sort=list(CORE_RATES.values())), columns=2)
        .properties(title="核心比率的分布(按年度)")
    )
    return _with_data(chart, {"rates": rows})


def _with_data(chart, datasets: dict[str, list[dict]]) -> dict:
    """The chart's spec with `datasets` (name -> rows) for the names its parts read."""
    spec = chart.to_dict(validate=False)  # validated by the tests
    spec["config"] = {**spec.get("config", {}), **_CONFIG}
    spec["datasets"] = {**spec.get("datasets", {}), **datasets}
    return spec


def region_map(divisions: list[dict], values: list[dict], metrics: dict[str, str]) -> dict:
    """Points at each region's seat, coloured by the metric chosen in a drop-down.

    divisions: {longitude, latitude, name} of every division (grey backdrop);
    values: {longitude, latitude, region, year, metric, value} per report and metric.
    """
    options = list(metrics)
    choice = alt.param(
        name="metric",
        value=options[0],
        bind=alt.binding_select(options=options, labels=[metrics[m] for m in options], name="指标 "),
    )
    projection = {"type": "mercator"}
    backdrop = (
        alt.Chart(alt.NamedData(name="divisions"))
        .mark_circle(size=6, color="#d0d0d0", opacity=0.8)
        .encode(longitude="longitude:Q", latitude="latitude:Q", tooltip=[alt.Tooltip("name:N", title="地区")])
    )
    points = (
        alt.Chart(alt.NamedData(name="values"))
        .mark_circle(size=90, opacity=0.9, stroke="#333", strokeWidth=0.5)
        .encode(
            longitude="longitude:Q",
            latitude="latitude:Q",
            color=alt.Color("value:Q", title="数值", scale=alt.Scale(scheme="viridis")),
            tooltip=[
                alt.Tooltip("region:N", title="地区"),
                alt.Tooltip("year:O", title="年度"),
                alt.Tooltip("label:N", title="指标"),
                alt.Tooltip("value:Q", title="数值"),
            ],
        )
        .add_params(choice)
        .transform_filter(alt.datum.metric == choice)
    )
    chart = (
        alt.layer(backdrop, points)
        .project(**projection)
        .properties(width=640, height=480, title="各地区指标地图(按所选指标着色,取最近年度)")
    )
    return _with_data(chart, {"divisions": divisions, "values": values})
