"""Division table and region resolution, on synthetic but realistic report text.

Expected codes are looked up in the division table by name and parent, so the
tests state *which* place is meant, not a memorised code.
"""
from __future__ import annotations

import opencc
import polars as pl
import pytest

from fazhi_parse.regions import LEVELS, division_table, find_full_names, find_stem_names, resolve_region, short_name

_t2s = opencc.OpenCC("t2s").convert


def code_of(name: str, parent: str | None = None) -> str:
    """Code of the division called `name` whose prefecture or province is `parent`."""
    df = division_table().filter(pl.col("region_name") == name)
    if parent is not None:
        df = df.filter((pl.col("prefecture") == parent) | (pl.col("province") == parent))
    assert df.height == 1, (name, parent, df)
    return df["region_code"][0]


# ------------------------------------------------------------------ the table


def test_table_shape_and_levels():
    df = division_table()
    assert df.height > 3000
    assert df["region_code"].is_unique().all()
    assert df["region_code"].str.contains(r"^\d{6}$").all()
    assert set(df["level"].unique()) == set(LEVELS)
    assert df.filter(pl.col("level") == "province").height == 34


@pytest.mark.parametrize(
    "name, parent, level, prefecture",
    [
        ("兴国县", "赣州市", "county", "赣州市"),
        ("柳南区", "柳州市", "district", "柳州市"),
        ("瑞金市", "赣州市", "county_city", "赣州市"),
        ("景德镇市", "江西省", "prefecture", None),
        ("广西壮族自治区", None, "province", None),
        ("朝阳区", "北京市", "district", None),  # municipality: no prefecture level
        ("仙桃市", "湖北省", "county_city", None),  # directly under the province
        ("神农架林区", "湖北省", "county", None),
        ("六枝特区", "六盘水市", "county", "六盘水市"),
        ("科尔沁右翼前旗", "兴安盟", "county", "兴安盟"),
        ("酉阳土家族苗族自治县", "重庆市", "county", None),
        ("恩施土家族苗族自治州", "湖北省", "prefecture", None),
    ],
)
def test_levels_and_parents(name, parent, level, prefecture):
    row = division_table().filter(pl.col("region_code") == code_of(name, parent)).row(0, named=True)
    assert row["level"] == level
    assert row["prefecture"] == prefecture
    assert row["parent_code"] == (None if level == "province" else row["prefecture_code"] or row["province_code"])


def test_no_placeholder_rows():
    df = division_table()
    # 北京市 appears once (the province), not again as a 市辖区-style middle level.
    assert df.filter(pl.col("region_name") == "北京市").height == 1
    assert df.filter(pl.col("region_name").str.contains("直辖|交界|海域")).height == 0


@pytest.mark.parametrize(
    "name, stem",
    [("兴国县", "兴国"), ("广西壮族自治区", "广西"), ("恩施土家族苗族自治州", "恩施"), ("阿克苏地区", "阿克苏"), ("威县", "威县")],
)
def test_short_name(name, stem):
    assert short_name(name) == stem


def test_full_names_longest_match_and_words_skipped():
    names = [h.name for h in find_full_names("中共柳州市柳南区委员会;推进城区道路和西湖区域治理;恩施州")]
    assert names == ["柳州市", "柳南区", "恩施州"]


# ------------------------------------------------------------------ resolution


CASES = [
    # (what it shows, text, title, expected (name, parent) or None)
    (
        "county report names its prefecture and province too",
        "2023年,在赣州市委、市政府的坚强领导下,兴国县坚持以习近平法治思想为指导,我县法治政府建设取得新成效。"
        "全县共办理行政复议案件12件。全市法治督察中我县排名第一。江西省委依法治省办通报表扬。",
        "兴国县2023年法治政府建设情况报告",
        ("兴国县", "赣州市"),
    ),
    (
        "prefecture report mentions its counties",
        "2024年,景德镇市坚持以习近平新时代中国特色社会主义思想为指导,全市法治政府建设取得新成效。"
        "乐平市、浮梁县分别开展执法检查。全市共受理行政复议申请300件。\n中共景德镇市委 景德镇市人民政府\n2025年2月18日",
        None,
        ("景德镇市", "江西省"),
    ),
    (
        "addressed upward: written by the level below",
        "省委、省政府:\n2024年,景德镇市深入推进法治政府建设,全市行政诉讼败诉率下降。江西省法治政府建设考核中全市位列前茅。\n特此报告。",
        None,
        ("景德镇市", "江西省"),
    ),
    (
        "district name repeated in four prefectures: the prefecture decides",
        "2023年,我区在福州市委、市政府的坚强领导下,扎实推进法治政府建设。全区化解行政争议56件。",
        "鼓楼区2023年法治政府建设情况报告",
        ("鼓楼区", "福州市"),
    ),
    (
        "short forms of province and prefecture decide",
        "2023年,我区认真落实江苏省委和南京市委部署,全区法治政府建设稳步推进。",
        "鼓楼区2023年法治政府建设工作报告",
        ("鼓楼区", "南京市"),
    ),
    (
        "parent written in front of a repeated name",
        "2024年,我区坚持以习近平法治思想为指导,全区法治政府建设取得成效。",
        "北京市朝阳区2024年法治政府建设年度情况报告",
        ("朝阳区", "北京市"),
    ),
    (
        "same repeated name, other parent",
        "2024年,在长春市委、市政府领导下,我区深入推进依法行政,全区行政执法规范化水平持续提升。",
        "朝阳区2024年法治政府建设情况报告",
        ("朝阳区", "长春市"),
    ),
    (
        "suffix-less name in the heading",
        "2023年以来,我县坚持以习近平法治思想为指导,全县法治政府建设成效明显。",
        "兴国2023年法治政府建设工作情况报告",
        ("兴国县", "赣州市"),
    ),
    (
        "no title: the report's own 《document》 names it",
        "2023年以来,我县扎实推进法治政府建设。印发《兴国县2023年法治政府建设工作要点》,全县各部门抓好落实。"
        "深入实施科教兴国战略。",
        None,
        ("兴国县", "赣州市"),
    ),
    (
        "county-level city inside a prefecture that is named first",
        "2023年,在赣州市委、市政府的坚强领导下,瑞金市坚持依法行政,我市法治政府建设取得新进展。",
        "瑞金市2023年法治政府建设情况报告",
        ("瑞金市", "赣州市"),
    ),
    (
        "autonomous prefecture written short",
        "2023年,全州上下深入学习贯彻习近平法治思想,我州法治政府建设迈上新台阶。",
        "恩施州2023年法治政府建设情况报告",
        ("恩施土家族苗族自治州", "湖北省"),
    ),
    (
        "autonomous county written short",
        "2023年,我县深入推进法治政府建设,全县行政复议纠错率保持稳定。",
        "酉阳县2023年法治政府建设情况报告",
        ("酉阳土家族苗族自治县", "重庆市"),
    ),
    (
        "county-level city directly under the province",
        "2024年,我市深入推进法治政府建设,全市行政机关负责人出庭应诉率100%。",
        "仙桃市2024年法治政府建设情况报告",
        ("仙桃市", "湖北省"),
    ),
    (
        "title names the parent only, body names the district and calls itself 我区",
        "2024年,我区坚持以习近平法治思想为指导,认真落实中央、自治区、柳州市决策部署,全区法治政府建设取得成效。\n"
        "中共柳州市柳南区委员会\n柳州市柳南区人民政府",
        None,
        ("柳南区", "柳州市"),
    ),
]

NONE_CASES = [
    (
        "repeated name with no context",
        "2023年,我区坚持以习近平法治思想为指导,全区法治政府建设取得新成效。",
        "鼓楼区2023年法治政府建设情况报告",
    ),
    (
        "repeated name, only the shared province named",
        "2023年,我区认真落实河北省委部署,全区法治政府建设取得新成效。",
        "新华区2023年法治政府建设情况报告",
    ),
    (
        "ordinary words that contain place names",
        "2023年以来,我县深入实施科教兴国战略,城区道路执法规范化,重点区域治理成效明显。",
        None,
    ),
    (
        "report says 我县 but only its prefecture is named",
        "2023年,我县在赣州市委领导下推进法治政府建设,全县成效明显。在南昌县、南昌县召开现场会。",
        "赣州市2023年法治政府建设情况报告",
    ),
    (
        "a development zone's report: not a division",
        "2023年,我区坚持以习近平法治思想为指导,全区法治政府建设取得成效,在全市考核中位列前茅。"
        "与柳北区联合开展执法检查,柳北区司法局给予支持。",
        "柳州市柳东新区管理委员会 柳州高新技术产业开发区管理委员会关于2023年法治政府建设情况的报告",
    ),
    (
        "two counties named with equal weight",
        "2023年,我县推进法治政府建设。\n中共兴国县委 于都县人民政府",
        None,
    ),
]


@pytest.mark.parametrize("label, text, title, expected", CASES, ids=[c[0] for c in CASES])
def test_resolves(label, text, title, expected):
    got = resolve_region(text, title, None)
    assert got is not None, label
    assert got.region_code == code_of(*expected)
    assert got.evidence and got.evidence in "\n".join(filter(None, (title, text)))


@pytest.mark.parametrize("label, text, title", NONE_CASES, ids=[c[0] for c in NONE_CASES])
def test_prefers_none(label, text, title):
    assert resolve_region(text, title, None) is None


def test_traditional_title_after_t2s():
    title = _t2s("興國縣2023年度法治政府建設情況報告")
    text = _t2s("2023年以來,我縣堅持以習近平法治思想為指導,全縣法治政府建設取得新成效。")
    got = resolve_region(text, title, None)
    assert got is not None and got.region_code == code_of("兴国县", "赣州市")
    assert (got.level, got.province, got.prefecture) == ("county", "江西省", "赣州市")


def test_issuer_alone_decides():
    text = "2024年,我区坚持以习近平法治思想为指导,全区法治政府建设取得新成效。"
    got = resolve_region(text, None, "柳州市柳南区人民政府")
    assert got is not None and got.region_code == code_of("柳南区", "柳州市")


@pytest.mark.parametrize(
    "text, names",
    [
        ("威县人民政府2019年度法治政府建设报告", ["威县"]),
        ("中共威县县委、威县人民政府", ["威县", "威县"]),
        ("创建法治政府建设示范县,提高县级执法水平,推动市和县两级联动", []),
        ("邢台市威县", ["邢台市", "威县"]),
    ],
)
def test_two_character_names_only_at_word_start(text, names):
    assert [h.name for h in find_full_names(text)] == names


@pytest.mark.parametrize(
    "text, hits",
    [
        ("兴国2023年法治政府建设工作情况报告", [(0, "兴国")]),
        ("赣州  人民政府关于", [(0, "赣州")]),  # spaces before the token
        ("兴国人民政府兴国政府", [(0, "兴国"), (6, "兴国")]),
        ("兴国赣州法治", [(2, "赣州")]),  # only the name the token follows
        ("三门峡法治政府", [(0, "三门峡")]),  # the longest stem, not 三门
        ("三门峡市法治", []),  # the longest stem 三门峡 is not followed by a token
        ("深入实施科教兴国战略", []),  # no heading token after it
        ("朝阳法治", []),  # a stem that is an everyday word
    ],
)
def test_stem_names_need_a_heading_token(text, hits):
    assert [(h.start, h.name) for h in find_stem_names(text)] == hits


@pytest.mark.parametrize("token", ["2023年", "二〇二三年", "人民政府", "政府", "党委", "委员会", "法治政府", "关于"])
def test_every_heading_token_marks_a_stem(token):
    assert [h.name for h in find_stem_names(f"关于兴国{token}")] == ["兴国"]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "2024年,景德镇市坚持依法行政,乐平市获评全国法治政府建设示范市,全市法治政府建设取得新成效。",
            ("景德镇市", "江西省"),
        ),
        (
            "2024年,在赣州市委、市政府的坚强领导下,瑞金市坚持依法行政,全市法治政府建设取得新成效。",
            ("瑞金市", "赣州市"),
        ),
    ],
    ids=["prefecture names a county-level city later", "superior named in a 领导下 clause"],
)
def test_opening_subject_decides_between_same_kind(text, expected):
    got = resolve_region(text, None, None)
    assert got is not None and got.region_code == code_of(*expected)
