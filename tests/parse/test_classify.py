"""Table-driven tests of fact extraction from sentences typical of the genre.

The first block quotes the sample reports' own sentences (some in
traditional script); the rest are phrasings common in other reports.
Each row lists the level facts the sentence must give, in order, and
nothing else: a missing fact and an extra fact both fail.
"""
from __future__ import annotations

import pytest

from fazhi_parse.document import parse_body


def level_facts(text: str, annual_report: bool = True, report_year: int | None = None) -> list[tuple[str, float, str]]:
    """The full-year level facts of a sentence, read as part of an annual report by default."""
    _, _, facts = parse_body("r", text, report_year=report_year, annual_report=annual_report)
    return [
        (f["metric_code"], f["value"], f["comparator"])
        for f in facts
        if f["measure_kind"] == "level" and f["parent_fact_id"] is None and f["section_kind"] != "plans"
        and f["period_kind"] == "year"
    ]


LEVELS = [
    # Sample sentences, as printed.
    ("今年以來接收行政復議案件66件,受理57件,審結42件,調解和解結案率達50.88%。",
     [("admin_review.received", 66, "="), ("admin_review.accepted", 57, "="), ("admin_review.concluded", 42, "="),
      ("admin_review.mediation_settlement_rate", 50.88, "=")]),
    ("全年共開展矛盾糾紛大排查8141次,調解成功8025起,化解率98.57%。",
     [("mediation.screening_sweeps", 8141, "="), ("mediation.disputes_resolved", 8025, "="),
      ("mediation.resolution_rate", 98.57, "=")]),
    ("建立三級排查化解工作機制,配備專兼職網格員1289名、人民調解員2065名,注冊平安志願者6.69萬余名,常態化排查矛盾糾紛。",
     [("mediation.mediators", 2065, "=")]),
    ("今年以來,出庭應訴案件2件,勝訴1件,正在審理1件,負責人出庭率100%。",
     [("admin_litigation.cases", 2, "="), ("admin_litigation.won", 1, "="),
      ("admin_litigation.head_appearance_rate", 100, "=")]),
    ("今年累計調解矛盾糾紛300餘起,調解率100%,成功率95%以上。",
     [("mediation.disputes_mediated", 300, ">="), ("mediation.mediation_rate", 100, "="),
      ("mediation.success_rate", 95, ">=")]),
    ("截至目前,共受理行政複議案件6件、辦結6件。",
     [("admin_review.accepted", 6, "="), ("admin_review.concluded", 6, "=")]),
    ("行政复议案件直接纠错率10.1%,同比下降6个百分点,案结事了率达97.62%。",
     [("admin_review.correction_rate", 10.1, "="), ("admin_review.case_resolved_rate", 97.62, "=")]),
    ("现有各类人民调解组织996个,共排查化解各类矛盾纠纷20135件次,化解率达97.9%。",
     [("mediation.organizations", 996, "="), ("mediation.disputes_resolved", 20135, "="),
      ("mediation.resolution_rate", 97.9, "=")]),
    ("全面落实行政机关负责人出庭应诉制度,全市行政机关负责人出庭应诉率保持100%。",
     [("admin_litigation.head_appearance_rate", 100, "=")]),
    ("2024年共开展各类普法宣传活动220余场次,解答群众法律咨询830人次,发放宣传资料11000余份。",
     [("legal_aid.consultations", 830, "=")]),
    # Other work with the same verbs never becomes a catalog fact.
    ("全年累计受理企业诉求1151件、办结1132件,办结率达98.3%。", []),
    ("市12345政务服务便民热线受理企业群众各类诉求31万件,办结率100%,满意率位居全省第一档次。", []),
    ("全年共收集扫码85次,接受投诉举报12件,累计收到21条意见建议,均已受理办结。", []),
    ("审查规范性文件56件,纠正问题文件3件。", []),
    ("全年共办理行政执法案件3000件,办结率100%。", []),
    ("接待群众来访200人次,办结信访事项150件。", []),
    ("以开展法援惠民生为载体,办理法律援助案件1776件,提供各类公共法律服务51735件次,群众满意率达98%。",
     [("legal_aid.cases", 1776, "=")]),
    ("今年以来,累计办理各类法律援助案件2000余件,公证事项6000余件。", [("legal_aid.cases", 2000, ">=")]),
    # Chains with decision types.
    ("全年共收到行政复议申请128件,依法受理112件,不予受理10件,审结105件,其中维持78件,驳回12件,撤销6件,"
     "确认违法3件,责令履行2件,终止4件,调解和解结案15件,直接纠错率为10.5%。",
     [("admin_review.received", 128, "="), ("admin_review.accepted", 112, "="), ("admin_review.concluded", 105, "="),
      ("admin_review.upheld", 78, "="), ("admin_review.rejected", 12, "="), ("admin_review.revoked", 6, "="),
      ("admin_review.confirmed_illegal", 3, "="), ("admin_review.ordered_perform", 2, "="),
      ("admin_review.terminated", 4, "="), ("admin_review.mediated_settled", 15, "="),
      ("admin_review.correction_rate", 10.5, "=")]),
    ("全县共发生行政诉讼案件45件,审结38件,败诉3件,败诉率7.9%。",
     [("admin_litigation.cases", 45, "="), ("admin_litigation.concluded", 38, "="), ("admin_litigation.lost", 3, "="),
      ("admin_litigation.loss_rate", 7.9, "=")]),
    ("办理行政应诉案件56件,行政机关负责人出庭应诉56人次,出庭应诉率100%。",
     [("admin_litigation.cases", 56, "="), ("admin_litigation.head_appeared", 56, "="),
      ("admin_litigation.head_appearance_rate", 100, "=")]),
    ("全市新收行政诉讼一审案件235件,其中胜诉180件,败诉12件,撤诉20件。",
     [("admin_litigation.cases", 235, "="), ("admin_litigation.won", 180, "="), ("admin_litigation.lost", 12, "="),
      ("admin_litigation.withdrawn", 20, "=")]),
    # Numerals, multipliers and qualifiers.
    ("共受理行政复议案件十二件,审结十件。", [("admin_review.accepted", 12, "="), ("admin_review.concluded", 10, "=")]),
    ("人民调解委员会调解各类纠纷2.3万件,调解成功率达98%以上。",
     [("mediation.disputes_mediated", 23000, "="), ("mediation.success_rate", 98, ">=")]),
    ("全年共排查矛盾纠纷3,256件,调解成功3198件,调解成功率98.2%。",
     [("mediation.disputes_screened", 3256, "="), ("mediation.disputes_resolved", 3198, "="),
      ("mediation.success_rate", 98.2, "=")]),
    ("办理法律援助案件近900件。", [("legal_aid.cases", 900, "~")]),
    ("全年化解矛盾纠纷约1.2万件,化解率超过95%。",
     [("mediation.disputes_resolved", 12000, "~"), ("mediation.resolution_rate", 95, ">=")]),
    ("行政复议纠错率不足5%。", [("admin_review.correction_rate", 5, "<=")]),
    ("受理行政复议案件 57 件,纠错率为 8.9 %。",
     [("admin_review.accepted", 57, "="), ("admin_review.correction_rate", 8.9, "=")]),
    ("调解成功率九成以上。", [("mediation.success_rate", 90, ">=")]),
    ("12348热线接听群众咨询5600余人次。", [("legal_aid.consultations", 5600, ">=")]),
    ("开展矛盾纠纷排查1200次,排查出矛盾纠纷856件。",
     [("mediation.screening_sweeps", 1200, "="), ("mediation.disputes_screened", 856, "=")]),
    ("全县共有调解组织356个,调解员1800余名。",
     [("mediation.organizations", 356, "="), ("mediation.mediators", 1800, ">=")]),
    # What is counted printed after the figure.
    ("全县现有1200余名专兼职人民调解员,建成236个人民调解委员会。",
     [("mediation.mediators", 1200, ">="), ("mediation.organizations", 236, "=")]),
    ("今年共受理86件行政复议案件,调解1200起矛盾纠纷。",
     [("admin_review.accepted", 86, "="), ("mediation.disputes_mediated", 1200, "=")]),
    ("全县16个乡镇、522个村实现人民调解委员会全覆盖。", []),
    ("以调解、和解方式结案12件。", []),
    ("受理行政复议案件40件,以调解、和解方式结案12件。",
     [("admin_review.accepted", 40, "="), ("admin_review.mediated_settled", 12, "=")]),
    # Two topics in one clause: whose figure is it?
    ("全市行政复议和行政诉讼案件共35件。", []),
    ("受理行政复议案件48件(含上年结转3件)。", [("admin_review.accepted", 48, "=")]),
    # Not stated results: targets, multi-year totals, baselines, year-only figures.
    ("力争行政复议纠错率达到15%。", []),
    ("近五年共受理行政复议案件300件。", []),
    ("受理行政复议案件57件,较上年的45件有所增加。", [("admin_review.accepted", 57, "=")]),
    ("2023年行政复议工作会议召开。", []),
    ("列入第3批试点,《行政复议法》第28条。", []),
]


@pytest.mark.parametrize("sentence,expected", LEVELS, ids=[s[:24] for s, _ in LEVELS])
def test_level_facts(sentence, expected):
    assert level_facts(sentence) == [(m, float(v), c) for m, v, c in expected]


CHANGES = [
    ("全区发生行政诉讼案件145件,审结132件,其中胜诉118件,败诉7件,败诉率5.3%,较上年下降2.1个百分点。",
     ("admin_litigation.loss_rate", 2.1, -1, "points")),
    ("行政复议案件直接纠错率10.1%,同比下降6个百分点。", ("admin_review.correction_rate", 6.0, -1, "points")),
    ("受理行政复议案件57件,同比增长12.5%。", ("admin_review.accepted", 12.5, 1, "percent")),
    ("行政机关负责人出庭应诉率达到100%,较上年提高15个百分点。",
     ("admin_litigation.head_appearance_rate", 15.0, 1, "points")),
]


@pytest.mark.parametrize("sentence,expected", CHANGES, ids=[s[:24] for s, _ in CHANGES])
def test_changes_are_stored_as_changes(sentence, expected):
    _, _, facts = parse_body("r", sentence)
    changes = [f for f in facts if f["measure_kind"] == "change"]
    assert [(f["metric_code"], f["value"], f["change_unit"]) for f in changes] == [
        (expected[0], expected[1], expected[3])
    ]
    _, mentions, _ = parse_body("r", sentence)
    assert [m["change_direction"] for m in mentions if m["is_change"]] == [expected[2]]
    # The change is never also a level.
    assert all(not (f["value"] == expected[1] and f["measure_kind"] == "level") for f in facts)


def test_change_without_a_level_before_it_is_not_a_fact():
    _, mentions, facts = parse_body("r", "行政复议案件数量同比上升32%。")
    assert facts == []
    assert [m["value"] for m in mentions] == [32.0]


PARTS = [
    ("全市人民调解组织共调解矛盾纠纷3.2万件,调解成功率98.6%。其中,村(社区)调委会调解纠纷2.1万件。",
     ("mediation.disputes_mediated", 32000.0), [21000.0]),
    ("全年办理法律援助案件1,245件,其中刑事案件489件,民事案件756件。", ("legal_aid.cases", 1245.0), [489.0, 756.0]),
    ("法律援助案件245件(刑事189件,民事55件)。", ("legal_aid.cases", 245.0), [189.0, 55.0]),
]


@pytest.mark.parametrize("sentence,total,parts", PARTS, ids=[s[:20] for s, _, _ in PARTS])
def test_breakdowns_are_parts_of_their_total(sentence, total, parts):
    _, _, facts = parse_body("r", sentence)
    totals = [f for f in facts if f["parent_fact_id"] is None and f["unit"] != "%"]
    assert [(f["metric_code"], f["value"]) for f in totals] == [total]
    children = [f for f in facts if f["parent_fact_id"] is not None]
    assert [f["value"] for f in children] == parts
    assert {f["parent_fact_id"] for f in children} == {totals[0]["fact_id"]}


def test_plans_section_figures_are_flagged():
    text = "一、主要成效\n受理行政复议案件57件。\n二、下一步工作打算\n力争审结行政复议案件60件。\n全年受理行政复议案件80件。\n"
    _, _, facts = parse_body("r", text)
    kinds = [(f["value"], f["section_kind"]) for f in facts]
    assert kinds == [(57.0, "body"), (80.0, "plans")]


def test_mediation_channel_comes_from_the_sentence():
    _, _, facts = parse_body("r", "今年建立医疗纠纷调解委员会,挂牌以来共调解纠纷30件,调解成功率100%。")
    assert {f["channel"] for f in facts} == {"medical"}
    _, _, facts = parse_body("r", "全县行政调解案件120件。")
    assert [(f["metric_code"], f["channel"]) for f in facts] == [("mediation.disputes_mediated", "administrative")]


def test_rate_basis_from_counts_in_the_sentence():
    _, _, facts = parse_body("r", "受理行政复议案件57件,审结42件,结案率73.7%。")
    rate = [f for f in facts if f["metric_code"] == "admin_review.concluded_rate"]
    assert [(f["basis_numerator"], f["basis_denominator"]) for f in rate] == [(42.0, 57.0)]


def test_restated_figure_is_one_fact():
    _, _, facts = parse_body("r", "共受理行政复议案件556件。\n全年共受理行政复议案件556件。")
    assert [f["is_duplicate"] for f in facts] == [False, True]


def test_figures_dated_to_another_year_keep_their_period():
    text = "2024年受理行政复议案件120件,2023年受理98件。自2019年以来累计调解纠纷3000件。"
    _, _, facts = parse_body("r", text, report_year=2024)
    assert [(f["metric_code"], f["value"], f["period_kind"]) for f in facts] == [
        ("admin_review.accepted", 120.0, "year"),
        ("admin_review.accepted", 98.0, "other_year"),
        ("mediation.disputes_mediated", 3000.0, "multi_year"),
    ]
    # Without a known year a named year is taken as the report's.
    _, _, facts = parse_body("r", "2023年受理行政复议案件98件。")
    assert [(f["value"], f["period_kind"]) for f in facts] == [(98.0, "year")]


def test_a_sentence_between_breaks_the_breakdown():
    _, _, facts = parse_body("r", "全年调解矛盾纠纷3.2万件。工作扎实推进。其中,村调委会调解纠纷2.1万件。")
    assert [(f["value"], f["parent_fact_id"]) for f in facts] == [(32000.0, None), (21000.0, None)]


def test_first_char_guard_only_for_plain_words():
    import re

    from fazhi_parse.classify import _first_char_guard, rules

    assert _first_char_guard(["调解|纠纷", "12348热线"]) == "(?=[1纠调])"
    assert _first_char_guard(["复议|(?:行政)?诉讼"]) == ""
    text = "全县人民调解组织调处矛盾纠纷120件,行政复议案件12件,12345热线工单30件。"
    unguarded = re.compile(rules().topics.pattern.split("(?:", 1)[1][:-1])
    assert [(m.span(), m.lastgroup) for m in rules().topics.finditer(text)] == [
        (m.span(), m.lastgroup) for m in unguarded.finditer(text)
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", (False, False)),
        ("工作扎实推进", (False, False)),
        ("调解与和解", (False, False)),  # neutral words are no event
        ("行政复议案件", ("admin_review", False)),
        ("行政复议和行政诉讼案件共", ("admin_litigation", True)),
        ("复议案件中复议", ("admin_review", False)),  # one topic twice
        ("行政复议热线", (None, False)),  # off-topic last
        ("热线和行政复议与应诉", ("admin_litigation", True)),
        ("行政复议、信访和应诉", ("admin_litigation", True)),  # an off-topic word between two topics
    ],
)
def test_topic_events_give_the_last_event_and_whether_topics_mix(text, expected):
    from fazhi_parse.classify import _last_topic_event, _topic_events, rules

    assert _topic_events(rules(), text) == expected
    assert _last_topic_event(rules(), text) == expected[0]
    topics = {m.lastgroup for m in rules().topics.finditer(text)} - {"neutral", "off_topic"}
    assert expected[1] == (len(topics) > 1)


@pytest.mark.parametrize(
    "lead, clause_start",
    [("", 0), ("受理", 0), ("受理,", 3), ("全年,受理；审结", 6), ("a。b!c?", 6), ("共计：", 3), ("x\n,y", 3)],
)
def test_clause_starts_after_the_last_hard_delimiter(lead, clause_start):
    from fazhi_parse.classify import _HARD_DELIM, _UPTO_LAST_DELIM

    m = _UPTO_LAST_DELIM.match(lead)
    assert (m.end() if m else 0) == clause_start
    assert clause_start == max((d.end() for d in _HARD_DELIM.finditer(lead)), default=0)


@pytest.mark.parametrize(
    "sentence, values",
    [
        ("全年受理行政复议案件57件,2023年为98件。", [57.0]),
        ("全年受理行政复议案件57件,近三年累计审结98件。", [57.0]),
        ("近三年受理行政复议案件57件,审结98件。", []),
    ],
)
def test_dates_rule_out_only_the_figures_after_them(sentence, values):
    # Each figure's period is set by the markers before it in its sentence.
    assert [v for _, v, _ in level_facts(sentence, report_year=2024)] == values


@pytest.mark.parametrize(
    "clause, may",
    [
        ("", False),
        ("同比上升", True),
        ("同比下降了", True),
        ("比上年增加\n", True),  # `$` matches before a final newline
        ("同比上升\n\n", False),
        ("上升幅度", False),
        ("同比", False),
        ("了", True),  # a last character the pattern can end with, though it does not match
    ],
)
def test_change_search_is_skipped_only_when_it_cannot_match(clause, may):
    from fazhi_parse.classify import _CHANGE, _may_end_a_change

    assert _may_end_a_change(clause) == may
    if not may:
        assert _CHANGE.search(clause) is None


def test_change_pattern_ends_only_with_the_listed_last_characters():
    from fazhi_parse.classify import _CHANGE, _DIRECTIONS, _may_end_a_change

    for word in _DIRECTIONS:
        for clause in (word, f"同比{word}", f"较2023年{word}了", f"分别{word}\n", f"{word}x", f"{word}了x"):
            if _CHANGE.search(clause):
                assert _may_end_a_change(clause), clause
