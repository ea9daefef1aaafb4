"""Article text from a saved government web page.

The goal is text that reads like the same report saved as .txt: one line per
paragraph or heading, and none of the site furniture (menus, breadcrumbs,
share bars, footers, print/close buttons). Chrome is removed in two layers:
elements (by tag, class/id tokens, hidden style, link density), then whole
lines that consist only of well-known chrome phrases. No element holding most
of the page's unlinked text is removed, so a site that wraps everything in a
<form> or a div with an unlucky class name keeps its article (link text does
not count: a mega-menu must not shield itself by being big).
"""
from __future__ import annotations

import codecs
import re
import time
from functools import cache

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .chrome import chrome_alternation

# Never rendered: always dropped, whatever their size.
_INVISIBLE = {
    "head", "title", "meta", "link", "script", "style", "noscript", "template",
    "svg", "canvas", "object", "embed", "iframe", "video", "audio", "map",
    "select", "option", "textarea", "input", "button",
}  # fmt: skip
# Page furniture by HTML5 semantics (dropped unless they hold most of the text).
_FURNITURE = {"nav", "aside", "footer", "form", "menu", "dialog"}
_BLOCK = {
    "address", "article", "blockquote", "body", "caption", "center", "dd", "details",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hr", "legend", "li", "main", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul", "html",
}  # fmt: skip
_CELL = {"td", "th"}
# Blocks judged by link density (never inline elements: a linked law title
# inside a sentence is part of the sentence).
_CONTAINERS = {"div", "ul", "ol", "dl", "table", "tbody", "tr", "td", "section", "center"}

# class/id tokens that mark navigation and site furniture. Substrings catch
# compounds (topnav, breadcrumbs, bdsharebuttonbox); exact tokens are words
# too short or too common to match inside other words.
_CHROME_SUBSTRINGS = (
    "nav", "menu", "crumb", "share", "footer", "copyright", "sidebar", "toolbar",
    "pagination", "pager", "fenxiang", "jiathis", "social", "skip", "gotop", "backtop",
    "qrcode", "friendlink", "banner", "prev", "next",
)  # fmt: skip
_CHROME_TOKENS = {
    "foot", "ft", "header", "head", "hd", "top", "topbar", "logo", "search", "login",
    "links", "link", "yqlj", "related", "relate", "xgxx", "xglj", "location", "position",
    "weizhi", "dqwz", "print", "dayin", "close", "guanbi", "tool", "tools", "ad", "ads",
    "advert", "side", "aside", "bottom", "ewm", "wza", "fontsize", "zihao",
}  # fmt: skip
# Tokens that mark the article itself; they veto a chrome token on the same element.
_CONTENT_TOKENS = {
    "article", "content", "detail", "details", "title", "main", "text", "zoom",
    "editor", "zw", "zhengwen", "nr", "neirong", "bt", "biaoti", "body", "wenzhang",
}  # fmt: skip

_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)

# A run of whitespace containing a line break between two East Asian wide
# characters is no space at all when rendered (CSS Text segment-break rules),
# and a report saved as .txt has none there.
_WIDE = "\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_CJK_BREAK = re.compile(rf"(?<=[{_WIDE}])[ \t\r\f]*\n[ \t\r\n\f]*(?=[{_WIDE}])")
_SPACES = re.compile(r"[ \t\r\n\f]+")

# Lines made only of these phrases (rules/chrome.csv) are buttons and widgets.
_WIDGET = chrome_alternation("html", "button", "font", "column", "share")
_WIDGET_LINE = re.compile(rf"^(?:[\s\[\]【】()()|/·:;,,:>»<«\-]*(?:{_WIDGET}))+[\s\[\]【】()()|/·:;,,:>»<«\-]*$")
# Footer and breadcrumb markers (rules/chrome.csv), only trusted on short lines.
_FOOTER_LINE = re.compile(
    chrome_alternation("html", "site_mark", "copyright", "footer_link")
    + "|(?:" + chrome_alternation("html", "footer_field") + r")[:：]"
)
_CRUMB_LINE = re.compile(
    "^(?:" + chrome_alternation("html", "crumb") + r")|首页\s*[>>»/→]"
    + "|^(?:" + chrome_alternation("html", "pager") + r")[:：]"
)
_SHORT_LINE = 150

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_\-.:]+)""", re.I)
_HTML_START = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta)\b", re.I | re.S
)
_ANY_TAG = re.compile(r"<(?:p|div|br|html|body|span|table|h[1-6])\b", re.I)
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
_CHARSET_ALIASES = {
    # WHATWG maps these labels to GBK; GB18030 is its superset.
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
    "cp936": "gb18030", "gb18030": "gb18030", "csgb2312": "gb18030",
    "big5": "big5", "x-x-big5": "big5", "big5-hkscs": "big5hkscs", "cn-big5": "big5",
    "utf8": "utf-8", "utf-8": "utf-8", "unicode": "utf-8",
}  # fmt: skip


class TooComplex(Exception):
    """The page cannot be turned into text within bounds; the message is a reason sentence."""


# The HTML parser (lexbor, like every HTML5 tree builder) looks down the stack
# of open elements each time a block element such as <div> opens ("is a <p>
# in button scope?"), as far as the nearest table cell or similar boundary.
# On 100,000 nested <div>s that is quadratic: 31 s, and 400,000 never ended.
# `markup_work` estimates those steps in one linear pass over the tags, and a
# page whose estimate is over MAX_MARKUP_WORK (~0.3 s of parsing; real pages
# need well under 1% of it) is rejected before it is parsed.
MAX_MARKUP_WORK = 100_000_000
# Past this many seconds in the extraction the page is rejected (checked between steps).
TIME_BUDGET_SECONDS = 30.0

_SCOPE_OPENERS = {
    "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div", "dl",
    "fieldset", "figcaption", "figure", "footer", "header", "hgroup", "main", "menu", "nav", "ol",
    "section", "summary", "ul", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "listing", "form", "p",
    "li", "dd", "dt", "table", "hr", "plaintext", "xmp",
}  # fmt: skip
_SCOPE_BOUNDARIES = {"applet", "caption", "html", "table", "td", "th", "marquee", "object", "template", "button"}
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "frame", "basefont", "bgsound", "image",
}  # fmt: skip
# Closed implicitly by their next sibling: never deep in practice, not stacked.
_SELF_ENDING = {
    "p", "li", "dd", "dt", "option", "optgroup", "rb", "rt", "rp", "tr", "td", "th", "tbody", "thead", "tfoot",
}
_RAW_TEXT = {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"}
_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]{0,40})[^>]{0,2000}?(/?)>")


def markup_work(html: str, deadline: float | None = None) -> int:
    """Estimated stack steps the HTML parser takes for this page, in one linear pass."""
    stack: list[str] = []
    boundary: list[int] = []  # per stack entry: index of the nearest boundary at or below it
    open_count: dict[str, int] = {}
    work = 0
    pos = 0
    n = len(html)
    steps = 0
    while pos < n:
        lt = html.find("<", pos)
        if lt < 0:
            break
        if html.startswith("<!--", lt):
            end = html.find("-->", lt + 4)
            pos = n if end < 0 else end + 3
            continue
        m = _TAG.match(html, lt)
        if m is None:
            pos = lt + 1
            continue
        pos = m.end()
        steps += 1
        if deadline is not None and steps % 4096 == 0 and time.monotonic() > deadline:
            raise TooComplex("measuring the page's markup took longer than the time budget")
        closing, name, self_closing = m.group(1), m.group(2).lower(), m.group(3)
        if closing:
            if open_count.get(name):
                while stack:
                    top = stack.pop()
                    boundary.pop()
                    open_count[top] -= 1
                    if top == name:
                        break
            continue
        if name in _SCOPE_OPENERS:
            work += len(stack) - (boundary[-1] if boundary else 0)
        if name in _RAW_TEXT:
            end = _end_tag(name).search(html, pos)
            pos = n if end is None else end.start()
            continue
        if self_closing or name in _VOID or name in _SELF_ENDING:
            continue
        stack.append(name)
        boundary.append(len(stack) if name in _SCOPE_BOUNDARIES else (boundary[-1] if boundary else 0))
        open_count[name] = open_count.get(name, 0) + 1
    return work


@cache
def _end_tag(name: str) -> re.Pattern:
    return re.compile(rf"</{re.escape(name)}", re.I)


def looks_like_html(content: bytes | str, suffix: str) -> bool:
    """An .html/.htm file with markup in it, or any file that starts like an HTML document.

    Takes raw bytes (ASCII-compatible encodings) or decoded text (needed for UTF-16).
    """
    if isinstance(content, bytes):
        content = content[:65536].decode("latin-1")
    head = content[:65536].lstrip("\ufeff")
    if _HTML_START.match(head):
        return True
    return suffix.lower() in HTML_SUFFIXES and bool(_ANY_TAG.search(head))


def declared_charset(data: bytes) -> str | None:
    """Python codec named by the page's <meta charset> (or http-equiv), if known."""
    match = _META_CHARSET.search(data[:8192])
    if not match:
        return None
    label = match.group(1).decode("ascii", "ignore").strip().lower()
    codec = _CHARSET_ALIASES.get(label, label)
    try:
        name = codecs.lookup(codec).name
    except LookupError:
        return None
    # A page read by byte-oriented sniffing cannot be UTF-16/32 (those come
    # with a BOM or NULs); browsers treat such a label as UTF-8 too.
    return "utf-8" if name.startswith(("utf-16", "utf-32")) else name


def _tokens(node: LexborNode) -> set[str]:
    attrs = node.attributes
    raw = " ".join(v for k in ("class", "id") if (v := attrs.get(k)))
    return {t for t in _TOKEN_SPLIT.split(_CAMEL.sub(" ", raw).lower()) if t}


def _is_chrome_by_name(tokens: set[str]) -> bool:
    if not tokens or tokens & _CONTENT_TOKENS:
        return False
    return bool(tokens & _CHROME_TOKENS) or any(s in t for t in tokens for s in _CHROME_SUBSTRINGS)


def _measure(root: LexborNode, deadline: float | None = None) -> dict[int, tuple[int, int]]:
    """mem_id -> (visible text length, of which inside links), one bottom-up pass.

    Whitespace is not counted, nor text of never-rendered elements, so a big
    inline script cannot make a menu look like the bulk of the page.
    """
    sizes: dict[int, tuple[int, int]] = {}
    stack: list[tuple[LexborNode, bool]] = [(root, False)]
    steps = 0
    while stack:
        node, done = stack.pop()
        steps += 1
        if deadline is not None and steps % 4096 == 0 and time.monotonic() > deadline:
            raise TooComplex("measuring the page's elements took longer than the time budget")
        if node.is_text_node:
            sizes[node.mem_id] = (len(_SPACES.sub("", node.text_content or "")), 0)
            continue
        children = list(node.iter(include_text=True)) if node.tag not in _INVISIBLE else []
        if not done:
            stack.append((node, True))
            stack.extend((child, False) for child in children)
            continue
        text = sum(sizes.get(c.mem_id, (0, 0))[0] for c in children)
        linked = text if node.tag == "a" else sum(sizes.get(c.mem_id, (0, 0))[1] for c in children)
        sizes[node.mem_id] = (text, linked)
    return sizes


def _inside(node: LexborNode, tags: set[str]) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.parent
    return False


class _Walker:
    """Depth-first walk that emits lines, skipping furniture subtrees."""

    def __init__(self, sizes: dict[int, tuple[int, int]], page_prose: int, deadline: float | None = None):
        self.deadline = deadline
        self.sizes = sizes
        self.page = max(page_prose, 1)
        self.lines: list[str] = []
        self.buffer: list[str] = []
        self.pre = 0

    def _holds_most_prose(self, length: int, linked: int) -> bool:
        return length - linked >= 0.5 * self.page

    def skip(self, node: LexborNode) -> bool:
        tag = node.tag
        if tag in _INVISIBLE or tag == "-comment":
            return True
        attrs = node.attributes
        if "hidden" in attrs or _HIDDEN_STYLE.search(attrs.get("style") or ""):
            return True
        if tag == "a" and (attrs.get("href") or "").lower().lstrip().startswith("javascript:"):
            return True  # print / close / font-size buttons
        by_name = _is_chrome_by_name(_tokens(node))
        furniture = tag in _FURNITURE or (tag == "header" and not _inside(node, {"article", "main"}))
        if not (by_name or furniture or tag in _CONTAINERS):
            return False
        length, linked = self.sizes.get(node.mem_id, (0, 0))
        if length == 0 or self._holds_most_prose(length, linked):
            return False
        if by_name or furniture:
            return True
        # Menus and link lists: mostly link text.
        return linked > 0.6 * length

    def flush(self) -> None:
        if self.buffer:
            raw = "".join(self.buffer)
            self.buffer = []
            if self.pre:
                self.lines.extend(raw.split("\n"))
            else:
                self.lines.append(_SPACES.sub(" ", _CJK_BREAK.sub("", raw)))

    def walk(self, root: LexborNode) -> list[str]:
        # Explicit stack: government pages nest deeply, recursion would be fragile.
        stack: list[tuple[LexborNode, bool]] = [(root, False)]
        steps = 0
        while stack:
            node, leaving = stack.pop()
            steps += 1
            if self.deadline is not None and steps % 4096 == 0 and time.monotonic() > self.deadline:
                raise TooComplex("walking the page's elements took longer than the time budget")
            tag = node.tag
            if leaving:
                if tag in _BLOCK:
                    self.flush()
                    if tag == "pre":
                        self.pre -= 1
                elif tag in _CELL:
                    self.buffer.append(" ")
                continue
            if node.is_text_node:
                self.buffer.append(node.text_content or "")
                continue
            if tag == "br":
                if self.pre:
                    self.buffer.append("\n")
                else:
                    self.flush()
                continue
            if self.skip(node):
                continue
            if tag in _BLOCK:
                self.flush()
                if tag == "pre":
                    self.pre += 1
            stack.append((node, True))
            children = list(node.iter(include_text=True))
            stack.extend((child, False) for child in reversed(children))
        self.flush()
        return self.lines


def _is_chrome_line(line: str) -> bool:
    if _WIDGET_LINE.match(line):
        return True
    return bool(len(line) <= _SHORT_LINE and (_FOOTER_LINE.search(line) or _CRUMB_LINE.search(line)))


def article_text(html: str, budget_seconds: float | None = None) -> str:
    """The article of a page as text: one line per paragraph/heading, chrome removed.

    Raises TooComplex when the markup would make the HTML parser quadratic
    (MAX_MARKUP_WORK) or the extraction runs past `budget_seconds` (default
    TIME_BUDGET_SECONDS).
    """
    deadline = time.monotonic() + (TIME_BUDGET_SECONDS if budget_seconds is None else budget_seconds)
    work = markup_work(html, deadline)
    if work > MAX_MARKUP_WORK:
        raise TooComplex(
            f"the page nests its block elements so deeply that parsing it would take ~{work:,} steps "
            f"(limit {MAX_MARKUP_WORK:,})"
        )
    tree = LexborHTMLParser(html)
    body = tree.body or tree.root
    if body is None:
        return ""
    sizes = _measure(body, deadline)
    text, linked = sizes[body.mem_id]
    lines = _Walker(sizes, text - linked, deadline).walk(body)
    kept = [line.strip() for line in lines]
    return "\n".join(line for line in kept if line and not _is_chrome_line(line))
