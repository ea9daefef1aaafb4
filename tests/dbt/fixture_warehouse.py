"""A small work database shaped exactly like the parser's output.

It lets the dbt project be built and tested without the real ingest and
parser: the tables carry exactly the columns of `fazhi_read.schema`
(REPORT_FILES) and `fazhi_parse.schema` (DOCUMENTS, SENTENCES, MENTIONS,
FACTS), loaded from polars
frames through Arrow the way the Dagster assets load them, plus
`raw.divisions`.

The two reports are invented (no sample file's region or figures) and cover
what the marts must handle: a year-on-year change, a breakdown part, a
duplicate the parser marked, a restatement it did not mark, a plans-section
target, mediation figures in several channels, an approximate (余) count, and
counts from which rates can be derived. Offsets are computed from the text, so
`substr(text, char_start, char_length) = figure_text` holds by construction.

Usage: `build_fixture_work_db(path)`; `python tests/dbt/fixture_warehouse.py PATH`.
"""
from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import polars as pl

from fazhi_parse import schema as S
from fazhi_read.schema import REPORT_FILES
from fazhi_site import corrections as fz_corrections
from fazhi_site import sources as fz_sources

NOW = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Fig:
    """One figure in a fixture report; `anchor` locates it in the text."""

    anchor: str  # unique substring of the text that contains figure_text
    figure_text: str
    value: float
    unit: str
    unit_kind: str = "count"
    comparator: str = "="
    metric_code: str | None = None
    measure_kind: str = "level"
    change_unit: str | None = None
    change_direction: int | None = None
    channel: str | None = None
    parent: str | None = None  # anchor of the parent figure, for breakdown parts
    breakdown_label: str | None = None
    is_duplicate: bool = False
    period_kind: str = "year"
    period_text: str | None = None
    scope: str = "region"


@dataclass(frozen=True)
class Report:
    source_file: str
    text: str
    title: str
    issuer: str
    script: str
    region_code: str
    region_evidence: str
    report_year: int
    published_on: date
    figures: tuple[Fig, ...]


REPORT_A = Report(
    source_file="2024/浏阳市2023年法治政府建设年度报告.txt",
    title="浏阳市2023年法治政府建设年度报告",
    issuer="浏阳市人民政府",
    script="simplified",
    region_code="430181",
    region_evidence="浏阳市人民政府",
    report_year=2023,
    published_on=date(2024, 3, 20),
    text=(
        "浏阳市2023年法治政府建设年度报告\n"
        "发布时间：2024-03-20\n"
        "一、深化行政复议体制改革\n"
        "全年收到行政复议申请120件，受理100件，审结80件，纠错12件，行政复议纠错率15%。"
        "行政复议申请同比上升5%。\n"
        "二、规范行政应诉工作\n"
        "全市行政诉讼案件45件，审结40件，败诉4件，行政诉讼败诉率同比下降2个百分点；"
        "行政机关负责人出庭应诉40件，出庭应诉率88.9%。\n"
        "三、推进矛盾纠纷多元化解\n"
        "人民调解组织调解矛盾纠纷2000件，调解成功1960件，调解成功率98%。"
        "行政调解受理纠纷300件，调解成功270件。交通事故纠纷调解成功150件。"
        "开展矛盾纠纷排查，排查矛盾纠纷2500余件。\n"
        "四、加强法律援助\n"
        "办理法律援助案件600件，其中刑事案件200件。全年共受理行政复议案件100件。"
        "法律援助案件600件全部办结。上半年办理法律援助案件280件。市政府本级收到行政复议申请60件。\n"
        "五、下一步工作计划\n"
        "力争行政复议纠错率达到20%，举办培训30余场。\n"
    ),
    figures=(
        Fig("收到行政复议申请120件", "120件", 120, "件", metric_code="admin_review.received"),
        Fig("受理100件", "100件", 100, "件", metric_code="admin_review.accepted"),
        Fig("审结80件，纠错", "80件", 80, "件", metric_code="admin_review.concluded"),
        Fig("纠错12件", "12件", 12, "件", metric_code="admin_review.corrected"),
        Fig("纠错率15%", "15%", 15, "%", "percent", metric_code="admin_review.correction_rate"),
        Fig("同比上升5%", "5%", 5, "%", "percent", metric_code="admin_review.received",
            measure_kind="change", change_unit="percent", change_direction=1),
        Fig("行政诉讼案件45件", "45件", 45, "件", metric_code="admin_litigation.cases"),
        Fig("审结40件，败诉", "40件", 40, "件", metric_code="admin_litigation.concluded"),
        Fig("败诉4件", "4件", 4, "件", metric_code="admin_litigation.lost"),
        Fig("下降2个百分点", "2个百分点", 2, "个百分点", "points",
            metric_code="admin_litigation.loss_rate", measure_kind="change",
            change_unit="points", change_direction=-1),
        Fig("出庭应诉40件", "40件", 40, "件", metric_code="admin_litigation.head_appeared"),
        Fig("出庭应诉率88.9%", "88.9%", 88.9, "%", "percent",
            metric_code="admin_litigation.head_appearance_rate"),
        Fig("调解矛盾纠纷2000件", "2000件", 2000, "件",
            metric_code="mediation.disputes_mediated", channel="people"),
        Fig("调解成功1960件", "1960件", 1960, "件",
            metric_code="mediation.disputes_resolved", channel="people"),
        Fig("调解成功率98%", "98%", 98, "%", "percent",
            metric_code="mediation.success_rate", channel="people"),
        Fig("受理纠纷300件", "300件", 300, "件",
            metric_code="mediation.disputes_mediated", channel="administrative"),
        Fig("调解成功270件", "270件", 270, "件",
            metric_code="mediation.disputes_resolved", channel="administrative"),
        Fig("调解成功150件", "150件", 150, "件",
            metric_code="mediation.disputes_resolved", channel="traffic"),
        Fig("排查矛盾纠纷2500余件", "2500余件", 2500, "件", comparator=">=",
            metric_code="mediation.disputes_screened", channel="general"),
        Fig("办理法律援助案件600件", "600件", 600, "件", metric_code="legal_aid.cases"),
        Fig("刑事案件200件", "200件", 200, "件", metric_code="legal_aid.cases",
            parent="办理法律援助案件600件", breakdown_label="刑事"),
        # restated; the parser marks it, and also misses one (belt and braces)
        Fig("共受理行政复议案件100件", "100件", 100, "件",
            metric_code="admin_review.accepted", is_duplicate=True),
        Fig("法律援助案件600件全部", "600件", 600, "件", metric_code="legal_aid.cases"),
        Fig("上半年办理法律援助案件280件", "280件", 280, "件", metric_code="legal_aid.cases",
            period_kind="partial_year", period_text="上半年"),
        Fig("市政府本级收到行政复议申请60件", "60件", 60, "件", metric_code="admin_review.received",
            scope="sub_unit"),
        Fig("纠错率达到20%", "20%", 20, "%", "percent", metric_code="admin_review.correction_rate"),
        Fig("培训30余场", "30余场", 30, "场", "other", comparator=">="),
    ),
)

REPORT_B = Report(
    source_file="2025/雙流區2024年法治政府建設情況報告.txt",
    title="雙流區2024年法治政府建設情況報告",
    issuer="成都市雙流區人民政府",
    script="traditional",
    region_code="510116",
    region_evidence="成都市雙流區人民政府",
    report_year=2024,
    published_on=date(2025, 2, 28),
    text=(
        "成都市雙流區人民政府關於2024年法治政府建設情況的報告\n"
        "一、行政復議應訴\n"
        "收到行政復議申請35件，受理行政復議案件30件，辦結28件，調解和解結案12件，"
        "調解和解率42.5%。行政應訴案件20件，勝訴15件，敗訴1件。\n"
        "二、人民調解\n"
        "全區人民調解員1500名，人民調解組織320個，矛盾糾紛化解率97.5%。"
        "提供法律咨詢3.2萬人次。\n"
        "三、存在的問題\n"
        "部分單位行政復議糾錯率偏高，個別案件敗訴。\n"
    ),
    figures=(
        Fig("收到行政復議申請35件", "35件", 35, "件", metric_code="admin_review.received"),
        Fig("受理行政復議案件30件", "30件", 30, "件", metric_code="admin_review.accepted"),
        Fig("辦結28件", "28件", 28, "件", metric_code="admin_review.concluded"),
        Fig("調解和解結案12件", "12件", 12, "件", metric_code="admin_review.mediated_settled"),
        Fig("調解和解率42.5%", "42.5%", 42.5, "%", "percent",
            metric_code="admin_review.mediation_settlement_rate"),
        Fig("行政應訴案件20件", "20件", 20, "件", metric_code="admin_litigation.cases"),
        Fig("勝訴15件", "15件", 15, "件", metric_code="admin_litigation.won"),
        Fig("敗訴1件", "1件", 1, "件", metric_code="admin_litigation.lost"),
        Fig("人民調解員1500名", "1500名", 1500, "名",
            metric_code="mediation.mediators", channel="people"),
        Fig("人民調解組織320個", "320個", 320, "个",
            metric_code="mediation.organizations", channel="people"),
        Fig("化解率97.5%", "97.5%", 97.5, "%", "percent",
            metric_code="mediation.resolution_rate", channel="general"),
        Fig("法律咨詢3.2萬人次", "3.2萬人次", 32000, "人次",
            metric_code="legal_aid.consultations"),
    ),
)

REPORTS = (REPORT_A, REPORT_B)

# Files that never reach the parser: they must stay out of the marts.
OTHER_FILES = (
    # same text as report A, saved with a BOM: different bytes, same text
    {"source_file": "mirror/浏阳市报告副本.txt", "status": "duplicate",
     "reason": "duplicate: same text as 2024/浏阳市2023年法治政府建设年度报告.txt",
     "duplicate_of": REPORT_A.source_file, "text": REPORT_A.text,
     "bytes": b"\xef\xbb\xbf" + REPORT_A.text.encode("utf-8"), "encoding": "utf-8-sig"},
    {"source_file": "scan.pdf", "status": "rejected",
     "reason": "binary: the file is not text", "duplicate_of": None, "text": None,
     "bytes": b"%PDF-1.7\x00\x01\x02", "encoding": None},
)

_SENTENCE_END = re.compile(r"[。！？；\n]")
_HEADING = re.compile(r"^[一二三四五六七八九十]+、(.*)$")


def _sentences(text: str) -> list[dict]:
    """Sentence rows (0-based start) with the section they sit in."""
    rows, start, title, kind, path = [], 0, "", "body", ""
    for m in _SENTENCE_END.finditer(text + "\n"):
        end = m.end() if m.group() != "\n" else m.start()
        piece = text[start:end]
        if piece.strip():
            heading = _HEADING.match(piece)
            if heading:
                title = heading.group(1)
                path = piece.split("、")[0]
                kind = ("plans" if re.search("下一步|计划|計劃", title)
                        else "problems" if re.search("问题|問題|不足", title) else "body")
            rows.append({"start": start, "text": piece, "section_path": path,
                         "section_title": title, "section_kind": kind,
                         "is_chrome": piece.startswith("发布时间")})
        start = m.end()
    return rows


def _clause(sentence: str, offset: int) -> str:
    """The comma-delimited clause of `sentence` containing position `offset`."""
    left = max(sentence.rfind(c, 0, offset) for c in "，,：") + 1
    rights = [i for i in (sentence.find(c, offset) for c in "，,。；") if i >= 0]
    return sentence[left:min(rights) if rights else len(sentence)]


def report_frames(report: Report, report_id: str) -> dict[str, pl.DataFrame]:
    """DOCUMENTS, SENTENCES, MENTIONS and FACTS frames for one fixture report."""
    text = report.text
    sents = _sentences(text)
    sentence_rows = [
        {"report_id": report_id, "sentence_no": i, "char_start": s["start"] + 1,
         "char_length": len(s["text"]), "text": s["text"],
         "section_path": s["section_path"], "section_title": s["section_title"],
         "section_kind": s["section_kind"], "is_chrome": s["is_chrome"]}
        for i, s in enumerate(sents)
    ]
    located = []
    for fig in report.figures:
        assert text.count(fig.anchor) == 1, f"anchor not unique: {fig.anchor}"
        start = text.index(fig.anchor) + fig.anchor.index(fig.figure_text)
        located.append((start, fig))
    located.sort(key=lambda pair: pair[0])
    fact_id_of_anchor = {}
    mentions, facts = [], []
    for mention_no, (start, fig) in enumerate(located):
        sentence_no = max(i for i, s in enumerate(sents) if s["start"] <= start)
        sent = sents[sentence_no]
        number_text = re.match(r"[0-9.]+", fig.figure_text).group()
        mentions.append({
            "report_id": report_id, "mention_no": mention_no, "sentence_no": sentence_no,
            "char_start": start + 1, "char_length": len(fig.figure_text),
            "figure_text": fig.figure_text, "number_text": number_text,
            "value": fig.value, "unit": fig.unit, "unit_kind": fig.unit_kind,
            "comparator": fig.comparator, "is_change": fig.measure_kind == "change",
            "change_direction": fig.change_direction, "metric_code": fig.metric_code,
        })
        if fig.metric_code is None:
            continue
        fact_id = f"{report_id}:{mention_no}"
        fact_id_of_anchor[fig.anchor] = fact_id
        facts.append({
            "fact_id": fact_id, "report_id": report_id, "mention_no": mention_no,
            "sentence_no": sentence_no, "metric_code": fig.metric_code, "value": fig.value,
            "comparator": fig.comparator, "unit": fig.unit, "measure_kind": fig.measure_kind,
            "change_unit": fig.change_unit, "channel": fig.channel,
            "parent_fact_id": fig.parent,  # resolved below
            "breakdown_label": fig.breakdown_label,
            "basis_numerator": None, "basis_denominator": None,
            "section_kind": sent["section_kind"], "is_duplicate": fig.is_duplicate,
            "rule": f"fixture:{fig.metric_code}", "evidence": sent["text"],
            "clause": _clause(sent["text"], start - sent["start"]),
            "char_start": start + 1, "char_length": len(fig.figure_text),
            "figure_text": fig.figure_text,
            "period_kind": fig.period_kind, "period_text": fig.period_text, "scope": fig.scope,
        })
    for fact in facts:
        if fact["parent_fact_id"] is not None:
            fact["parent_fact_id"] = fact_id_of_anchor[fact["parent_fact_id"]]
    document = {
        "report_id": report_id, "parser_version": S.PARSER_VERSION, "title": report.title,
        "issuer": report.issuer, "kind": "rule_of_law_report", "script": report.script,
        "region_code": report.region_code, "region_evidence": report.region_evidence,
        "report_year": report.report_year, "year_evidence": f"{report.report_year}年",
        "published_on": report.published_on, "char_count": len(text),
        "t2s_length_preserved": True,
    }
    return {
        "documents": pl.DataFrame([document], schema=S.DOCUMENTS, orient="row"),
        "sentences": pl.DataFrame(sentence_rows, schema=S.SENTENCES, orient="row"),
        "mentions": pl.DataFrame(mentions, schema=S.MENTIONS, orient="row"),
        "facts": pl.DataFrame(facts, schema=S.FACTS, orient="row"),
    }


def _file_row(source_file, data: bytes, status, reason, duplicate_of, text, encoding) -> dict:
    sha = hashlib.sha256(data).hexdigest()
    return {
        "source_file": source_file, "report_id": None if status == "rejected" else sha[:16],
        "sha256": sha, "size_bytes": len(data), "modified_at": NOW, "encoding": encoding,
        "media_type": "text/plain" if text is not None else None, "status": status,
        "reason": reason, "duplicate_of": duplicate_of, "text": text, "raw_html": None,
        "ingested_at": NOW,
    }


def division_frame() -> pl.DataFrame:
    """Every division, as the pipeline loads raw.divisions."""
    from fazhi_parse.regions import division_table

    return division_table()


def fixture_frames() -> dict[str, pl.DataFrame]:
    """Every table of the fixture, keyed '<schema>.<table>'."""
    files, parts = [], {k: [] for k in ("documents", "sentences", "mentions", "facts")}
    for report in REPORTS:
        data = report.text.encode("utf-8")
        row = _file_row(report.source_file, data, "accepted", None, None, report.text, "utf-8")
        files.append(row)
        for name, frame in report_frames(report, row["report_id"]).items():
            parts[name].append(frame)
    for other in OTHER_FILES:
        files.append(_file_row(other["source_file"], other["bytes"], other["status"],
                               other["reason"], other["duplicate_of"], other["text"],
                               other["encoding"]))
    frames = {"raw.report_files": pl.DataFrame(files, schema=REPORT_FILES, orient="row"),
              "raw.divisions": division_frame(),
              # the reviewers' corrections file: none here (tests/dbt/test_dbt_corrections.py adds rows)
              "raw.corrections": fz_corrections.frame([], NOW),
              # the source manifest: none here (tests/dbt/test_dbt_sources.py adds rows)
              "raw.sources": fz_sources.frame([], NOW)}
    for name, chunks in parts.items():
        frames[f"staging.{name}"] = pl.concat(chunks)
    return frames


def write_frames(con: duckdb.DuckDBPyConnection, frames: dict[str, pl.DataFrame]) -> None:
    """(Re)create each '<schema>.<table>' from its frame through Arrow."""
    for qualified, frame in frames.items():
        schema_name = qualified.split(".")[0]
        con.execute(f"create schema if not exists {schema_name}")
        arrow_table = frame.to_arrow()  # noqa: F841 - read by DuckDB's replacement scan
        con.execute(f"create or replace table {qualified} as select * from arrow_table")


def build_fixture_work_db(path: str | Path) -> Path:
    """Create (or replace) the fixture work database at `path` and return it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    con = duckdb.connect(str(path))
    try:
        write_frames(con, fixture_frames())
    finally:
        con.close()
    return path


if __name__ == "__main__":
    print(build_fixture_work_db(sys.argv[1] if len(sys.argv) > 1 else "warehouse/.work/fazhi.duckdb"))
