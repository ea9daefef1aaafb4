"""Classify figures into catalog metrics by the cue words of their clause.

A sentence is read left to right as a clause chain. Topic words (行政复议,
应诉, 纠纷, 法律援助 ...) set the topic; figures about other work (企业诉求,
12345 热线, 信访 ...) end it. Within the figure's own clause, the cue nearest
to the figure (受理, 审结, 化解率 ...) names the metric. A clause that only
inherits its topic must be bare (cue + filler), otherwise it may be talking
about something the rules don't know, and an unknown is left unclassified.
The rules live in `rules/*.csv`.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from fazhi_parse.numbers import Figure
from fazhi_parse.periods import FULL_YEAR, PARAGRAPH_REACH, Period, opening_period, period_at, period_events, settle
from fazhi_parse.scopes import REGION, RESPONDENT, SUBTYPE, scope_of

_HARD_DELIM = re.compile(r"[，,；;：:。!！?？]")
# Greedy: its match ends right after the last hard delimiter (one C-level scan, no match objects per delimiter).
_UPTO_LAST_DELIM = re.compile(r".*" + _HARD_DELIM.pattern, re.S)
# Characters that never make a clause about something else: digits, spaces, punctuation.
_FILLER_CHARS = r"[\d\s.,、()（）“”\"'‘’《》%]"
_RATE_FILLER = re.compile(
    r"(?:分别)?(?:同比)?(?:始终|继续|连续\S{0,3}|均|仍)?"
    r"(?:保持在|保持|稳定在|稳定|维持在|提升至|提升到|提高至|提高到|上升至|上升到|达到了|达到|高达|均达|均为|达|为|是|在|实现|仅为|仅)?$"
)
_DIRECTIONS = ("上升", "下降", "增长", "增加", "减少", "提高", "提升", "降低", "下滑", "回落", "上涨", "下跌")
_CHANGE = re.compile(
    r"(?:同比|环比|比上年|较上年|比去年|较去年|比上一年|较上一年|比20\d\d年|较20\d\d年|与上年相比|与去年相比)?"
    rf"(?:分别)?(?P<dir>{'|'.join(_DIRECTIONS)})(?:了)?$"
)
# What a _CHANGE match can end with. It ends at the clause end or before a
# final newline (`$`), so a clause ending otherwise needs no search, which would
# try the pattern at every character.
_CHANGE_LAST = frozenset(w[-1] for w in _DIRECTIONS) | {"了"}
# The words of these roles are in rules/clause_words.csv (filler, baseline, target).
_BASELINE_ENDS = r"|由$|从$|比$|较$"  # a baseline figure right after 由/从/比/较


@cache
def clause_words() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """(filler, baseline, target) patterns from rules/clause_words.csv."""
    words: dict[str, list[str]] = {}
    for r in _read("clause_words.csv"):
        words.setdefault(r["role"], []).extend(r["words"].split("|"))
    return (
        re.compile(_alternation(words["filler"]) + "|" + _FILLER_CHARS),
        re.compile(_alternation(words["baseline"]) + _BASELINE_ENDS),
        re.compile(_alternation(words["target"])),
    )
_PARTS_WORD = "其中"
# What a figure counts, printed right after it: 1200名专兼职人民调解员, 86件行政复议案件.
_TRAILING = re.compile(
    r"的?(?:各类|各级)?(?P<noun>(?:专兼职|专职|兼职)?(?:人民)?调解员|(?:人民)?调解(?:组织|委员会)|调委会|"
    r"(?:行政)?复议(?:案件|申请)|行政(?:诉讼|应诉)案件|法律援助案件|(?:矛盾)?纠纷)"
)
_CHANNEL_REACH = 300  # characters before a mediation figure in which its channel is named

# Metrics that count what exists (a stock) rather than what happened in the period (a flow).
STOCK_METRICS = frozenset({"mediation.organizations", "mediation.mediators"})
_UP = {"上升", "增长", "增加", "提高", "提升", "上涨"}


@dataclass(frozen=True, slots=True)
class _Cue:
    metric: str | None  # None: a known stage that is not in the catalog
    units: frozenset[str]
    noun: bool = False  # names only what is counted (案件): a verb cue in the clause comes first


@dataclass(slots=True)
class Rules:
    topics: re.Pattern  # named groups: one per topic
    any_topic: re.Pattern  # a catalog topic word anywhere: sentences without one are skipped
    count: dict[str, tuple[re.Pattern, dict[str, list[_Cue]]]]
    rate: dict[str, tuple[re.Pattern, dict[str, str]]]
    channels: list[tuple[str, re.Pattern]]
    rate_of: dict[str, str]  # count metric -> its rate metric, for 占…的X% right after the count
    list_totals: list[tuple[frozenset[str], str]]  # (member metrics, total metric) for 共N件 after a run
    topics_last: re.Pattern  # `topics` after a greedy .*: where the last topic word can start
    longest_topic_word: int


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _read(name: str) -> list[dict]:
    with resources.files("fazhi_parse.rules").joinpath(name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _first_char_guard(patterns: list[str]) -> str:
    """A look-ahead for the first characters of `patterns`, when all are plain
    words joined by |; '' when one uses other regex syntax.

    An alternation of named groups keeps `re` from skipping ahead to where a
    word can start, so it tries every word at every position; the look-ahead
    rejects most positions at once (3x faster) and matches the same.
    """
    words = [w for p in patterns for w in p.split("|")]
    if not words or any(not w or re.escape(w) != w for w in words):
        return ""
    return "(?=[" + re.escape("".join(sorted({w[0] for w in words}))) + "])"


@cache
def rules() -> Rules:
    topic_rows = _read("topics.csv")
    guarded = (
        _first_char_guard([r["pattern"] for r in topic_rows])
        + "(?:" + "|".join(f"(?P<{r['topic']}>{r['pattern']})" for r in topic_rows) + ")"
    )
    topics = re.compile(guarded)
    # Greedy: matches up to the last place a topic word can start (one C-level backward walk).
    topics_last = re.compile(r"(?s:.*)" + guarded)
    longest_topic_word = max(len(w) for r in topic_rows for w in r["pattern"].split("|"))
    any_topic = re.compile("|".join(r["pattern"] for r in topic_rows if r["topic"] not in ("neutral", "off_topic")))
    count_cues: dict[str, dict[str, list[_Cue]]] = {}
    rate_cues: dict[str, dict[str, str]] = {}
    for r in _read("metric_cues.csv"):
        units = frozenset(u for u in r["units"].split("|") if u)
        for word in r["cue"].split("|"):
            if r["kind"] == "rate":
                rate_cues.setdefault(r["topic"], {})[word] = r["metric_code"]
            else:
                count_cues.setdefault(r["topic"], {}).setdefault(word, []).append(
                    _Cue(r["metric_code"] or None, units, noun=r["kind"] == "noun"))
    count = {t: (re.compile(_alternation(c)), c) for t, c in count_cues.items()}
    rate = {t: (re.compile(_alternation(c)), c) for t, c in rate_cues.items()}
    channels = [(r["channel"], re.compile(r["pattern"])) for r in _read("channels.csv")]
    derived = _read("derived_cues.csv")
    rate_of = {r["from_metrics"]: r["metric_code"] for r in derived if r["kind"] == "rate_of"}
    list_totals = [
        (frozenset(r["from_metrics"].split("|")), r["metric_code"]) for r in derived if r["kind"] == "list_total"
    ]
    return Rules(topics=topics, any_topic=any_topic, count=count, rate=rate, channels=channels,
                 rate_of=rate_of, list_totals=list_totals, topics_last=topics_last,
                 longest_topic_word=longest_topic_word)


@dataclass(slots=True)
class Classified:
    figure: Figure
    metric_code: str | None = None
    measure_kind: str = "level"  # level | change
    change_direction: int | None = None
    channel: str | None = None
    parent: Classified | None = None  # the total this figure is a part of
    breakdown_label: str | None = None
    rule: str | None = None
    clause_start: int = 0
    basis: tuple[float, float] | None = field(default=None)
    period: Period = FULL_YEAR
    scope: str = REGION
    topic: str | None = None  # the topic the figure was read under
    clause: str = ""  # the clause's words (asides dropped), as read for cues


def _last_topic_event(rs: Rules, text: str) -> str | bool | None:
    """The last topic word in text: a topic name, None for off-topic, False if none."""
    return _topic_events(rs, text)[0]


def _topic_events(rs: Rules, text: str) -> tuple[str | bool | None, bool]:
    """(the last topic event as in `_last_topic_event`, whether text names two
    or more catalog topics), from one scan."""
    last: str | bool | None = False
    first_topic = None
    several = False
    for m in rs.topics.finditer(text):
        kind = m.lastgroup
        if kind == "neutral":
            continue
        if kind == "off_topic":
            last = None
            continue
        last = kind
        if first_topic is None:
            first_topic = kind
        elif kind != first_topic:
            several = True
    return last, several


def _is_bare(rs: Rules, clause: str, topic: str) -> bool:
    rest = clause
    # Rate names first: they contain count cues (纠错率 ⊃ 纠错).
    if topic in rs.rate:
        rest = rs.rate[topic][0].sub("", rest)
    if topic in rs.count:
        rest = rs.count[topic][0].sub("", rest)
    rest = clause_words()[0].sub("", rest)
    return len(rest) <= 2


def _channel(rs: Rules, text: str) -> str:
    found, pos = "general", -1
    for name, rx in rs.channels:
        for m in rx.finditer(text):
            if m.start() > pos:
                found, pos = name, m.start()
    return found


def _may_end_a_change(clause: str) -> bool:
    """False when `_CHANGE` cannot match clause (cheap: only its last characters are read)."""
    return clause[-1:] in _CHANGE_LAST or (clause[-1:] == "\n" and clause[-2:-1] in _CHANGE_LAST)


def _open_paren(text: str) -> int:
    """Position of an unclosed parenthesis in text, or -1."""
    depth, pos = 0, -1
    for i, ch in enumerate(text):
        if ch in "(（":
            depth, pos = depth + 1, i
        elif ch in ")）" and depth:
            depth -= 1
    return pos if depth else -1


def _metric_for(
    rs: Rules, topic: str, clause: str, fig: Figure, rate_tail: bool = True
) -> tuple[str | None, str | None]:
    """The metric named by the cue nearest the figure in its clause, if its unit fits.
    A rate cue must be followed by nothing but a verb of being (为, 达到…) unless
    `rate_tail` is False (the caller has cut the clause at the cue's end)."""
    if fig.unit_kind == "percent":
        if fig.value > 100:
            return None, None  # every catalog rate is a share; over 100 is a misprint or another measure
        rx, words = rs.rate.get(topic, (None, None))
        m = None
        for m in rx.finditer(clause) if rx is not None else ():  # noqa: B007 - the last match is wanted
            pass
        if m is not None and (not rate_tail or _RATE_FILLER.match(clause[m.end():].replace(" ", ""))):
            return words[m.group(0)], m.group(0)
    elif fig.unit_kind == "count":
        rx, words = rs.count.get(topic, (None, None))
        m = verb = None
        for m in rx.finditer(clause) if rx is not None else ():
            if not words[m.group(0)][0].noun:
                verb = m
        # 审结各类行政诉讼案件12865件: the stage verb, not the case noun nearer the figure.
        m = verb or m
        joiner = _joiner_before(clause, m.start()) if m is not None else 0
        if joiner:
            # 撤销和确认违法65件: two kinds counted together are neither
            before = rx.search(clause, max(0, m.start() - joiner - 12), m.start() - joiner)
            while before is not None and before.end() != m.start() - joiner:
                before = rx.search(clause, before.start() + 1, m.start() - joiner)
            if before is not None and words[before.group(0)][0].metric != words[m.group(0)][0].metric:
                return None, None
        if m is not None:
            for cue in words[m.group(0)]:
                if fig.unit in cue.units:
                    return cue.metric, m.group(0)
    return None, None


# A case noun named with its domain (法律援助案件, 行政复议申请): a count that says it
# beside a total that does not is the catalog figure; the total is wider.
_NAMED_NOUN = re.compile(r"(?<!撤回)(?<!撤销)(?:法律援助|法援|行政复议|复议|行政诉讼|行政应诉)(?:案件|申请)")
# A level reached from a baseline: 由A降至B, 从A件增加到B件.
# The year the level belongs to may be named after 至 (降至2023年的8%).
_TO_LEVEL = re.compile(
    r"\s*(?:(?:下降|降低|上升|提高|提升|增加|减少|增长|回落)?(?:至|到)|(?:降|升|增|减)(?:至|到))"
    r"\s*(?P<year>(?:19|20)\d\d年(?:底|末)?(?:的)?)?\s*$"
)
# What joins a level to the change before it (同比增长25%，达到125件); 达到 may open the figure itself.
_LEVEL_AFTER_CHANGE = re.compile(
    r"\s*(?:达到了|达到|达|增至|增加到|增加至|上升至|上升到|下降至|下降到|降至|为|共|共计)?\s*$"
)
_FROM = re.compile(r"(?:由|从)(?!.*(?:由|从))")
def _joiner_before(clause: str, pos: int) -> int:
    """Length of the joining word (和, 及, 与, 、, 以及) right before clause[pos], or 0."""
    if clause[pos - 2:pos] == "以及":
        return 2
    return 1 if pos and clause[pos - 1] in "和及与、" else 0
# What may stand between the figures of a 分别 list: 120件、115件 / 98%和97%.
_LIST_SEP = re.compile(r"\s*(?:[、,，和及与]|以及)\s*")


def _respectively(rs: Rules, topic: str, clause: str, text: str, figures: list[Figure], i: int) -> list:
    """(metric, cue) for each figure of a 分别 list that starts at figures[i], in
    order, read off the cues the clause names before 分别 (受理、审结…分别为); []
    unless every figure of the list gets one cue of its kind (a wrong pairing is worse than none)."""
    head = clause[: clause.rfind("分别")]
    run = [figures[i]]
    for nxt in figures[i + 1:]:
        if not _LIST_SEP.fullmatch(text, run[-1].end, nxt.start) or nxt.unit_kind != run[0].unit_kind:
            break
        run.append(nxt)
    table = rs.rate if run[0].unit_kind == "percent" else rs.count
    rx, words = table.get(topic, (None, None))
    if rx is None:
        return []
    cues = []
    for m in rx.finditer(head):
        entry = words[m.group(0)]
        if run[0].unit_kind == "percent":
            cues.append((entry, m.group(0)))
        else:
            metric = next((cue.metric for cue in entry if run[0].unit in cue.units), None)
            if metric is not None and not entry[0].noun:
                cues.append((metric, m.group(0)))
    if len(cues) != len(run) or len({m for m, _ in cues}) != len(cues):
        return []
    return cues


# Words that make a clause speak of the whole region again.
_WHOLE = re.compile(r"全[省市县区州盟旗]|各级|全部|总数|共有|计有|总计|合计")
_SHARE = re.compile(r"\s*占(?!比)")
_TOTAL_WORD = re.compile(r"\s*(?:共|共计|合计|总计)\s*$")


def _from_neighbours(rs: Rules, clause: str, fig: Figure, out: list[Classified]) -> tuple[str | None, str | None]:
    """A metric read off the figures before this one when its clause names none:
    a share right after a count (纠错48件，占已审结案件4.18%) is that count's rate;
    a bare total after a run of decisions (…变更1件、责令履行4件，共48件) their sum."""
    prev = out[-2]
    if prev.scope != REGION:
        return None, None  # a share or total of a sub-unit's or one kind's count is not the region's
    if fig.unit_kind == "percent" and _SHARE.match(clause) and prev.figure.unit_kind == "count":
        metric = rs.rate_of.get(prev.metric_code or "")
        if metric and fig.value <= 100:
            return metric, f"share_of:{prev.metric_code}"
    elif fig.unit_kind == "count" and _TOTAL_WORD.match(clause):
        run = []
        for c in reversed(out[:-1]):
            if c.metric_code is None or c.parent is not None or c.figure.unit != fig.unit:
                break
            run.append(c.metric_code)
        for members, total in rs.list_totals:
            if len(run) >= 2 and set(run) <= members:
                return total, f"list_total:{'+'.join(reversed(run))}"
    return None, None


def _trailing_noun(rs: Rules, simplified: str, fig: Figure) -> tuple[str, str] | None:
    """(topic, noun) when the figure is followed at once by what it counts (1200名人民调解员)."""
    m = _TRAILING.match(simplified, fig.end)
    if not m or simplified[m.end():m.end() + 1] == "的":
        return None  # 659件法律援助案件的办案补贴: the figure qualifies what follows
    noun = m.group("noun")
    topic = _last_topic_event(rs, noun)
    return (topic, noun) if topic else None


@dataclass(slots=True)
class ChainState:
    """What a sentence leaves to the next one when that opens with 其中 (a breakdown of it)."""

    topic: str | None = None
    last_fact: Classified | None = None
    last_level: Classified | None = None
    # The last topic word read (a topic, None for other work, False for none) and
    # where reading stopped: the caller scans only the rest for the next sentence.
    word_topic: str | bool | None = False
    word_end: int = -1


_OPENS_WITH_PARTS = re.compile(r"\s*其中")
_OPEN_QUOTES = frozenset("“「『《\"'‘")
# A closed aside in brackets: 全年结案(包括案前调解、不予受理及受理后审结)86件 counts
# what 结案 names; the words inside qualify it and name no metric or topic.
_ASIDE = re.compile(r"[(（][^()（）]*[)）]")


def _full_sentence_start(text: str, start: int) -> int:
    """Where the sentence ending in 。!? (not ；) that holds `start` begins,
    looked for within a bounded reach (a line of megabytes costs a constant)."""
    reach = max(0, start - PARAGRAPH_REACH)
    found = max(text.rfind(ch, reach, start) for ch in "。！？!?\n") + 1
    return found if found or not reach else start


def _drop_asides(clause: str) -> str:
    if ")" not in clause and "）" not in clause:
        return clause
    while True:
        shorter = _ASIDE.sub("", clause)
        if shorter == clause:
            return clause
        clause = shorter


def classify_figures(
    simplified: str,
    start: int,
    end: int,
    figures: list[Figure],
    report_year: int | None = None,
    carry: ChainState | None = None,
    annual_report: bool = False,
    court_voice: bool = False,
    region_code: str | None = None,
) -> list[Classified] | None:
    """One Classified per figure of the sentence text[start:end], in order; None
    when the sentence can classify none of them (no topic word, no 其中 to
    continue): most sentences with figures, whose mentions the caller builds
    without a Classified each.

    With `report_year`, a figure whose sentence dates it to another year
    (2023年为98件 in a 2024 report, 2019年以来累计…) is not a fact of the report.
    `carry` holds the previous sentence's chain; it is read when this sentence
    opens with 其中 and updated for the next one. `annual_report`: the text is a
    year's review written at its end, so 今年以来 means the whole year.
    `court_voice`: a court issues or co-issues the text, so its figures with a
    court as subject are the court's (see scopes.py). `region_code`: the
    report's region, so a figure another division's name leads is not its own.
    """
    rs = rules()
    opens_with_parts = carry is not None and _OPENS_WITH_PARTS.match(simplified, start) is not None
    carried_topic = carry.topic if carry is not None else None
    if not carried_topic and not rs.any_topic.search(simplified, start, end) and not (
        opens_with_parts and carry.last_fact
    ):
        if carry is not None:
            carry.topic = carry.last_fact = carry.last_level = None
        return None
    sentence = _Sentence(rs, simplified, start, end, figures, report_year, court_voice, region_code, carried_topic)
    if opens_with_parts:
        sentence.last_fact, sentence.last_level = carry.last_fact, carry.last_level
        sentence.parts_from = start
    for i, fig in enumerate(figures):
        sentence.read(i, fig)
    sentence.set_periods(annual_report)
    _attach_basis(sentence.out)
    if carry is not None:
        sentence.hand_on(carry)
    return sentence.out


def _names_no_statistic(text: str, fig: Figure, clause: str) -> bool:
    """A name in quotes (“四个百分百”, 「三个一」) or a target (rules/clause_words.csv), not a statistic."""
    if fig.start and text[fig.start - 1] in _OPEN_QUOTES:
        return True
    return clause_words()[2].search(clause) is not None


class _Sentence:
    """The clause chain of one sentence, read figure by figure (see classify_figures)."""

    __slots__ = (
        "after_change",
        "court_voice",
        "end",
        "figures",
        "last_fact",
        "last_level",
        "other_total_end",
        "out",
        "parts_from",
        "period_marks",
        "pos",
        "region_code",
        "report_year",
        "respectively",
        "rs",
        "start",
        "text",
        "topic",
        "word_topic",
    )

    def __init__(self, rs: Rules, simplified: str, start: int, end: int, figures: list[Figure],
                 report_year: int | None, court_voice: bool, region_code: str | None, topic: str | None):
        self.rs, self.text, self.start, self.end, self.figures = rs, simplified, start, end, figures
        self.report_year, self.court_voice, self.region_code = report_year, court_voice, region_code
        self.out: list[Classified] = []
        # A sentence without a topic word of its own continues the topic of the
        # sentence before it in the paragraph (…行政复议申请469件。从审理结果看，全年共审结422件):
        # its clauses inherit it, so they must be bare.
        self.topic = topic
        self.word_topic: str | bool | None = False  # the last topic word read (see ChainState)
        self.pos = start  # where the next figure's lead starts
        self.period_marks: list | None = None  # read once, when a figure is classified
        self.last_fact: Classified | None = None  # the latest total (a possible parent)
        self.last_level: Classified | None = None  # the latest level fact of any kind (what a change modifies)
        self.parts_from: int | None = None  # text position where a 其中 scope starts
        self.other_total_end = -1  # end of the latest count about other work (归档案卷3927份)
        self.respectively: list[tuple[str, str] | None] = []  # metrics a 分别 list still has to hand out, in order
        self.after_change: tuple | None = None  # a change with no level before it: (its lead, it, direction, rule)

    def read(self, i: int, fig: Figure) -> None:
        """Classify figures[i]: append its Classified to `out` and move the chain on."""
        c = Classified(figure=fig)
        self.out.append(c)
        clause, own, several_topics, parts_at = self._read_clause(c)
        if parts_at >= 0:
            self.parts_from = parts_at
            if self.other_total_end > (self.last_fact.figure.end if self.last_fact is not None else -1):
                # 共接收归档案卷3927份，其中法律援助案件1414件: parts of a count about other work
                self.other_total_end = self.pos = fig.end
                return
        if own is None and fig.unit_kind == "count":
            self.other_total_end = fig.end
        self.pos = fig.end
        if self.respectively and _LIST_SEP.fullmatch(self.text, self.out[-2].figure.end, fig.start):
            self._next_in_list(c)
            return
        self.respectively = []
        if fig.unit_kind == "money":
            return
        if "分别" in clause:
            if self.topic is not None and not several_topics:
                self._start_list(i, c, clause)
            return
        if _names_no_statistic(self.text, fig, clause):
            return
        to_level = _TO_LEVEL.match(clause) if self.topic is not None and len(self.out) > 1 else None
        if to_level:
            self._level_from_baseline(c, to_level.group("year") is not None)
            return
        if self.after_change is not None and self._level_after_change(c, clause):
            return
        self.after_change = None
        ch = _CHANGE.search(clause) if _may_end_a_change(clause) else None
        if ch:
            self._change(c, clause, ch)
            return
        if clause_words()[1].search(clause):
            return  # a baseline, not the period's figure
        named = self._metric(c, clause, own is False, several_topics)
        if named is None:
            return
        if self.last_fact is not None and self.topic is not None and self._in_parts(fig):
            self._part(c, clause, *named)
        elif named[0]:
            self._level(c, clause, *named)

    def _read_clause(self, c: Classified) -> tuple[str, str | bool | None, bool, int]:
        """Set the figure's clause (after the last hard delimiter before it, asides
        dropped) and the running topic. Returns (clause, its own last topic event
        (False: none, it inherits the topic), whether it names several topics,
        where a 其中 between the last figure and this one is, or -1)."""
        fig, pos = c.figure, self.pos
        lead = self.text[pos:fig.start]
        delim = _UPTO_LAST_DELIM.match(lead)
        clause_rel = delim.end() if delim else 0
        clause_end = len(lead)
        if clause_rel and lead[clause_rel - 1] in "：:" and not lead[clause_rel:].strip():
            # 收案数：125件: a label names the figure right after its colon
            clause_end = clause_rel - 1
            delim = _UPTO_LAST_DELIM.match(lead, 0, clause_end)
            clause_rel = delim.end() if delim else 0
        clause = _drop_asides(lead[clause_rel:clause_end])
        c.clause_start = pos + clause_rel
        c.clause = clause
        # Topic: words before the clause update the running topic, then the clause's own.
        if clause_rel:
            ev = _last_topic_event(self.rs, lead[:clause_rel])
            if ev is not False:
                self.topic = self.word_topic = ev
        own, several_topics = _topic_events(self.rs, clause)
        if own is not False:
            self.topic = self.word_topic = own
        parts_at = lead.rfind(_PARTS_WORD)  # the word cannot overlap itself: the last match
        return clause, own, several_topics, (pos + parts_at if parts_at >= 0 else -1)

    def _scope(self, clause_start: int, fig_start: int, metric: str) -> str:
        return scope_of(self.text, self.start, clause_start, fig_start, metric, self.court_voice, self.region_code)

    def _period_of(self, pos: int) -> Period:
        if self.period_marks is None:
            # A period set before a semicolon holds to the full stop: 2022年1月至2025年6月，…；共受理…
            events = period_events(self.text, _full_sentence_start(self.text, self.start), self.end, self.report_year)
            self.period_marks = [events, opening_period(self.text, self.start, self.report_year)]
        return period_at(self.period_marks[0], pos, self.period_marks[1])

    def _start_list(self, i: int, c: Classified, clause: str) -> None:
        """A 分别 list starting at figures[i]: the first of the metrics its cues name."""
        self.respectively = _respectively(self.rs, self.topic, clause, self.text, self.figures, i)
        if self.respectively:
            self._named_in_list(c, self.respectively.pop(0))

    def _next_in_list(self, c: Classified) -> None:
        """受理、审结行政复议案件分别为120件、115件: the next cue of the list."""
        named = self.respectively.pop(0)
        if named is not None and self.topic is not None:
            self._named_in_list(c, named)

    def _named_in_list(self, c: Classified, named: tuple[str, str]) -> None:
        c.metric_code, c.rule, c.topic = named[0], f"respectively:{named[1]}", self.topic
        c.scope = self._scope(c.clause_start, c.figure.start, named[0])
        self.last_level = c

    def _level_from_baseline(self, c: Classified, year_named: bool) -> None:
        """复议后起诉率由2018年的30.7%降至14.6%: the level reached is the metric's figure,
        for the period in force before the baseline's 由, or for the year named after 至."""
        prev = self.out[-2]
        frm = _FROM.search(prev.clause)
        if frm is None:
            return
        metric, rule = _metric_for(self.rs, self.topic, prev.clause[: frm.start()], c.figure, rate_tail=False)
        if metric:
            c.metric_code, c.rule, c.topic = metric, f"to_level:{rule}", self.topic
            c.period = self._period_of(c.figure.start if year_named else prev.clause_start + frm.start())
            c.scope = self._scope(prev.clause_start, c.figure.start, metric)
            self.last_level = c

    def _change(self, c: Classified, clause: str, ch: re.Match) -> None:
        """A year-on-year change of the level figure before it; with none before it,
        of the level a later figure states (see _level_after_change)."""
        prev = self.last_level
        if self.topic is not None and prev is None:
            self.after_change = (clause[:ch.start()], c, 1 if ch.group("dir") in _UP else -1, f"change:{ch.group(0)}")
        if self.topic is not None and prev is not None:
            c.metric_code = prev.metric_code
            c.measure_kind = "change"
            c.change_direction = 1 if ch.group("dir") in _UP else -1
            c.channel = prev.channel
            c.rule = f"change:{ch.group(0)}"

    def _level_after_change(self, c: Classified, clause: str) -> bool:
        """受理行政复议案件同比增长25%，达到125件: the level after its change, named before the change."""
        lead, change, direction, rule_text = self.after_change
        if self.out[-2] is not change or not _LEVEL_AFTER_CHANGE.match(clause):
            return False
        metric, rule = _metric_for(self.rs, self.topic, lead, c.figure)
        if not metric:
            return False
        change.metric_code, change.measure_kind = metric, "change"
        change.change_direction, change.rule = direction, rule_text
        c.metric_code, c.rule, c.topic = metric, f"after_change:{rule}", self.topic
        c.scope = self._scope(change.clause_start, c.figure.start, metric)
        self.last_level = c
        self.after_change = None
        return True

    def _metric(self, c: Classified, clause: str, inherited: bool, several_topics: bool) -> tuple | None:
        """(metric or None, rule) the clause names for the figure, its channel set;
        None when the figure is not to be read at all (a clause naming two topics)."""
        fig, topic = c.figure, self.topic
        metric = rule = None
        if topic is not None:
            if inherited and not _is_bare(self.rs, clause, topic):
                topic = self.topic = None
            elif several_topics:
                return None  # 行政复议和行政诉讼案件共35件: whose figure is it?
            else:
                metric, rule = _metric_for(self.rs, topic, clause, fig)
        if metric is None and topic is not None and len(self.out) > 1:
            metric, rule = _from_neighbours(self.rs, clause, fig, self.out)
        noun = ""
        if metric is None and fig.unit_kind == "count":
            trailing = _trailing_noun(self.rs, self.text, fig)
            if trailing:
                metric, rule = _metric_for(self.rs, trailing[0], clause + trailing[1], fig)
                if metric:
                    topic, noun = trailing
                    self.topic = topic
        if metric and topic == "mediation":
            # the nearest channel word before the figure, read within a bounded reach
            c.channel = _channel(self.rs, self.text[max(self.start, fig.end - _CHANNEL_REACH):fig.end] + noun)
        return metric, rule

    def _in_parts(self, fig: Figure) -> bool:
        """Whether the figure is a breakdown part of the last total: inside
        parentheses after it, or after 其中."""
        parent = self.last_fact
        gap_start = parent.figure.end if parent.figure.end <= fig.start else self.start
        gap_start = max(gap_start, fig.start - _CHANNEL_REACH)  # a bracketed breakdown is short
        return _open_paren(self.text[gap_start:fig.start]) >= 0 or (
            self.parts_from is not None and (self.parts_from >= parent.figure.end or self.parts_from == self.start)
        )

    def _part(self, c: Classified, clause: str, metric: str | None, rule: str | None) -> None:
        """A figure in the breakdown of the last total."""
        parent, fig = self.last_fact, c.figure
        same_sentence = parent.figure.start >= self.start
        if (metric == parent.metric_code and same_sentence and parent.measure_kind == "level"
                and _NAMED_NOUN.search(clause) and not _NAMED_NOUN.search(parent.clause)):
            # 共受理指派案件4459件，其中法律援助案件450件: the part names what the metric
            # counts and the total does not, so the total is wider: the part is the figure.
            parent.metric_code = parent.rule = None
            c.metric_code, c.rule, c.topic = metric, f"named_part:{rule}", self.topic
            c.scope = self._scope(c.clause_start, fig.start, metric)
            self.last_level = self.last_fact = c
        elif metric and same_sentence and self.topic != parent.topic:
            pass  # 其中刑事案件…，民事行政案件190件: a category label, not another topic's figure
        elif metric in (None, parent.metric_code) and fig.unit == parent.figure.unit:
            c.metric_code = parent.metric_code
            c.parent = parent
            c.breakdown_label = clause.strip("(（、 ") or None
            c.rule = f"part:{rule or ''}"
            c.channel = parent.channel
        elif metric:
            c.metric_code, c.rule, c.topic = metric, rule, self.topic
            c.scope = self._scope(c.clause_start, fig.start, metric)
            self.last_level = c

    def _level(self, c: Classified, clause: str, metric: str, rule: str | None) -> None:
        """A level figure of `metric`, outside any breakdown."""
        c.metric_code, c.rule, c.topic = metric, rule, self.topic
        c.scope = self._scope(c.clause_start, c.figure.start, metric)
        last = self.last_level
        if (c.scope == REGION and len(self.out) > 1 and self.out[-2] is last and last.scope == SUBTYPE
                and last.figure.start >= self.start and not _WHOLE.search(clause)):
            # 行业性专业性人民调解组织1503个，调解员9784人: the list goes on about that kind
            c.scope = SUBTYPE
        self.last_level = c
        if c.figure.unit_kind == "count":  # only counts have parts
            self.last_fact = c

    def set_periods(self, annual_report: bool) -> None:
        """The period of each classified figure (see periods.py)."""
        for c in self.out:
            if c.metric_code is None:
                continue
            if not (c.rule or "").startswith("to_level:"):  # a level from a baseline has its period already
                c.period = self._period_of(c.figure.start)
            c.period = settle(c.period, annual_report, c.metric_code in STOCK_METRICS)

    def hand_on(self, carry: ChainState) -> None:
        """What the next sentence continues."""
        topic = self.topic
        if self.last_level is not None and self.last_level.scope == RESPONDENT:
            topic = None  # what follows speaks of the cases against the government (目前审结10件)
        carry.topic, carry.last_fact, carry.last_level = topic, self.last_fact, self.last_level
        carry.word_topic, carry.word_end = self.word_topic, self.pos


def _attach_basis(items: list[Classified]) -> None:
    """A stated rate's numerator and denominator, when two counts in its sentence give it."""
    rates = [c for c in items if c.metric_code and c.figure.unit_kind == "percent" and c.measure_kind == "level"]
    if not rates:
        return  # most sentences state no rate
    counts = [c for c in items if c.metric_code and c.figure.unit_kind == "count" and c.parent is None
              and c.measure_kind == "level" and c.figure.comparator == "="]
    for c in rates:
        domain = c.metric_code.split(".")[0]
        same = [x for x in counts if x.metric_code.split(".")[0] == domain]
        for num in same:
            for den in same:
                if num is den or den.figure.value <= 0 or num.figure.value > den.figure.value:
                    continue
                if abs(num.figure.value / den.figure.value * 100 - c.figure.value) < 0.05:
                    c.basis = (num.figure.value, den.figure.value)
                    break
            if c.basis:
                break


def topic_between(text: str, start: int, end: int, topic: str | None) -> str | None:
    """The topic text[start:end] leaves, given the one before it (sentences
    without figures can switch it: 行政复议…。人民调解工作扎实推进。调解成功…)."""
    rs = rules()
    m = rs.topics_last.match(text, start, end)
    if m is None:
        return topic
    # Read forward over a short tail ending there, so words are matched as a
    # left-to-right scan matches them (诉前调解 is other work, not 调解).
    tail = max(start, m.start(m.lastgroup) - rs.longest_topic_word)
    ev = _last_topic_event(rs, text[tail:end])
    if ev is False and tail > start:  # only neutral words at the end
        ev = _last_topic_event(rs, text[start:tail])
    return topic if ev is False else ev
