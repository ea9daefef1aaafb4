"""Document metadata on the seed reports (against the gold file) and on
synthetic but realistic report openings and endings."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fazhi_parse.metadata import extract_metadata
from fazhi_parse.text import cjk_changes, is_chrome_line, traditional_share

_t2s = opencc.OpenCC("t2s").convert
REPO = Path(__file__).resolve().parents[2]
GOLD = REPO.parent / "shared" / "gold" / "seeds" / "docs.csv"


def meta(text: str) -> dict:
    simplified = _t2s(text)
    assert len(simplified) == len(text)
    return extract_metadata(text, simplified)


# ------------------------------------------------------------------ seeds vs gold


def _gold_rows() -> list[dict]:
    if not GOLD.exists():
        return []
    with open(GOLD, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.skipif(not GOLD.exists(), reason="gold answers not available")
@pytest.mark.parametrize("gold", _gold_rows(), ids=lambda g: g["file"])
def test_seed_matches_gold(gold):
    text = (REPO / "seeds" / gold["file"]).read_text(encoding="utf-8")
    got = meta(text)
    assert got["region_code"] == gold["region_code"]
    assert got["region_name"] == gold["region_name"]
    assert got["region_level"] == gold["level"]
    assert got["province"] == gold["province"]
    assert got["prefecture"] == (gold["prefecture"] or None)
    assert got["report_year"] == int(gold["report_year"])
    assert got["script"] == gold["script"]
    assert got["kind"] == "rule_of_law_report"
    # Evidence is cut from the original text, as printed.
    assert got["region_evidence"] in text and got["year_evidence"] in text
    assert got["title"] is None or got["title"] in text.replace("\n", "")


# ------------------------------------------------------------------ chrome (rules in fazhi_parse.text)

CHROME_LINES = [
    "长者浏览模式",
    "通知公告",
    "字体:[   ]",
    "【字体:大 中 小】",
    "发布时间:2020-01-06        发布机构:司法局        字体:[   ]",
    "发佈時間:2020-01-06",
    "索引号:777737060/2020-882",
    "主题分类:其他        文号:威政呈〔2020〕1号",
    "首页 > 政务公开 > 法治政府建设",
    "当前位置:首页>>信息公开",
    "关闭窗口",
    "【打印本页】",
    "  发文机构:县司法局",
    "版权所有:某县人民政府办公室  地址:某县人民路1号",
    "主办单位:某县人民政府办公室  技术支持:某县大数据中心",
    "冀ICP备05003110号  网站标识码:1305330001",
    "法治政府建设专栏",
    "扫一扫在手机打开当前页",
]
NOT_CHROME = [
    "威县人民政府",
    "2019年度法治政府建设情况报告",
    "一、主要工作及成效",
    "省委、省政府:",
    # Words that mark footers or crumbs, inside report text.
    "全年为乡镇提供法律技术支持120次。",
    "(三)开展行政执法专题",
    "三是开展法治宣传专题",
    "群众满意度>95%",
]


@pytest.mark.parametrize("line", CHROME_LINES)
def test_chrome_lines(line):
    assert is_chrome_line(_t2s(line))


@pytest.mark.parametrize("line", NOT_CHROME)
def test_report_lines_are_not_chrome(line):
    assert not is_chrome_line(line)


def test_chrome_is_decided_for_whole_lines():
    lines = ["首页 > 政务公开", "2023年,我县扎实推进法治政府建设。", "", "  关闭窗口  ", "网站标识码:1305330001"]
    chrome = [line for line in lines if line.strip() and is_chrome_line(line)]
    assert chrome == ["首页 > 政务公开", "  关闭窗口  ", "网站标识码:1305330001"]


# ------------------------------------------------------------------ title and issuer


TITLE_CASES = [
    (
        "chrome above the title",
        "长者浏览模式\n通知公告\n首页 > 政务公开 > 法治政府建设\n字体:[ 大 中 小 ]\n发布时间:2024-01-15  索引号:11371329/2024-00012\n"
        "沂水县2023年度法治政府建设情况报告\n\n2023年,沂水县坚持以习近平法治思想为指导,全县法治政府建设取得新成效。",
        "沂水县2023年度法治政府建设情况报告",
        None,
    ),
    (
        "issuer line above a title split over two lines",
        "滑县人民政府\n\n2022年度法治政府建设情况报告\n\n2022年以来,我县坚持依法行政,全县法治政府建设稳步推进。",
        "滑县人民政府2022年度法治政府建设情况报告",
        "滑县人民政府",
    ),
    (
        "party committee and government before 关于",
        "中共南京市鼓楼区委员会 南京市鼓楼区人民政府关于鼓楼区2023年法治政府建设工作情况的报告\n2023年,我区坚持以习近平法治思想为指导。",
        "中共南京市鼓楼区委员会 南京市鼓楼区人民政府关于鼓楼区2023年法治政府建设工作情况的报告",
        "南京市鼓楼区人民政府",
    ),
    (
        "addressee line, no title; issuer from the signature",
        "市委、市政府:\n2023年,我县深入推进法治政府建设,全县行政复议案件办理质效提升。\n特此报告。\n中共于都县委 于都县人民政府\n2024年1月20日",
        None,
        "于都县人民政府",
    ),
    (
        "site name and a date above the title are skipped",
        "威县人民政府门户网站\n2019-12-30\n关于威县2019年法治政府建设情况的报告\n2019年,我县坚持依法行政,全县法治政府建设成效明显。",
        "关于威县2019年法治政府建设情况的报告",
        None,
    ),
    (
        "a 标题: label is not part of the title",
        "标题:关于沂水县2023年度法治政府建设情况的报告\n2023年,沂水县坚持依法行政,全县法治政府建设成效明显。",
        "关于沂水县2023年度法治政府建设情况的报告",
        None,
    ),
    (
        "a numbered section heading is not a title",
        "一、2024年法治政府建设主要工作及成效\n(一)聚焦服务发展,政府权力运行更加高效透明",
        None,
        None,
    ),
    (
        "body straight away",
        "2023年以来,我县坚持以习近平新时代中国特色社会主义思想为指导,扎实推进法治政府建设。现将有关情况报告如下:\n一、主要工作",
        None,
        None,
    ),
]


@pytest.mark.parametrize("label, text, title, issuer", TITLE_CASES, ids=[c[0] for c in TITLE_CASES])
def test_title_and_issuer(label, text, title, issuer):
    got = meta(text)
    assert got["title"] == title
    assert got["issuer"] == issuer


def test_split_traditional_title_evidence_as_printed():
    text = "威縣人民政府\n\n2019年度法治政府建設情況報告\n\n2019年以來,我縣堅持依法行政,全縣法治政府建設成效明顯。"
    got = meta(text)
    assert got["title"] == "威縣人民政府2019年度法治政府建設情況報告"
    assert got["region_name"] == "威县"
    assert got["region_evidence"] in text and "縣" in got["region_evidence"]


def test_traditional_title_kept_as_printed():
    text = "興國縣人民政府關於2023年度法治政府建設情況的報告\n2023年以來,我縣堅持以習近平法治思想為指導,全縣法治政府建設取得新成效。"
    got = meta(text)
    assert got["title"] == "興國縣人民政府關於2023年度法治政府建設情況的報告"
    assert got["issuer"] == "興國縣人民政府"
    assert got["script"] == "traditional"
    assert got["region_name"] == "兴国县"
    assert got["report_year"] == 2023
    assert got["kind"] == "rule_of_law_report"


# ------------------------------------------------------------------ year and dates

YEAR_CASES = [
    (
        "以来 in the opening",
        "2023年以来,我县坚持依法行政。全县办理行政复议案件45件。\n三、2024年工作打算\n2024年,我县将继续深化法治政府建设。2024年力争创建示范县。",
        2023,
        None,
    ),
    (
        "年度 in the title wins over the signature year",
        "威县人民政府2019年度法治政府建设报告\n今年以来,我县持续推进依法行政,全县行政应诉工作规范有序。\n威县人民政府\n2020年1月2日",
        2019,
        dt.date(2020, 1, 2),
    ),
    (
        "signed the following year, opening names the year covered",
        "省委、省政府:\n2024年,景德镇市坚持以习近平法治思想为指导,全市法治政府建设取得新成效。\n特此报告。\n中共景德镇市委 景德镇市人民政府\n2025年2月18日",
        2024,
        dt.date(2025, 2, 18),
    ),
    (
        "plans and publication line ignored, result sentences vote",
        "发布时间:2025-03-01\n一年来,我区法治政府建设取得积极成效。\n一、主要成效\n2024年3月,我区召开法治政府建设推进会。"
        "比2023年增长12%。2024年全区共办理行政复议案件80件。\n二、下一步工作打算\n2025年,我区重点抓好三项工作。2025年全面推行柔性执法。"
        "2025年实现复议案件网上办理。",
        2024,
        dt.date(2025, 3, 1),
    ),
    (
        "今年 without a dated context gives no year",
        "今年以来,我县持续推进依法行政,全县行政执法更加规范。\n特此报告。\n某县人民政府\n2025年2月10日",
        None,
        dt.date(2025, 2, 10),
    ),
    (
        "Chinese-numeral year in the title and signature",
        "二〇二三年度法治政府建设情况报告\n一年来,我县深入推进法治政府建设。\n二〇二四年一月十五日",
        2023,
        dt.date(2024, 1, 15),
    ),
    (
        "signature and date on one line",
        "2022年,全县法治政府建设稳步推进。\n特此报告。\n滑县人民政府    2023年1月6日",
        2022,
        dt.date(2023, 1, 6),
    ),
    (
        "the end of a plan's year range does not vote",
        "一年来,我县法治政府建设稳步推进。\n落实《法治政府建设实施纲要(2021—2025年)》,2023年全县办理复议案件30件。",
        2023,
        None,
    ),
    (
        "a plan year never taken even when it is the only one",
        "一年来,我县法治政府建设稳步推进。\n二、下一步工作打算\n2025年,我县将持续推进。",
        None,
        None,
    ),
    # Classes from news texts and data releases (real sentences of dev texts, cut).
    (
        "baselines (与/比/较 a year) do not vote",
        "4月29日,四川高院召开行政审判工作新闻发布会,介绍2024年行政审判工作。\n审判质效持续向好\n"
        "2024年,全省法院受理各类行政案件29154件。一审收结案数量与2023年基本持平,比2023年多749件。"
        "2024年全省法院办理行政审判案件平均审理天数为77天,比2023年减少了1.91天,较2023年增长2.08个百分点。",
        2024,
        None,
    ),
    (
        "a sentence of what the region 将不断 do is a plan",
        "乌海讯近年来,乌海市各级司法行政机关坚持和发展新时代“枫桥经验”,全市人民调解案件创历史最高。\n"
        "2023年,乌海市各级调解组织共调解纠纷5808件,调解成功5807件。\n"
        "做好人民调解工作,事关人民群众切身利益。2024年,乌海市各级司法行政机关、人民调解组织将不断增强做好调解工作的责任感。",
        2023,
        None,
    ),
    (
        "a year leading its clause outweighs one in passing",
        "青海新闻网讯 1月5日,记者从省司法厅了解到,2022年,我省各级法律援助机构共办理各类法律援助案件7900件,含2021年结转案件120件。",
        2022,
        None,
    ),
    (
        "a bare page date, 以来 over several years: the publication year",
        "新疆:提高矛盾纠纷多元化解水平\n2021-04-12 16:05\n来源:澎湃新闻\n"
        "记者近日从新疆维吾尔自治区司法厅了解到,近3年来,新疆人民调解社会化、法治化水平不断提高。\n"
        "2018年以来,全区受理人民调解案件73.6万件。目前,新疆共建立各类人民调解组织14420个。",
        2021,
        dt.date(2021, 4, 12),
    ),
    (
        "a source line closing with the date, 今年来 without a year",
        "湖南:年底前要实现全省五级实体平台全覆盖\n来源:湖南日报 作者:沙兆华 编辑:向宏鑫 2018-07-28 09:19:02\n"
        "湖南日报7月27日讯 今天,省司法厅召开年中工作推进会。今年来,省司法厅创新机制,全省已建成公共法律服务中心138个。",
        2018,
        dt.date(2018, 7, 28),
    ),
    (
        "no year stated, published early in a year: unknown",
        "2023-01-05\n记者近日从省司法厅了解到,目前全省共建成公共法律服务中心138个,工作站1904个。",
        None,
        dt.date(2023, 1, 5),
    ),
    (
        "今年 with a later year: the text's own year, not last year's baseline",
        "近年来,广州在全国率先开展行政复议规范化建设。\n2021年,广州市区两级行政复议机构通过调解和解办结行政复议案件1706件;"
        "今年上半年,通过调解和解办结行政复议案件518件。\n2021年年初,广州在全国率先完成行政复议体制改革。"
        "2022年1至6月,全市行政复议机构共收到案件3839件。",
        2022,
        None,
    ),
    (
        "今年 and a later year not stated as part of a year: no jump",
        "近年来,广州在全国率先开展行政复议规范化建设。\n2021年,广州市区两级行政复议机构办结行政复议案件1706件;"
        "今年以来,复议工作稳步推进。2022年3月,市政府召开行政复议委员会会议。",
        2021,
        None,
    ),
    (
        "an annual report stating no year, published early in a year: the year before",
        "发布时间:2024-03-01\n某县法治政府建设情况报告\n一年来,我县深入推进法治政府建设,全县行政执法更加规范。",
        2023,
        dt.date(2024, 3, 1),
    ),
    (
        "an annual report stating no year, published late in a year: unknown",
        "发布时间:2024-09-01\n某县法治政府建设情况报告\n一年来,我县深入推进法治政府建设,全县行政执法更加规范。",
        None,
        dt.date(2024, 9, 1),
    ),
    (
        "a span from one month to another years later votes for neither",
        "段治明委员:\n您提出的建议收悉,现答复如下:\n一、全市人民调解工作情况\n"
        "2022年1月至2025年6月,全市各级各类人民调解组织共开展矛盾纠纷排查活动3.2万次。",
        None,
        None,
    ),
    (
        "a title covering several years: no single year",
        "县司法局关于2021-2025年度行政复议体制改革工作总结报告\n根据上级部署,我县系统推进各项改革任务。"
        "自2022年1月1日起,我县正式实行行政复议职责集中管辖。2023年,我县共办理行政复议案件50件。",
        None,
        None,
    ),
]


@pytest.mark.parametrize("label, text, year, published", YEAR_CASES, ids=[c[0] for c in YEAR_CASES])
def test_report_year_and_publication(label, text, year, published):
    got = meta(text)
    assert got["report_year"] == year
    assert got["published_on"] == published
    if year is not None:
        assert got["year_evidence"] in text


# ------------------------------------------------------------------ kind and script


@pytest.mark.parametrize(
    "text, kind",
    [
        ("临沭县2024年度法治政府建设报告\n2024年,临沭县坚持依法行政。", "rule_of_law_report"),
        ("2023年以来,我县扎实推进法治政府建设。现将工作情况报告如下:\n一、主要工作", "rule_of_law_report"),
        ("关于印发《某县2024年法治政府建设工作要点》的通知\n各乡镇人民政府,县政府各部门:现将要点印发给你们。", "other_government_text"),
        ("某县2023年政府工作报告\n各位代表:现在,我代表县人民政府向大会报告工作。", "other_government_text"),
    ],
)
def test_kind(text, kind):
    assert meta(text)["kind"] == kind


@pytest.mark.parametrize(
    "text, script",
    [
        ("2023年以來,我縣堅持以習近平新時代中國特色社會主義思想為指導,紮實推進法治政府建設。", "traditional"),
        ("2023年以来,我县坚持以习近平新时代中国特色社会主义思想为指导,扎实推进法治政府建设。", "simplified"),
        # Simplified text with a couple of characters t2s would still touch.
        ("2023年以来,我县坚持依法行政,著力推进乾坤湾景区综合执法,扎实推进法治政府建设各项工作。", "simplified"),
    ],
)
def test_script(text, script):
    assert meta(text)["script"] == script


def _changes_one_by_one(original: str, simplified: str) -> tuple[int, int]:
    pairs = [(a, b) for a, b in zip(original, simplified, strict=False) if "\u4e00" <= a <= "\u9fff"]
    return sum(a != b for a, b in pairs), len(pairs)


# Ideographs inside and at the edges of U+4E00-U+9FFF, neighbours outside it,
# full-width punctuation, astral characters (two UTF-16 units) and a lone surrogate.
_SCRIPT_ALPHABET = "国國县縣\u4e00\u9fff\u4dff\ua000\u4e4e\u9f00，。,a 2\U00020000\U0002a79d\ud800"


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(_SCRIPT_ALPHABET), st.sampled_from(_SCRIPT_ALPHABET)), max_size=60),
    st.one_of(st.none(), st.integers(0, 70)),
)
def test_cjk_changes_counts_position_by_position(pairs, limit):
    original = "".join(a for a, _ in pairs)
    simplified = "".join(b for _, b in pairs)
    expected = _changes_one_by_one(original[:limit], simplified[:limit])
    assert cjk_changes(original, simplified, limit) == expected
    assert traditional_share(original, simplified, limit) == (expected[0] / expected[1] if expected[1] else 0.0)


def test_cjk_changes_on_a_converted_report():
    original = "2023年以來,我縣堅持以習近平法治思想為指導,紮實推進法治政府建設。" * 50
    simplified = _t2s(original)
    changed, cjk = cjk_changes(original, simplified)
    assert (changed, cjk) == _changes_one_by_one(original, simplified)
    assert changed > 0.2 * cjk
    assert cjk_changes(original, simplified, 40) == _changes_one_by_one(original[:40], simplified[:40])


def test_returns_document_columns():
    from fazhi_parse.schema import DOCUMENTS

    got = meta("2023年以来,我县扎实推进法治政府建设。")
    own = set(DOCUMENTS) - {"report_id", "parser_version", "char_count", "t2s_length_preserved"}
    assert own <= set(got)


# ------------------------------------------------------------------ robustness


_FRAGMENTS = [
    "兴国县", "鼓楼区", "柳州市", "江西", "省委、省政府:", "我县", "全市", "我区", "2023年", "2024年以来,", "二〇二五年二月十日",
    "发布时间:2020-01-06", "关闭窗口", "人民政府", "中共", "委员会", "关于", "法治政府建设", "情况报告", "下一步工作打算",
    "一、", "(一)", "。", ",", "\n", "  ", "《", "》", "今年以来", "全县共办理案件12件", "特此报告", "威县", "开发区",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=40))
def test_never_fails_and_evidence_is_in_the_text(parts):
    text = "".join(parts)
    got = extract_metadata(text, text)
    # A title split over lines is its lines' trimmed text joined: compare without whitespace.
    compact = "".join(text.split())
    for key in ("title", "issuer", "region_evidence", "year_evidence"):
        if got[key] is not None:
            assert "".join(got[key].split()) in compact, key
    assert got["kind"] in {"rule_of_law_report", "other_government_text", "court_document"}
    assert got["script"] == "simplified"
    if got["region_code"] is not None:
        assert got["region_evidence"]


def test_lines_end_at_either_line_break_and_are_trimmed():
    from fazhi_parse.metadata import _lines

    s = "  标题 \r\n\r\n正文一行\r下一行  \n \n末行"
    assert [s[a:b] for a, b in _lines(s)] == ["标题", "正文一行", "下一行", "末行"]
