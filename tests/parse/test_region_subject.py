"""The region a text speaks for, from real sentences of the dev texts and
variants of them: short names (宁夏, 湖州), a justice department's region,
campaigns named after the region, visiting delegations, and the cases that
must stay None (a place named in passing, a superior, an ambiguous name).
"""
from __future__ import annotations

import opencc
import pytest

from fazhi_parse.regions import find_slogan_names, find_stem_names, resolve_region
from tests.parse.test_regions import code_of

_t2s = opencc.OpenCC("t2s").convert


def region(text: str) -> str | None:
    got = resolve_region(_t2s(text), None, None)
    return got.region_code if got else None


SUBJECT = [
    # Short province names with a cue: 各级, 司法厅, 全省, a headline's colon.
    (
        "short autonomous region with 各级 and 司法厅",
        "近年来,宁夏各级司法行政机关通过织密组织网络、建强专业队伍,化解大批矛盾纠纷。\n"
        "宁夏司法厅牵头组建全区新业态调解咨询专家库,吸纳5000余名专家学者。全区成立662个行业专业调委会。",
        ("宁夏回族自治区", None),
    ),
    (
        "short province before 全省",
        "记者今天(2月9日)从省司法厅获悉:2022年,江苏全省司法系统通过开展“法润江苏”专项活动,全年共办理法律援助案件11.6万件。\n"
        "2022年,全省司法系统坚持和发展新时代“枫桥经验”。",
        ("江苏省", None),
    ),
    (
        "headline led by a short province",
        "湖南:年底前要实现全省五级实体平台全覆盖\n湖南日报7月27日讯 今天,省司法厅召开年中工作推进会,全省已建成公共法律服务中心138个。",
        ("湖南省", None),
    ),
    (
        "province press form 高院",
        "4月29日,四川高院召开行政审判工作新闻发布会。2024年,全省法院受理各类行政案件29154件。",
        ("四川省", None),
    ),
    # 我省/全省 and one province named, however it is named.
    (
        "我省 with the province named in passing only",
        "我省现有法律援助机构115家,实现省市县机构建设全覆盖。近日,省司法厅印发通知,为辽宁全面振兴新突破提供优质高效法律援助服务。全省各级法律援助机构要应援尽援。",
        ("辽宁省", None),
    ),
    (
        "我省 with the province in the news outlet's name",
        "青海新闻网·大美青海客户端讯 1月5日,记者从省司法厅了解到,2022年,我省各级法律援助机构共办理各类法律援助案件7900件,占全省法律援助总案件量的27.7%。",
        ("青海省", None),
    ),
    # A justice bureau's or government's own region.
    (
        "an autonomous region's text: 全区, 自治区 and the short name",
        "近年来,全区各级司法行政机关深入贯彻落实自治区党委部署。宁夏坚持“事心双调”,宁夏持续完善调解网络,"
        "宁夏提升调解队伍专业素养。\n全区现有人民调解组织19306个。",
        ("宁夏回族自治区", None),
    ),
    (
        "prefecture government named in the body",
        "全市行政复议工作总结\n2019年全市各级行政复议机关共收到行政复议申请469件。赤峰市政府本级受理行政复议案件142件。2019年,我市各级人民法院共受理行政诉讼案件377件。",
        ("赤峰市", None),
    ),
    # Campaigns named after the region.
    (
        "prefecture campaign and 全域",
        "时间,是开拓者前行的刻度。2021年,湖州全域开展法治浙江(法治政府)示范创建,创成率达60%,位居全省第一。\n"
        "2021年,全市司法行政系统统筹推进法治湖州、法治政府、法治社会一体建设。依法治市,是我市打造全国文明典范城市的重要抓手。",
        ("湖州市", None),
    ),
    (
        "county campaigns while ranking itself in its prefecture",
        "普通高考质量进入全州“第一方阵”,技能高考一本上线率保持全州第一。县职校入选“湖北省优质中等职业技术学校和优质专业建设计划”。"
        "健康咸丰“323+”攻坚行动加快推进。深入推进“平安咸丰”建设,全年无较大以上安全事故发生。",
        ("咸丰县", None),
    ),
    (
        "the only place named, in its own campaign",
        "全市担任网格员的人民调解员1003人。全市各级各类调解组织受理纠纷3342件。市司法局印发实施方案,"
        "并将“调解七进”活动列入全市平安阳泉建设的年度考核。",
        ("阳泉市", None),
    ),
    # A visiting delegation is not the subject.
    (
        "delegation from another province arrives",
        "惠民融媒讯 7月26日,四川省司法厅二级巡视员王晓林、省司法厅行政复议与应诉一处副处长李锋一行来到惠民县,调研行政复议等工作。"
        "调研组来到惠民县行政复议服务中心。惠民县大力践行“复议为民”的工作理念。",
        ("惠民县", None),
    ),
    (
        "delegation leads with 率队 and 莅临",
        "3月2日,浙江省司法厅厅长率队莅临于都县,调研公共法律服务工作。于都县坚持依法行政。",
        ("于都县", None),
    ),
]

NONE = [
    (
        "province named as often as another",
        "我省现有法律援助机构115家。省司法厅与湖南、湖北两省签署协议。全省各级法律援助机构要应援尽援。",
    ),
    (
        "a city text naming a province in passing",
        "2023年,我市深入推进法治政府建设,赴江苏学习先进经验,全市行政复议案件办理质量稳步提升。全市各级行政机关负责人出庭应诉。",
    ),
    (
        "a lower level ranking itself in its province",
        "2023年,全市行政复议案件办理质量位居全省第一,湖南省司法厅给予肯定。全市行政诉讼败诉率位居全省最低,全市行政机关负责人出庭应诉率100%。",
    ),
    (
        "a superior named once with a cue",
        "截至目前,我市共收到行政复议申请85件。针对金华交办的14件行政争议化解案件积极开展工作。指导全市行政诉讼工作,截至9月底,金华各级法院共受理案件31件。",
    ),
    (
        "an ambiguous district without a parent",
        "2021年通州区积极推动行政复议体制改革。2021年,区政府收到行政复议申请281件。",
    ),
    (
        "a district helping an autonomous region, named often",
        "2023年,我区深入开展对口支援,选派12名律师赴新疆服务,援建新疆法律服务站3个,新疆受援群众满意度达98%。全区行政复议案件办理质量稳步提升。",
    ),
    (
        "a short autonomous region named twice by a district-like text",
        "2023年,全区深入推进法治政府建设,与新疆开展对口协作,援建新疆法律服务站。全区行政复议案件办理质量稳步提升。",
    ),
]


@pytest.mark.parametrize("label, text, expected", SUBJECT, ids=[c[0] for c in SUBJECT])
def test_subject_region(label, text, expected):
    assert region(text) == code_of(*expected)


@pytest.mark.parametrize("label, text", NONE, ids=[c[0] for c in NONE])
def test_no_region_rather_than_a_guess(label, text):
    assert region(text) is None


@pytest.mark.parametrize(
    "text, names",
    [
        ("推进依法行政和法治政府建设", []),  # 政和 ends the word 行政
        ("宁夏司法厅牵头", ["宁夏"]),
        ("江苏全省司法系统", ["江苏"]),
        ("四川高院召开", ["四川"]),
        ("湖南:年底前", ["湖南"]),
        ("2023年于都法治政府建设", ["于都"]),  # after a heading's year
    ],
)
def test_stems_need_a_cue_and_a_word_start(text, names):
    assert [h.name for h in find_stem_names(text)] == names


@pytest.mark.parametrize(
    "text, names",
    [
        ("江苏全省司法系统", ["江苏"]),
        ("宁夏各级司法行政机关", ["宁夏"]),
        ("于都人民政府", []),  # a heading token: in the body 人民政府 lines are read as full names
        ("湖南:年底前", []),
        ("会见吉安2023年来访客人", []),
    ],
)
def test_body_stems_need_a_subject_cue(text, names):
    assert [h.name for h in find_stem_names(text, body=True)] == names


@pytest.mark.parametrize(
    "text, names",
    [
        ("统筹推进法治湖州、法治政府建设", ["湖州"]),
        ("深入推进“平安咸丰”建设", ["咸丰"]),
        ("“法润江苏”专项活动", ["江苏"]),
        ("推进法治政府建设和平安建设", []),
    ],
)
def test_campaign_names(text, names):
    assert [h.name for h in find_slogan_names(text)] == names
