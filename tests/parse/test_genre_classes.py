"""Table-driven tests, one table per class of phrasing the parser must read
right on real text (issue 10). Sentences come from public government pages of
the genre (some in traditional script, some with mirror-site artefacts) and
from variants of them. Each row gives the whole-year facts of the report's own
region that the text must yield, in order, and nothing else."""
from __future__ import annotations

import pytest

from fazhi_parse.document import parse_body


def stated(text: str, *, annual_report: bool = False, report_year: int | None = None, court_voice: bool = False):
    """(metric, value, comparator) of the facts that would be stated rows of fct_metric_values."""
    from fazhi_parse.document import body_rows

    _, _, facts = body_rows("r", text, None, report_year, annual_report, court_voice).as_dicts()
    return [
        (f["metric_code"], f["value"], f["comparator"])
        for f in facts
        if f["measure_kind"] == "level" and f["parent_fact_id"] is None and f["section_kind"] != "plans"
        and f["period_kind"] == "year" and f["scope"] == "region" and not f["is_duplicate"]
    ]


def check(rows):
    return pytest.mark.parametrize("text, expected", rows, ids=[t[:20] for t, _ in rows])


# ---------------------------------------------------------------- period
PERIOD = [
    ("今年上半年,全省聚焦重点领域,共调解纠纷131599件,调解成功率98%。", []),
    ("2022年1至6月,全市行政复议机构共收到案件3839件,同比增长19.6%。", []),
    ("截至9月底,金华各级法院共受理以市政府为被告的行政诉讼案件115件。", []),
    ("自2018年以来,全区各级人民调解组织共受理人民调解案件295980件,成功调解293845件。", []),
    ("近三年共受理行政复议案件300件。", []),
    ("“八五”普法以来,全市共办理法律援助案件3.2万件。", []),
    ("党的十八大以来,全省共办理法律援助案件150万件。", []),
    ("“十四五”以来办理法律援助案件4.4万余件。", []),
    ("2021年,广州市区两级行政复议机构通过调解和解办结行政复议案件1706件;今年上半年,通过调解和解办结行政复议案件518件。", []),
    ("开展矛盾纠纷排查化解专项行动期间,共受理并调处矛盾纠纷3921件。", []),
    ("2019年1月至6月,我局办理行政诉讼案件31宗。", []),
    ("深入开展“以案治本”专项行动,办结复议案件326件,直接纠错25件。", []),
    # a period set before a semicolon holds to the full stop
    ("2022年1月至2025年6月,全市人民调解组织排查发现矛盾纠纷1.8万余件;共受理各类矛盾纠纷5.2万余件,调解成功5.1万余件。", []),
    # ... but what stands now is counted as it stands
    ("5年来,全省办理法律援助案件4.4万余件;全省设立调解组织5917个,配备人民调解员2.58万余名。",
     [("mediation.organizations", 5917.0, "="), ("mediation.mediators", 25800.0, ">=")]),
    # the report's own year, and its end, are the year
    ("2022年,全市共办理法律援助案件1123件。", [("legal_aid.cases", 1123.0, "=")]),
    ("截至2022年底,全县共有人民调解组织356个。", [("mediation.organizations", 356.0, "=")]),
    # a stock counted up to now is the year's figure
    ("截至目前,全区共有人民调解组织632个。", [("mediation.organizations", 632.0, "=")]),
    # a level reached from a baseline: the year named after 至 decides its period
    ("行政诉讼案件败诉率由2021年的12%降至2022年的8%。", [("admin_litigation.loss_rate", 8.0, "=")]),
    ("行政诉讼案件败诉率由2020年的12%降至2021年的8%。", []),
]


@check(PERIOD)
def test_figures_for_another_period_are_not_stated(text, expected):
    assert stated(text, report_year=2022) == expected


def test_year_to_date_is_the_year_in_an_annual_report_only():
    text = "今年以来,共办理法律援助案件51件,解答法律咨询600余人次。"
    assert stated(text, annual_report=False) == []
    assert stated(text, annual_report=True) == [("legal_aid.cases", 51.0, "="), ("legal_aid.consultations", 600.0, ">=")]


def test_a_period_opening_a_paragraph_governs_its_later_sentences():
    text = "今年以来,全县人民调解工作扎实推进。共受理纠纷10199件,调解成功10168件。\n2023年全县共有调解员1281人。"
    assert stated(text, report_year=2023) == [("mediation.mediators", 1281.0, "=")]


def test_a_date_inside_an_aside_qualifies_only_its_figure():
    text = "全年共审结行政复议案件422件(包括2018年结转案件),综合纠错率为20.1%。"
    assert stated(text, report_year=2019) == [
        ("admin_review.concluded", 422.0, "="), ("admin_review.correction_rate", 20.1, "=")]


# ---------------------------------------------------------------- whose figure
WHOSE = [
    # a sub-unit's count beside the region's total
    ("全市全年共收到行政复议案件1262件。其中,市政府收到1197件,区政府收到65件。", [("admin_review.received", 1262.0, "=")]),
    ("全省各级行政复议机构新收行政复议申请5422件,受理行政复议案件3129件。报送数据的省直部门共收到行政复议申请376件,受理250件。",
     [("admin_review.received", 5422.0, "="), ("admin_review.accepted", 3129.0, "=")]),
    # ... but the only count given is the region's own
    ("2021年,区政府收到行政复议申请281件。", [("admin_review.received", 281.0, "=")]),
    # one channel alone is the total; two channels are parts of a total reached only by adding
    ("法律援助中心共办理法律援助案件2136件,接待来访咨询1.2万人次。",
     [("legal_aid.cases", 2136.0, "="), ("legal_aid.consultations", 12000.0, "=")]),
    # cases against the government (respondent), not cases it reviewed
    ("以区政府为被申请人的复议案件共11件,案件类型涉及信息公开、履职等。目前审结10件,其中纠错1件。", []),
    # one kind of what is counted
    ("省级社会团体调解组织达到8个。", []),
    ("专业性、行业性调解组织26家。", []),
    ("荣获自治区金牌人民调解员6人。", []),
    ("部门正职负责人出庭应诉案件数为616件。", []),
    ("2022年,我省办结农民工法律援助案件1762件。", []),
    ("受理行政征收类案件35件。", []),
    ("受理二审行政诉讼案件3780件。", []),
    ("建有行业性专业性人民调解组织1503个,调解员9784人。", []),
    ("专业性、行业性调解组织26家,个人调解工作室12个,计有专、兼职人民调解员1281人。",
     [("mediation.mediators", 1281.0, "=")]),
    ("行专调委会累计调处矛盾纠纷8833件。", []),
    ("已评定星级人民调解员共723名。", []),
    ("全年开庭审结行政诉讼案件118件,其中行政机关正职负责人出庭6件。", [("admin_litigation.concluded", 118.0, "=")]),
    ("12348热线解答来电法律咨询2013批次,来访法律咨询298批次。", []),
    ("为农民工提供法律咨询2.8万人次。", []),
    # all of them, though the words look alike
    ("全年共办理刑事、民事、行政法律援助案件1200件。", [("legal_aid.cases", 1200.0, "=")]),
    ("全年办理民事法律援助案件300件。", []),
    ("全市法院受理一审、二审行政案件共1500件。", [("admin_litigation.cases", 1500.0, "=")]),
    ("全市现有专兼职人民调解员8525名。", [("mediation.mediators", 8525.0, "=")]),
    ("计有专、兼职人民调解员1281人。", [("mediation.mediators", 1281.0, "=")]),
    ("现有各级各类人民调解委员会1933个。", [("mediation.organizations", 1933.0, "=")]),
    # government texts quote court figures for the region
    ("我市各级人民法院共受理行政诉讼案件377件。", [("admin_litigation.cases", 377.0, "=")]),
    # a set of cases a superior assigned: not the region's total
    ("针对上级交办的14件行政争议化解案件积极开展工作,目前已化解7件,化解率达50%。", []),
    ("认真办理上级交办事项,全年共调解纠纷1200件。", [("mediation.disputes_mediated", 1200.0, "=")]),
]


@check(WHOSE)
def test_figures_of_a_part_or_another_body_are_not_the_regions(text, expected):
    assert stated(text) == expected


def test_in_a_court_voiced_text_the_courts_docket_is_not_the_governments():
    text = "全省法院新收行政诉讼案件11979件。全省行政复议机关新收行政复议案件7302件。"
    assert stated(text, court_voice=True) == [("admin_review.received", 7302.0, "=")]
    assert stated(text) == [("admin_litigation.cases", 11979.0, "="), ("admin_review.received", 7302.0, "=")]


def test_court_voice_is_read_from_the_opening():
    from fazhi_parse.scopes import court_voice

    assert court_voice("6月12日上午,云南省高级人民法院、云南省司法厅首次联合发布2023年度《行政复议和行政审判白皮书》")
    assert court_voice("重庆市行政复议暨行政诉讼白皮书新闻发布会通报") is False
    assert not court_voice("2023年,全市各级人民法院共受理行政诉讼案件377件。")


# ---------------------------------------------------------------- outcome vs volume
OUTCOME = [
    ("累计受理矛盾纠纷10346件,调处成功10343件,调处成功率99.97%。",
     [("mediation.disputes_mediated", 10346.0, "="), ("mediation.disputes_resolved", 10343.0, "="),
      ("mediation.success_rate", 99.97, "=")]),
    ("各级调解组织受理矛盾纠纷5935宗,成功调处5883宗。",
     [("mediation.disputes_mediated", 5935.0, "="), ("mediation.disputes_resolved", 5883.0, "=")]),
    ("区政府收到行政复议申请281件,以调解、和解等方式结案51件。",
     [("admin_review.received", 281.0, "="), ("admin_review.mediated_settled", 51.0, "=")]),
    ("行政复议机构通过调解和解办结行政复议案件300件。", [("admin_review.mediated_settled", 300.0, "=")]),
    # organisations and people need their noun, not any 个 or 名
    ("设立物业人民调解工作室28个、连锁企业人民调解工作室14个。", []),
    ("孵化智艳人民调解工作室、法通法律工作站等3个。", []),
    ("人民调解组织调解纠纷2000件,形成调解协议1960件。", [("mediation.disputes_mediated", 2000.0, "=")]),
]


@check(OUTCOME)
def test_outcomes_are_told_from_volumes(text, expected):
    assert stated(text) == expected


# ---------------------------------------------------------------- lists and breakdowns
LISTS = [
    ("驳回复议申请73件,维持201件,终止62件。",
     [("admin_review.rejected", 73.0, "="), ("admin_review.upheld", 201.0, "="), ("admin_review.terminated", 62.0, "=")]),
    ("行政复议撤销原具体行政行为22件、确认违法21件、变更1件、责令履行4件,共48件 占已审结案件4.18%。",
     [("admin_review.revoked", 22.0, "="), ("admin_review.confirmed_illegal", 21.0, "="), ("admin_review.altered", 1.0, "="),
      ("admin_review.ordered_perform", 4.0, "="), ("admin_review.corrected", 48.0, "="),
      ("admin_review.correction_rate", 4.18, "=")]),
    # 分别 lists: each cue before 分别 names the figure in its place, or none does
    ("全年受理、审结行政复议案件分别为120件、115件。",
     [("admin_review.accepted", 120.0, "="), ("admin_review.concluded", 115.0, "=")]),
    ("行政复议纠错率和调解和解率分别为12.5%、30%。",
     [("admin_review.correction_rate", 12.5, "="), ("admin_review.mediation_settlement_rate", 30.0, "=")]),
    ("全县各级调解组织受理、调解成功矛盾纠纷分别为3200件和3150件。",
     [("mediation.disputes_mediated", 3200.0, "="), ("mediation.disputes_resolved", 3150.0, "=")]),
    ("行政复议案件受理、审结、纠错分别为120件、115件。", []),
    ("全市法律援助中心和工作站分别办理案件120件、80件。", []),
    # a share of a count that has no catalog rate gives nothing
    ("在已审结行政复议案件中,维持原具体行政行为的763件,占已审结案件的66.46%。", [("admin_review.upheld", 763.0, "=")]),
    # the total of a breakdown named by its own noun, beside a wider total
    ("福清市法律援助中心共受理指派案件4459件,其中法律援助案件450件,刑事全覆盖试点案件2179件。",
     [("legal_aid.cases", 450.0, "=")]),
    # categories inside a breakdown are labels, not another topic's figures
    ("法律援助中心2024年共办理案件1365件,其中刑事案件1175件,民事行政案件190件。", [("legal_aid.cases", 1365.0, "=")]),
    # parts of a count about other work
    ("共接收审查归档案卷3927份,其中法律援助案件1414件,法律帮助案件2513件。", []),
    ("案件终止的行政复议案件共262件,其中申请人自愿撤回复议申请67件。", [("admin_review.terminated", 262.0, "=")]),
]


@check(LISTS)
def test_lists_totals_and_breakdowns(text, expected):
    assert stated(text) == expected


# ---------------------------------------------------------------- cue and figure apart
APART = [
    ("全省行政复议机关2023年以调解和解方式结案980件,占审结案件总数的21.69%。",
     [("admin_review.mediated_settled", 980.0, "="), ("admin_review.mediation_settlement_rate", 21.69, "=")]),
    ("行政机关负责人出庭应诉的87件,占诉讼案件的21.75%。",
     [("admin_litigation.head_appeared", 87.0, "="), ("admin_litigation.head_appearance_rate", 21.75, "=")]),
    # the subject of one sentence carries to the next in its paragraph
    ("2019年全市各级行政复议机关共收到行政复议申请469件,经审查后受理430件。从审理结果看,全年共审结422件。",
     [("admin_review.received", 469.0, "="), ("admin_review.accepted", 430.0, "="), ("admin_review.concluded", 422.0, "=")]),
    # ... and a section heading's subject to its paragraphs
    ("(一)行政复议案件\n3.审结情况。本期新收案件中受理1243件,上期结转126件,合计审理案件1369件。其中,已审结案件1148件。",
     [("admin_review.accepted", 1243.0, "="), ("admin_review.concluded", 1148.0, "=")]),
    # ... but not across paragraphs without one
    ("全年共收到行政复议申请469件。\n全年共审结422件。", [("admin_review.received", 469.0, "=")]),
    # a stage verb names the metric before the case noun nearer the figure
    ("全年共审结各类行政诉讼案件128件。", [("admin_litigation.concluded", 128.0, "=")]),
    ("新收一审行政诉讼案件3362件。", [("admin_litigation.cases", 3362.0, "=")]),
    # the figure before what it counts, with 的
    ("一支6万余人的人民调解员队伍穿梭于大街小巷。", [("mediation.mediators", 60000.0, ">=")]),
    ("共审核发放659件法律援助案件的办案补贴96.74万元。", []),
    # two kinds counted together are neither
    ("行政复议审结422件,撤销和确认违法65件,变更和责令履行21件。", [("admin_review.concluded", 422.0, "=")]),
    # a level reached from a baseline (由A降至B): B, for the period before the baseline's date
    ("行政复议后起诉率由2018年的30.7%降至14.6%。", [("admin_review.lawsuit_after_rate", 14.6, "=")]),
    ("全年办理行政复议案件由上年的120件增加到156件。", [("admin_review.received", 156.0, "=")]),
    ("行政诉讼败诉率从10%降至6.2%。", [("admin_litigation.loss_rate", 6.2, "=")]),
    # a level stated after its change, named before the change
    ("全年受理行政复议案件同比增长25%,达到125件。", [("admin_review.accepted", 125.0, "=")]),
    ("全年调解纠纷数量同比下降10%,为1200件。", [("mediation.disputes_mediated", 1200.0, "=")]),
    ("全年收到行政复议申请125件,同比增长25%,达到历史新高。", [("admin_review.received", 125.0, "=")]),
    # a name in quotes is not a statistic
    ("在行政复议案件办理中探索推行“四个百分百”工作法。", []),
]


@check(APART)
def test_cue_and_figure_apart(text, expected):
    assert stated(text) == expected


# ---------------------------------------------------------------- mirror-site artefacts
MIRROR = [
    ("2020年,重慶各級(jí)行政復(fù)議機(jī)關(guān)共辦理行政復(fù)議案件4148件,受理3246件,辦結(jié)3086件,審結(jié)率為95.07%。",
     [("admin_review.received", 4148.0, "="), ("admin_review.accepted", 3246.0, "="),
      ("admin_review.concluded", 3086.0, "="), ("admin_review.concluded_rate", 95.07, "=")]),
    ("以確認(rèn)違法、撤銷、變更、責(zé)令履行等直接糾錯(cuò)413件,直接糾錯(cuò)率為13.38%。",
     [("admin_review.corrected", 413.0, "="), ("admin_review.correction_rate", 13.38, "=")]),
]


@check(MIRROR)
def test_pinyin_annotations_are_skipped_for_matching(text, expected):
    assert stated("行政复议工作。" + text) == expected


def _wrap(text: str, width: int) -> str:
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


def test_hard_wrapped_lines_are_read_as_one_sentence():
    paragraph = (
        "根据上级党委、政府关于全面深化法治政府建设的统一部署,我县系统性推进行政复议体制改革,"
        "取得了阶段性成效。县人民政府作为本级唯一的行政复议机关,统一行使行政复议职责,县司法局"
        "具体承担案件的办理工作。本年度全县共受理行政复议案件9起,已全部审结,结案率达到100%。"
        "所有办结案件均实现了案结事了,未引发后续的行政诉讼,行政复议化解行政争议的主渠道作用得到显现。"
        "下一阶段,我县将继续深化改革,健全案件受理、审理、决定和执行各环节的工作机制,提升办案质量与效率,"
        "推动行政复议工作规范化、专业化、信息化发展。"
    )
    text = _wrap(paragraph, 30)
    assert stated(text) == [("admin_review.accepted", 9.0, "="), ("admin_review.concluded_rate", 100.0, "=")]
    _, _, facts = parse_body("r", text)
    for f in facts:
        assert text[f["char_start"] - 1 : f["char_start"] - 1 + f["char_length"]] == f["figure_text"]


def test_soft_breaks_only_in_hard_wrapped_text():
    from fazhi_parse.text import soft_breaks

    prose = "一、总体情况\n全年共受理行政复议案件120件。\n二、主要做法\n" * 3
    assert soft_breaks(prose) == []
    wrapped = ("全县共受理行政复议案件九起已全部审结结案率达到百分之百所\n" * 9) + "有办结案件。\n"
    breaks = soft_breaks(wrapped)
    assert breaks and all(wrapped[p] == "\n" for p in breaks)


def test_offsets_point_into_the_annotated_original():
    text = "行政复议工作。辦結(jié)3086件,審結(jié)率為95.07%。"
    sentences, _, facts = parse_body("r", text)
    assert [f["figure_text"] for f in facts] == ["3086件", "95.07%"]
    for f in facts:
        assert text[f["char_start"] - 1 : f["char_start"] - 1 + f["char_length"]] == f["figure_text"]
    assert all(text[s["char_start"] - 1 : s["char_start"] - 1 + s["char_length"]] == s["text"] for s in sentences)
    assert facts[0]["clause"] == "辦結(jié)3086件"


def test_pinyin_removal_maps_every_position_back():
    from fazhi_parse.text import matching_text

    compact, index = matching_text("審結(jié)率(含舊存1436件)(APP)")
    assert compact == "審結率(含舊存1436件)(APP)"
    assert [("審結(jié)率(含舊存1436件)(APP)")[i] for i in index[:-1]] == list(compact)
    assert matching_text("没有注音(含3件)") == ("没有注音(含3件)", None)


# ---------------------------------------------------------------- wording variants
VARIANTS = [
    ("共办理行政复议申请案件11533件,其中,依法受理9428件。",
     [("admin_review.received", 11533.0, "="), ("admin_review.accepted", 9428.0, "=")]),
    ("全年结案(包括案前调解、不予受理及受理后审结)86件。", []),
    ("行政复议工作。全年结案(包括案前调解、不予受理及受理后审结)86件。", [("admin_review.concluded", 86.0, "=")]),
    ("全年累计受理法律援助案件834件,解答群众来电来访咨询5650人次。",
     [("legal_aid.cases", 834.0, "="), ("legal_aid.consultations", 5650.0, "=")]),
    ("法律援助中心接待解答群众来访、来电等法律咨询17599批次。", [("legal_aid.consultations", 17599.0, "=")]),
    ("12348平台接待群众来电4390人次,窗口接待群众来访1619人次。", []),
    ("受理法律援助案件2.7万余件,解答法律咨询34万余人次。",
     [("legal_aid.cases", 27000.0, ">="), ("legal_aid.consultations", 340000.0, ">=")]),
    ("街道领导及时出庭应诉,应诉率达100%。", [("admin_litigation.head_appearance_rate", 100.0, "=")]),
    # a label names the figure right after its colon (data releases)
    ("行政复议收案数:125件;结案数:118件;纠错率:12.5%。",
     [("admin_review.received", 125.0, "="), ("admin_review.concluded", 118.0, "="),
      ("admin_review.correction_rate", 12.5, "=")]),
    ("法律援助工作。受理案件:1860件。", [("legal_aid.cases", 1860.0, "=")]),
    ("行政复议工作。浏览次数:125次。", []),  # a label that names no metric
    # a rate held at a level (在/维持在…以上)
    ("调解矛盾纠纷3000余件,调解成功率在98%以上。",
     [("mediation.disputes_mediated", 3000.0, ">="), ("mediation.success_rate", 98.0, ">=")]),
    ("行政复议纠错率维持在15%左右。", [("admin_review.correction_rate", 15.0, "~")]),
    ("复议后又提起行政诉讼的共119件。", [("admin_review.lawsuit_after", 119.0, "=")]),
]


@check(VARIANTS)
def test_wording_variants(text, expected):
    assert stated(text) == expected


# ---------------------------------------------------------------- the rule files themselves
def _rule_files():
    from importlib import resources

    return sorted(p for p in resources.files("fazhi_parse.rules").iterdir() if p.name.endswith(".csv"))


@pytest.mark.parametrize("path", _rule_files(), ids=lambda p: p.name)
def test_every_rule_row_names_the_class_it_serves(path):
    import csv
    import re

    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows, f"{path.name} is empty"
    for row in rows:
        assert (row.get("note") or "").strip(), f"{path.name}: a row without a note: {row}"
        for column in ("pattern", "words", "cue"):
            if row.get(column):
                re.compile(row[column])  # every pattern compiles on its own


# ---------------------------------------------------------------- another region named as the subject
def test_a_figure_led_by_another_divisions_name_is_not_the_regions():
    text = (
        "四川省司法厅考察团一行到我市调研。考察团介绍,四川省2023年共办理法律援助案件15.6万件。"
        "据司法部统计,2023年全国共办理法律援助案件150万件。"
        "我市2023年办理法律援助案件3256件。香洲区受理行政复议案件120件。"
    )
    _, _, facts = body_rows_for(text, region_code="440400")  # 珠海市
    got = [(f["value"], f["scope"]) for f in facts if f["parent_fact_id"] is None]
    assert got == [(156000.0, "other_region"), (1500000.0, "other_region"), (3256.0, "region"), (120.0, "sub_region")]


AREA_SUBJECT = [
    # a higher division's level word as the subject: its figure, not the report's
    ("330324", "全市共办理法律援助案件1.2万件。", "other_region"),  # 永嘉县, a county of 温州市
    ("330324", "2023年,全省共办理法律援助案件15万件。", "other_region"),
    ("110105", "全市共办理法律援助案件1.2万件。", "other_region"),  # 朝阳区 of 北京市
    ("450100", "全区共办理法律援助案件1.2万件。", "other_region"),  # 南宁市 in 广西壮族自治区
    # the report's own level word, or one it shares with its parent (county-level city 义乌市: 全市)
    ("330324", "全县共办理法律援助案件1200件。", "region"),
    ("330782", "全市共办理法律援助案件1200件。", "region"),
    ("330000", "全省共办理法律援助案件1.2万件。", "region"),
    # not the subject: a place of comparison or ranking
    ("330324", "我县在全省率先建立调解中心,全年共调解纠纷1200件。", "region"),
]


@pytest.mark.parametrize("region_code, text, scope", AREA_SUBJECT, ids=[t[1][:12] for t in AREA_SUBJECT])
def test_a_higher_divisions_level_word_as_subject_is_another_region(region_code, text, scope):
    _, _, facts = body_rows_for(text, region_code=region_code)
    assert [f["scope"] for f in facts if f["measure_kind"] == "level"] == [scope]


def body_rows_for(text: str, region_code: str):
    from fazhi_parse.document import body_rows

    return body_rows("r", text, None, 2023, False, False, region_code).as_dicts()


def test_a_long_sentence_without_punctuation_costs_linear_time():
    # Windows of bounded reach (subject, channel, bracketed breakdown): a megabyte
    # on one line must not cost a scan back to the sentence start per figure.
    import time

    unit = "收到申请12件受理10件审结9件调解纠纷20件撤销和确认违法3件"

    def seconds(n: int) -> float:
        text = "行政复议" + unit * n
        best = float("inf")
        for _ in range(3):  # the best of three: other work on the machine only adds time
            began = time.process_time()
            body_rows_for(text, region_code=None)
            best = min(best, time.process_time() - began)
        return best

    small, large = seconds(2000), seconds(16000)
    assert large < 8 * small * 3, (small, large)  # 8x the text: linear is ~8x the time, quadratic 64x


def test_every_period_marker_holds_a_prefilter_character():
    # periods.period_events skips a sentence without any of these characters:
    # a marker added to rules/periods.csv without one would never be seen.
    import csv
    import re
    from importlib import resources

    from fazhi_parse.periods import _MARKER_CHARS

    samples = ["今年以来", "上半年", "前三季度", "1-6月", "1月至6月", "截至9月底", "专项行动期间", "开展“以案治本”专项行动",
               "近三年", "五年来", "历年", "十四五以来", "成立以来", "2018年至2021年", "自2018年以来", "截至目前", "目前",
               "至今", "现已", "迄今", "截至2022年底", "年底", "全年", "2023年", "开展百日攻坚", "开展专项整治"]
    with resources.files("fazhi_parse.rules").joinpath("periods.csv").open(encoding="utf-8") as fh:
        patterns = [re.compile(r["pattern"]) for r in csv.DictReader(fh)]
    for sample in samples:
        for rx in patterns:
            m = rx.search(sample)
            if m:
                assert _MARKER_CHARS.search(m.group(0)), (sample, m.group(0))
    assert all(any(rx.search(s) for rx in patterns) for s in samples)
