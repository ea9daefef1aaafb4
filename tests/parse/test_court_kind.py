"""Document kind court_document: texts a court issued (its figures are not a
government's facts), told apart from government texts that quote courts.

Sentences are from real dev texts (court press releases, white papers) and
variants of them; each negative is a government text that names a court.
"""
from __future__ import annotations

import opencc
import pytest

from fazhi_parse.metadata import extract_metadata

_t2s = opencc.OpenCC("t2s").convert


def kind(text: str) -> str:
    return extract_metadata(text, _t2s(text))["kind"]


COURT = [
    # A provincial high court releases a white paper (traditional script, reporter's byline first).
    ("high court releases", "【資料圖】\n法治日報全媒體記者 石飛 張貴志\n云南省高級人民法院6月19日對外發布2022年度云南法院行政審判白皮書(以下簡稱“白皮書”)及10個行政審判典型案例。白皮書顯示,全省行政機關負責人出庭應訴率逐年提升。"),
    ("intermediate court holds", "本报讯 近日,鞍山市中级人民法院召开行政审判白皮书通报会,向鞍山市司法局及有关行政机关通报发送《2023年度鞍山法院行政案件司法审查报告》并组织座谈。"),
    ("press form 高院", "4月29日,四川高院召开行政审判工作新闻发布会,介绍2024年行政审判工作及2025年主要工作安排。\n2024年,全省法院受理各类行政案件29154件。"),
    ("dated byline", "鲁网7月5日讯(记者 郑泽之) 7月5日,日照市中级人民法院召开2023年度行政审判工作情况通报会。全市各区县法院分管院领导参加活动。"),
    ("county court", "近日,某县人民法院发布2023年度行政审判白皮书,全面总结全县行政审判工作。"),
    ("court title", "2023年度某市法院行政审判白皮书\n2023年,全市法院新收一审行政案件421件。"),
    ("court work report", "某省高级人民法院工作报告\n各位代表:现在,我代表省高级人民法院向大会报告工作,请予审议。"),
    ("court speaks as 本院", "2023年,本院共受理各类行政案件512件,审结498件。"),
]

NOT_COURT = [
    # Government reports quoting court figures.
    ("report quotes courts", "某县2023年度法治政府建设情况报告\n2023年,全县法院受理行政诉讼案件120件,行政机关负责人出庭应诉率100%。"),
    ("justice bureau with court as partner", "近日,市司法局联合市中级人民法院召开行政争议实质性化解工作推进会,通报2023年全市行政复议和行政诉讼情况。"),
    ("government with court", "3月5日,市政府与市中级人民法院召开府院联席会议,研究行政争议化解工作。"),
    ("court figure in opening", "2023年,我市各级人民法院共受理行政诉讼案件377件,行政机关负责人出庭应诉率达100%。"),
    ("justice bureau news", "日前,记者从省司法厅了解到,全省人民调解组织共调解纠纷5.8万件。省高级人民法院发布的数据显示,行政诉讼案件有所下降。"),
    ("government work report", "某县2023年政府工作报告\n各位代表:现在,我代表县人民政府向大会报告工作。"),
    ("citing a court's release", "据省高级人民法院发布的数据,2023年全省行政机关负责人出庭应诉率达98%。"),
    ("court's release as an attribute", "日前,省高级人民法院发布的行政审判白皮书显示,我市行政机关败诉率持续下降。"),
    ("a document about courts", "关于支持人民法院行政审判工作的意见\n各县(市、区)人民政府,市政府各部门:现提出如下意见。"),
    ("a review of a court's report", "市人大常委会关于市中级人民法院工作报告的审议意见\n市中级人民法院:现将审议意见转来。"),
]


@pytest.mark.parametrize("label, text", COURT, ids=[c[0] for c in COURT])
def test_court_issued_texts(label, text):
    assert kind(text) == "court_document"


@pytest.mark.parametrize("label, text", NOT_COURT, ids=[c[0] for c in NOT_COURT])
def test_government_texts_naming_courts(label, text):
    assert kind(text) != "court_document"
