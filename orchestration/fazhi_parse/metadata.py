"""Document-level metadata: title, issuer, kind, script, region, year, date.

Rules run on the simplified text; whatever is returned as text (title,
issuer, evidence) is cut from the *original* at the same offsets, so it reads
as printed. Both strings must be aligned character for character (the
pipeline's t2s conversion guarantees it).
"""
from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections import Counter
from functools import cache, lru_cache

from fazhi_parse.regions import alternation, find_full_names, resolve_region, vocabulary
from fazhi_parse.text import cjk_changes, is_chrome_line

# ------------------------------------------------------------------ lines

_PROSE = re.compile(r"[。;；]|[,，]")
_ADDRESSEE = re.compile(r"^[^。,，]{2,40}[:：]$")
_TITLE_WORD = re.compile(r"报告|总结|情况|要点|工作|法治|依法行政|通知|意见|方案|规划|决定|公告|办法|纪要|白皮书")
_GOV_ORG = r"(?:人民政府办公室|人民政府|政府办公室|司法局|领导小组办公室|领导小组|委员会|党委|[县区市州旗盟省]委)"
_ORG_TOKEN = re.compile(rf"(?:中共)?[\u4e00-\u9fff]{{2,24}}?{_GOV_ORG}")
_ISSUER_LINE = re.compile(rf"^(?:(?:中共)?[\u4e00-\u9fff]{{2,24}}?{_GOV_ORG}\s*)+$")
_GOVERNMENT = re.compile(r"[\u4e00-\u9fff]{2,24}?人民政府(?:办公室)?")
_TITLE_LABEL = re.compile(r"(?:文章)?标题\s*[:：]\s*")
# 一、 / (二) / 3. / 第一部分: a numbered heading of the body.
_ENUMERATED = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．]|第[一二三四五六七八九十]+部分)"
)


@lru_cache(maxsize=8)
def _lines(s: str) -> tuple[tuple[int, int], ...]:
    """[start, end) of each non-blank line, whitespace trimmed (cached: every rule asks)."""
    out = []
    pos = 0
    # Lines end at \n or \r; mapping \r to \n keeps offsets and lets str.split do the scan.
    for line in (s.replace("\r", "\n") if "\r" in s else s).split("\n"):
        body = line.strip()
        if body:
            lead = len(line) - len(line.lstrip())
            out.append((pos + lead, pos + lead + len(body)))
        pos += len(line) + 1
    return tuple(out)


# ------------------------------------------------------------------ title and issuer


def _looks_like_title(line: str) -> bool:
    # At least 8 characters: column labels such as 法治政府建设 are not titles.
    return 8 <= len(line) <= 90 and not _PROSE.search(line) and bool(_TITLE_WORD.search(line))


def _title_span(s: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(spans making up the title, spans of heading lines naming the issuer).

    Only the lines before the body count: scanning stops at the first prose
    line or an addressee line (省委、省政府:), since a title never follows those.
    """
    heads: list[tuple[int, int]] = []
    for a, b in _lines(s)[:15]:
        label = _TITLE_LABEL.match(s, a, b)
        a = label.end() if label else a  # 标题:XX县… keeps only the title itself
        line = s[a:b]
        if not line or is_chrome_line(line):
            continue
        if _ADDRESSEE.match(line) or _PROSE.search(line) or len(line) > 90 or _ENUMERATED.match(line):
            break  # 省委、省政府:, prose or 一、主要工作: the body has begun
        if _ISSUER_LINE.match(line):
            heads.append((a, b))  # 滑县人民政府 on its own line, above the title
            continue
        if _looks_like_title(line):
            # A heading split over two lines: issuer line(s) then the rest of the title.
            if heads and not _ORG_TOKEN.match(line):
                return [*heads[-1:], (a, b)], heads
            return [(a, b)], heads
        # Anything else short (a site name, a bare date, a column label) is skipped.
    return [], heads



def _issuer_from(line: str) -> tuple[int, int] | None:
    """Span of the government in a heading or signature line, 人民政府 first."""
    gov = _GOVERNMENT.search(line)
    if gov:
        start = gov.start()
        # 中共南宁市青秀区委员会 南宁市青秀区人民政府: keep only the government's own name.
        for cut in re.finditer(r"\s+|中共|委员会|[县区市州旗盟省]委(?!员)", line[: gov.end()]):
            if cut.end() <= gov.end() - 4:
                start = max(start, cut.end())
        return start, gov.end()
    org = _ORG_TOKEN.search(line)
    return (org.start(), org.end()) if org else None


def _issuer_span(s: str, title_spans: list, heading_spans: list) -> tuple[int, int] | None:
    """The issuing government: named before 关于/the year in the title, else a
    heading line, else the signature at the end."""
    if title_spans:
        a, b = title_spans[0]
        head = re.split(r"关于|(?:19|20)\d\d|[一二][〇○零]", s[a:b], maxsplit=1)[0]
        hit = _issuer_from(head)
        if hit:
            return a + hit[0], a + hit[1]
    for a, b in heading_spans + _signature_lines(s)[::-1]:
        hit = _issuer_from(s[a:b])
        if hit:
            return a + hit[0], a + hit[1]
    return None


_SIGN_DATE = re.compile(
    r"^\s*((?:19|20)\d\d|[一二][〇○零O一二三四五六七八九]{3})\s*年\s*([\d一二三四五六七八九十]{1,3})\s*月"
    r"\s*([\d一二三四五六七八九十]{1,3})\s*日\s*$"
)


# 滑县人民政府  2021年1月8日: the date closing a signature line.
_SIGN_DATE_END = re.compile(r"(?:^|\s)" + _SIGN_DATE.pattern.removeprefix("^\\s*"))


def _signature_lines(s: str) -> list[tuple[int, int]]:
    """Short lines at the very end, skipping chrome and dates."""
    out = []
    for a, b in reversed(_lines(s)[-10:]):
        line = s[a:b]
        if is_chrome_line(line) or _SIGN_DATE.match(line):
            continue
        if len(line) > 50 or _PROSE.search(line):
            break
        out.append((a, b))
    return out[::-1]


# ------------------------------------------------------------------ dates and years

_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "O": 0}


def _num(token: str) -> int | None:
    token = token.strip()
    if token.isdigit():
        return int(token)
    if len(token) == 4 and all(c in _CN_DIGIT for c in token):
        return int("".join(str(_CN_DIGIT[c]) for c in token))
    if token and all(c in _CN_DIGIT or c == "十" for c in token):  # 二月, 十八日, 二十日
        if "十" not in token:
            return _CN_DIGIT[token] if len(token) == 1 else None
        tens, _, units = token.partition("十")
        return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[units] if units else 0)
    return None


def _date(y: str, m: str, d: str) -> dt.date | None:
    try:
        return dt.date(_num(y), _num(m), _num(d))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


# 发布时间:2020-01-06. Two patterns, each led by its literal so the scan over
# the whole text can jump from one candidate to the next; spaces only, never a
# line break, so a match stays within one line.
_PUB_DATE = (
    r"[^\S\n\r]*[:：][^\S\n\r]*((?:19|20)\d\d)[^\S\n\r]*[-/.年][^\S\n\r]*(\d{1,2})"
    r"[^\S\n\r]*[-/.月][^\S\n\r]*(\d{1,2})"
)
_PUB_LINE = (re.compile("时间" + _PUB_DATE), re.compile("日期" + _PUB_DATE))
# A page's date without a label: 2021-04-12 16:05 on a line of its own, or closing a
# source line (来源:湖南日报 作者:… 2018-07-28 09:19:02). Dashes only: the web's form.
_ISO_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)-(\d{1,2})-(\d{1,2})(?:\s+\d{1,2}:\d\d(?::\d\d)?)?\s*$")


def _published(s: str) -> tuple[dt.date | None, list[tuple[int, int]]]:
    """Publication date and the spans of the lines it was read from (to keep years out)."""
    spans = []
    found = None
    lines = _lines(s)
    starts = [a for a, _ in lines]
    done = -1
    # The first date label on each chrome line counts.
    for m in sorted((m for rx in _PUB_LINE for m in rx.finditer(s)), key=lambda m: m.start()):
        k = bisect_right(starts, m.start()) - 1
        if k <= done:
            continue
        done = k
        a, b = lines[k]
        if is_chrome_line(s[a:b]):
            spans.append((a, b))
            found = found or _date(*m.groups())
    if found is None:
        for a, b in lines[:15]:
            line = s[a:b]
            if b - a > 80 or "-" not in line or _PROSE.search(line):
                continue  # cheap tests first: the regex has no literal to jump to
            m = _ISO_DATE.search(line)
            if m and (m.start() == 0 or is_chrome_line(line)):
                spans.append((a, b))
                found = _date(*m.groups())
                break
    for a, b in _lines(s)[-8:]:
        m = _SIGN_DATE.match(s[a:b]) or (b - a <= 40 and not _PROSE.search(s[a:b]) and _SIGN_DATE_END.search(s[a:b]))
        if m:
            spans.append((a, b))
            found = found or _date(*m.groups())
    return found, spans


_YEAR = re.compile(
    r"(?<![\d〔\[(（【\-—–~至到])((?:19|20)\d\d|[一二][〇○零一二三四五六七八九]{3})\s*年(?!\s*[-—–~至到]|底前|前)"
)
# 2019-2021 / 2019至21 / 2022年1月至2025年6月: a span of years, not one year.
_RANGE = re.compile(
    r"(?:19|20)\d\d\s*[-—–~至到]\s*(?:19|20)?\d\d"
    r"|(?:19|20)\d\d\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?\s*[-—–~至到]\s*(?:19|20)\d\d\s*年"
)
_YEAR_RANGE = re.compile(r"(?:19|20)\d\d\s*年?\s*[-—–~至到]\s*(?:19|20)\d\d\s*年")  # 2021-2025年度, not 2020-12-30
_PLAN_HEAD = re.compile(
    r"下一步|工作打算|工作计划|工作安排|工作思路|工作设想|努力方向|今后|明年|(?:19|20)\d\d年(?:度)?(?:重点)?工作"
)
# Words of rules/year_cues.csv, one concept each: plan (a sentence of plans states no
# year covered), baseline (a year after 较/与/从… is another year's), part_of_year.
_YEAR_CUES = vocabulary("year_cues.csv")
_PLAN_SENTENCE = re.compile(rf"{alternation(_YEAR_CUES['plan'])}|到(?:19|20)\d\d年")
# A year that is not the period reported on: a baseline (较2020年, 与2023年基本持平,
# 从2021年的…到) or the start of a span (自2020年开始).
_BASELINE = re.compile(rf"(?:{alternation(_YEAR_CUES['baseline'])})\s*$")
# Data-release phrasing: the year leads its clause (2022年,全市共办理… / …了解到,2022年,我省…).
_LEADING_YEAR = re.compile(r"(?:^|[,，:：])\s*$")
_LEADS_FIGURES = re.compile(r"\s*年度?\s*[,，]")
_SINCE = re.compile(r"\s*年\s*以来")
# Part of a year (2022年1至6月, 2022年上半年, 2022年前三季度): that year is still running.
_PART_OF_YEAR = re.compile(
    rf"\s*年\s*(?:[1一]\s*[至到\-—–~]\s*\d{{1,2}}\s*月|前\S{{1,2}}个月|{alternation(_YEAR_CUES['part_of_year'])})"
)
_OPENING_YEAR = re.compile(
    r"\s*(?:在|自|从)?\s*((?:19|20)\d\d|[一二][〇○零一二三四五六七八九]{3})\s*年(?:度)?"
    r"\s*(?:以来|来|,|，|上半年|全年|是|我|[^\d\s,，。]{0,20}?(?:坚持|深入|持续|认真|紧紧))"
)
_THIS_YEAR = re.compile(r"\s*今年(?:以来)?\s*[,，]?")


def _plan_start(s: str) -> int:
    """Offset where the plans/next-steps part begins (len(s) when there is none)."""
    for a, b in _lines(s):
        line = s[a:b]
        if len(line) <= 40 and _PLAN_HEAD.search(line) and _ENUMERATED.match(line):
            return a
    return len(s)


def _year_from(text: str) -> int | None:
    m = _YEAR.search(text)
    return _num(m.group(1)) if m else None


def _plausible(year: int | None, published: dt.date | None) -> bool:
    return year is not None and 1990 <= year <= 2100 and (published is None or year <= published.year)


def _report_year(
    s: str,
    title: str | None,
    opening: tuple[int, int] | None,
    published: dt.date | None,
    skip: list[tuple[int, int]],
    annual_report: bool = False,
) -> tuple[int | None, tuple[int, int] | None, str | None]:
    """(year, evidence span in s, or evidence text when it is the title)."""
    if title and _YEAR_RANGE.search(title):
        return None, None, None  # 2021-2025年度…总结: several years, none of them the one
    if title:
        y = _year_from(title)
        if _plausible(y, published):
            return y, None, title
    if opening:
        a, b = opening
        m = _OPENING_YEAR.match(s, a, b)
        if m and _plausible(_num(m.group(1)), published):
            return _num(m.group(1)), (m.start(), min(b, m.end() + 12)), None
        if _THIS_YEAR.match(s, a, b) and published and published.month >= 7:
            # 今年以来 means the publication year only when it went out late in that year.
            return published.year, (a, min(b, a + 12)), None
    end = _plan_start(s)
    votes, running, first = _year_votes(s, end, published, skip)
    ranked = votes.most_common(2)
    if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        y = ranked[0][0]
        latest = max(votes)
        if latest > y and latest in running and "今年" in s[:end]:
            # 2021年,…;今年上半年,…;2022年1至6月,…: a text written while 2022 runs, which it
            # calls 今年; the winner is last year's baseline.
            y = latest
        return y, first[y], None
    if not votes and published:
        return _year_by_date(published, skip, annual_report)
    return None, None, None


def _year_votes(
    s: str, end: int, published: dt.date | None, skip: list[tuple[int, int]]
) -> tuple[Counter[int], set[int], dict[int, tuple[int, int]]]:
    """The years stated in result sentences before `end`, outside plans, chrome and
    the `skip` spans (dates): (votes per year (2 when the year leads its clause's
    figures), years stated as part of a year (the text's present), each year's first span)."""
    votes: Counter[int] = Counter()
    running: set[int] = set()
    first: dict[int, tuple[int, int]] = {}
    for sent in re.finditer(r"[^。!！?？;；\n]+", s[:end]):
        a = sent.start()
        if any(x <= a < y for x, y in skip) or _PLAN_SENTENCE.search(sent.group()) or is_chrome_line(sent.group()):
            continue
        text = sent.group()
        for m in _YEAR.finditer(text):
            y = _num(m.group(1))
            if not _plausible(y, published) or _RANGE.match(text, m.start()):
                continue
            before = text[max(0, m.start() - 4) : m.start()]
            if _BASELINE.search(before):
                continue  # 较2020年, 从2021年的: another year's figure
            if published and published.year - y >= 2 and _SINCE.match(text, m.end(1)):  # type: ignore[operator]
                continue  # 2018年以来 in a 2021 text: several years
            if _PART_OF_YEAR.match(text, m.end(1)):
                running.add(y)  # type: ignore[arg-type]
            # A year leading its clause states the period of the figures that follow.
            lead = _LEADING_YEAR.search(before) and _LEADS_FIGURES.match(text, m.end(1))
            votes[y] += 2 if lead else 1  # type: ignore[index]
            first.setdefault(y, (a + m.start(), a + min(len(text), m.end() + 12)))  # type: ignore[arg-type]
    return votes, running, first


def _year_by_date(
    published: dt.date, skip: list[tuple[int, int]], annual_report: bool
) -> tuple[int | None, tuple[int, int] | None, str | None]:
    """No year stated at all. An annual report published in the first half of a year
    covers the year before; a news text (近年来, 目前, 今年来) states figures as they
    stand at publication, unless it went out early in the year (last year's, maybe).
    The date line is the evidence."""
    if annual_report:
        return (published.year - 1, skip[0] if skip else None, None) if published.month <= 6 else (None, None, None)
    if published.month >= 3:
        return published.year, skip[0] if skip else None, None
    return None, None, None


# ------------------------------------------------------------------ kind and script

def _script(text: str, simplified: str) -> str:
    if text == simplified:
        return "simplified"
    # Only CJK characters count (width folding of punctuation does not); the
    # first pages are a large enough sample.
    changed, cjk = cjk_changes(text, simplified, 6000)
    # t2s also touches a few characters of simplified text (variant forms,
    # quoted names); a traditional text changes roughly one character in four.
    return "traditional" if changed >= 5 and changed >= 0.05 * cjk else "simplified"


_ROL = re.compile(r"法治政府建设")
_REPORT_WORD = re.compile(r"报告|情况|工作总结|成效")
_OTHER_DOC = re.compile(r"通知|通报|意见|方案|规划|要点|办法|决定|纲要|实施细则|公告")


@cache
def _court_rules() -> tuple[re.Pattern, ...]:
    """(court name, court then its act, court-text title word, partner word,
    not a court's title) from rules/court_markers.csv."""
    words = vocabulary("court_markers.csv")
    court = alternation(words["court"])
    return (
        re.compile(court),
        # The court, then within a short date or 近日 what it does (召开, 发布), as the
        # main verb: 法院发布的数据 is a government text citing it.
        re.compile(rf"(?:{court})[^,，。;；:：]{{0,12}}?(?:{alternation(words['act'])})(?!的)"),
        re.compile(alternation(words["title"])),
        re.compile(alternation(words["partner"])),
        re.compile(alternation(words["not_title"])),
    )


_CLAUSE_START = re.compile(r"[,，。;；:：!！?？)）】\s]")


def _court_issued(title: str | None, first_sentence: str) -> bool:
    """Whether a court speaks: a court's title (…法院行政审判白皮书), a court
    that opens the text by doing something (XX市中级人民法院召开…通报会), or
    the court's 本院 in the first sentence.

    Government texts quoting court figures (全市法院受理行政诉讼案件…) are not
    caught: the court must be the title's issuer or the opening's subject, and
    a court named as a partner (司法局联合市中级人民法院召开) does not count.
    """
    court, court_act, title_word, partner, not_title = _court_rules()
    if title and court.search(title) and title_word.search(title) and not not_title.search(title):
        return True
    for m in court_act.finditer(first_sentence):
        # What precedes the court in its clause: only its place name and a date may stand there.
        start = max((c.end() for c in _CLAUSE_START.finditer(first_sentence, 0, m.start())), default=0)
        before = first_sentence[start : m.start()]
        for hit in find_full_names(before)[::-1]:
            before = before[: hit.start] + before[hit.end :]
        if not partner.search(before):
            return True
    return "本院" in first_sentence


def _kind(title: str | None, opening: str, text: str, first_sentence: str = "") -> str:
    """court_document when a court issued the text; rule_of_law_report when
    the title, or failing that the opening, says so.

    A title that names another document type (…工作要点的通知) settles it the
    other way; reports addressed upward often have no title, but end with
    特此报告 after talking about 法治政府建设 throughout.
    """
    if _court_issued(title, first_sentence):
        return "court_document"
    if title and _ROL.search(title):
        return "rule_of_law_report" if _REPORT_WORD.search(title) and not _OTHER_DOC.search(
            title.split("报告")[-1]) else "other_government_text"
    if _ROL.search(opening) and _REPORT_WORD.search(opening):
        return "rule_of_law_report"
    if re.search(r"特此报告|报告如下", text) and len(_ROL.findall(text)) >= 2:
        return "rule_of_law_report"
    return "other_government_text"


# ------------------------------------------------------------------ entry point


def extract_metadata(text: str, simplified: str) -> dict:
    """Title, issuer, kind, script, region and year of one report.

    `text` is the decoded original and `simplified` its t2s conversion, the
    same length. Returned text fields are cut from `text`.
    """
    s = simplified
    aligned = len(text) == len(s)

    def orig(a: int, b: int) -> str:
        return text[a:b] if aligned else s[a:b]

    title_spans, heading_spans = _title_span(s)
    title_s = "".join(s[a:b] for a, b in title_spans) or None
    title = "".join(orig(a, b) for a, b in title_spans) or None

    issuer_span = _issuer_span(s, title_spans, heading_spans)
    issuer_s = s[issuer_span[0] : issuer_span[1]] if issuer_span else None

    published, date_spans = _published(s)
    opening = _opening_span(s, title_spans)
    first_sentence = s[opening[0] : opening[1]] if opening else ""
    kind = _kind(title_s, s[opening[0] : opening[0] + 600] if opening else s[:600], s, first_sentence)
    year, year_span, year_text = _report_year(s, title_s, opening, published, date_spans, kind == "rule_of_law_report")
    year_evidence = title if year_text is not None else (orig(*year_span) if year_span else None)

    # Lines of a split title stay separate lines, so evidence cut from it is found in `s`.
    region = resolve_region(s, "\n".join(s[a:b] for a, b in title_spans) or None, issuer_s)
    region_evidence = None
    if region:
        pos = s.find(region.evidence)
        region_evidence = orig(pos, pos + len(region.evidence)) if pos >= 0 else region.evidence

    return {
        "title": title,
        "issuer": orig(*issuer_span) if issuer_span else None,
        "kind": kind,
        "script": _script(text, s),
        "region_code": region.region_code if region else None,
        "region_evidence": region_evidence,
        "report_year": year,
        "year_evidence": year_evidence,
        "published_on": published,
        "region_name": region.region_name if region else None,
        "region_level": region.level if region else None,
        "province": region.province if region else None,
        "prefecture": region.prefecture if region else None,
    }


def _opening_span(s: str, title_spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The first sentence of the body: first prose line after the heading."""
    after = title_spans[-1][1] if title_spans else 0
    for a, b in _lines(s):
        if a < after or is_chrome_line(s[a:b]) or not _PROSE.search(s[a:b]):
            continue
        if _ADDRESSEE.match(s[a:b]):
            continue
        end = re.search(r"[。!！?？]", s[a:b])
        return a, a + end.end() if end else b
    return None
