"""Make N distinct synthetic reports from the sample reports, for benchmarks.

    python benchmarks/generate.py --n 3000 --out /tmp/corpus --seed 1

Each report is one sample with
- its reporting region swapped for another division of the same level (the
  names to swap come from the parser's metadata of the sample and the
  division table, never from a list written here), with its prefecture and
  province swapped along;
- every Arabic figure scaled by a random factor drawn per report, one for
  counts and one for percentages (percentages within 0-100 stay there; dates,
  enumerators and codes untouched). One factor per kind keeps the report's
  own orderings (accepted <= received, parts <= totals) that the warehouse
  tests check, which independent factors per figure would break;
- every year shifted by one offset per report (relative years kept);
- sibling paragraphs of one section ((一)…(二)…, 1.…2.…) shuffled, their
  enumerators left in place.

Report i depends only on (seed, i), so `--start 10000 --n 1` adds exactly the
file a larger run would have made. Speed: each sample is tokenised once into
a template (literal text, figure/year/name slots); a report is a walk over it.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import multiprocessing
import random
import re
import sys
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "orchestration"))  # runs without the editable install too

import opencc  # noqa: E402

from fazhi_parse.document import parse_document  # noqa: E402
from fazhi_parse.regions import division_table, short_name  # noqa: E402
from fazhi_parse.text import to_simplified  # noqa: E402
from fazhi_read import folder as reports_folder  # noqa: E402

FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")
CN_DIGITS = "〇一二三四五六七八九"
# Figures followed by one of these are dates or times, not quantities.
_DATE_AFTER = set("月日号时:")
_DATE_BEFORE = set("-/:")
# Enumerators that open a sub-paragraph; the kind keeps (一) runs apart from 1. runs.
_LABEL = re.compile(r"\s*(?:(\([一二三四五六七八九十]+\))|(\d{1,2}[.、](?!\d))|([一二三四五六七八九十]+是))")
ROLES = ("region", "prefecture", "province")


@dataclass(frozen=True)
class Line:
    label: str  # enumerator kept in place when bodies are shuffled
    fmt: str  # the body as a str.format pattern, one {} per slot
    slots: tuple  # ("num", value, decimals, pct, full) | ("year", y, full) | ("cnyear", y) | ("name", role)


@dataclass(frozen=True)
class Template:
    source: str
    traditional: bool
    year: int | None
    level: str | None
    has_prefecture: bool
    lines: tuple[Line, ...]
    runs: tuple[tuple[int, ...], ...]  # line indices whose bodies may swap


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _name_forms(names: dict[str, str]) -> dict[str, str]:
    """Text form -> slot role, e.g. 于都县 -> region, 于都 -> region_short."""
    forms: dict[str, str] = {}
    for role, name in names.items():
        forms.setdefault(name, role)
        stem = short_name(name)
        if stem != name and len(stem) >= 2:
            forms.setdefault(stem, role + "_short")
    return forms


def _slot_for_number(s: str, m: re.Match, orig: str) -> tuple | str:
    """Slot for an Arabic figure at m in simplified line s, or the literal text."""
    start, end = m.span()
    prev = s[start - 1] if start else ""
    nxt = s[end] if end < len(s) else ""
    full = not orig[0].isascii()
    if (prev.isascii() and prev.isalpha()) or (nxt.isascii() and nxt.isalpha()):
        return orig  # codes: 5G, ICP备12345号
    text = m.group()
    if len(text) == 4 and text.isdigit() and 1980 <= int(text) <= 2040 and (not _is_cjk(nxt) or nxt in "年度至"):
        return ("year", int(text), full)  # 2023年, 〔2024〕, 发布时间:2020-01-06
    if nxt in _DATE_AFTER or prev in _DATE_BEFORE:
        return orig
    decimals = len(text.partition(".")[2])
    pct = s.startswith(("%", "个百分点"), end)
    return ("num", float(text), decimals, pct, full)


@cache
def _token_re(names: tuple[str, ...]) -> re.Pattern:
    # Longest name first, so 南宁市 wins over 南宁; names never contain digits.
    alts = [f"(?P<name>{'|'.join(map(re.escape, names))})"] if names else []
    alts += [r"(?P<cny>[〇零一二三四五六七八九]{4})(?=年)", r"(?P<num>\d+(?:\.\d+)?)"]
    return re.compile("|".join(alts))


def _tokenise(orig: str, simp: str, forms: dict[str, str]) -> tuple[str, tuple]:
    """Format pattern (literals from the original) and slots (found in the simplified text) of one line."""
    pattern = _token_re(tuple(sorted(forms, key=len, reverse=True)))
    out: list = []
    pos = 0
    for m in pattern.finditer(simp):
        if m.start() > pos:
            out.append(orig[pos : m.start()])
        if m.lastgroup == "name":
            out.append(("name", forms[m.group()]))
        elif m.lastgroup == "cny":
            out.append(("cnyear", int("".join(str(CN_DIGITS.index(c.replace("零", "〇"))) for c in m.group()))))
        else:
            out.append(_slot_for_number(simp, m, orig[m.start() : m.end()]))  # may be a literal
        pos = m.end()
    if pos < len(orig):
        out.append(orig[pos:])
    fmt, slots = [], []
    for tok in out:
        if isinstance(tok, str):
            fmt.append(tok.replace("{", "{{").replace("}", "}}"))
        else:
            fmt.append("{}")
            slots.append(tok)
    return "".join(fmt), tuple(slots)


def build_template(source: str, text: str) -> Template:
    doc = parse_document("sample", text).document
    simplified, _ = to_simplified(text)
    table = division_table()
    row = None
    if doc.get("region_code"):
        hits = table.filter(table["region_code"] == doc["region_code"]).to_dicts()
        row = hits[0] if hits else None
    names = {}
    if row:
        names["region"] = row["region_name"]
        if row["prefecture"]:
            names["prefecture"] = row["prefecture"]
        if row["province"] != row["region_name"]:
            names["province"] = row["province"]
    forms = _name_forms(names)

    lines: list[Line] = []
    kinds: list[str | None] = []
    pos = 0
    for orig in text.split("\n"):
        simp = simplified[pos : pos + len(orig)]
        pos += len(orig) + 1
        m = _LABEL.match(simp)
        kind = None
        if m and "。" in simp and len(simp) >= 40:
            kind = "paren" if m.group(1) else "arabic" if m.group(2) else "shi"
        cut = m.end() if kind else 0
        lines.append(Line(orig[:cut], *_tokenise(orig[cut:], simp[cut:], forms)))
        kinds.append(kind if kind else ("blank" if not simp.strip() else None))
    return Template(
        source=source,
        traditional=doc.get("script") == "traditional",
        year=doc.get("report_year"),
        level=row["level"] if row else None,
        has_prefecture=bool(row and row["prefecture"]),
        lines=tuple(lines),
        runs=_runs(kinds),
    )


def _runs(kinds: list[str | None]) -> tuple[tuple[int, ...], ...]:
    """Maximal runs of same-kind sub-paragraphs; blank lines don't break a run."""
    runs, current, kind = [], [], None
    for i, k in enumerate([*kinds, None]):
        if k == "blank":
            continue
        if k is not None and k == kind:
            current.append(i)
            continue
        if len(current) > 1:
            runs.append(tuple(current))
        current, kind = ([i], k) if k is not None else ([], None)
    return tuple(runs)


@cache
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


@cache
def _targets() -> dict[tuple[str, bool], list[dict]]:
    """Divisions grouped by (level, has a containing prefecture)."""
    groups: dict[tuple[str, bool], list[dict]] = {}
    for r in division_table().iter_rows(named=True):
        groups.setdefault((r["level"], r["prefecture"] is not None), []).append(r)
    return groups


@cache
def _by_code() -> dict[str, dict]:
    return {r["region_code"]: r for r in division_table().iter_rows(named=True)}


@cache
def _names_of(code: str, traditional: bool) -> dict[str, str]:
    """Slot role -> text for one target division, in the sample's script."""
    r = _by_code()[code]
    out = {}
    for role in ROLES:
        name = r["region_name"] if role == "region" else r[role]
        if name:
            stem = short_name(name)
            out[role], out[role + "_short"] = name, stem if len(stem) >= 2 else name
    return {k: _s2t().convert(v) for k, v in out.items()} if traditional else out


def _replacements(t: Template, rng: random.Random) -> tuple[dict[str, str], str | None]:
    if t.level is None:
        return {}, None
    target = rng.choice(_targets()[(t.level, t.has_prefecture)])
    return _names_of(target["region_code"], t.traditional), target["region_code"]


def _cn_year(year: int) -> str:
    return "".join(CN_DIGITS[int(d)] for d in str(year))


def render(t: Template, rng: random.Random) -> tuple[str, str | None, int | None]:
    """(text, region_code, report_year) of one synthetic report."""
    names, code = _replacements(t, rng)
    year = t.year or 2022
    shift = rng.randint(2016 - year, 2025 - year)
    count_factor = rng.uniform(0.5, 2.0)
    rate_factor = rng.uniform(0.85, 1.15)

    def fill(slot: tuple) -> str:
        kind = slot[0]
        if kind == "num":
            _, value, decimals, pct, full = slot
            if not value:
                return slot_text(0, decimals, full)
            new = value * (rate_factor if pct else count_factor)
            if pct and value <= 100 and new > 100:
                new = 100.0
            return slot_text(new, decimals, full)
        if kind == "year":
            y = str(slot[1] + shift)
            return y.translate(FULLWIDTH) if slot[2] else y
        if kind == "cnyear":
            return _cn_year(slot[1] + shift)
        return names[slot[1]]

    order = list(range(len(t.lines)))
    for run in t.runs:
        bodies = list(run)
        rng.shuffle(bodies)
        for at, body in zip(run, bodies, strict=False):
            order[at] = body
    out = []
    for line, src in zip(t.lines, order, strict=False):
        body = t.lines[src]
        out.append(line.label + (body.fmt.format(*map(fill, body.slots)) if body.slots else body.fmt))
    return "\n".join(out), code, (t.year + shift if t.year else None)


def slot_text(value: float, decimals: int, full: bool) -> str:
    text = f"{value:.{decimals}f}" if decimals else str(max(1, round(value)) if value else 0)
    return text.translate(FULLWIDTH) if full else text


def load_templates(samples: Path) -> list[Template]:
    frame = reports_folder.scan(samples)
    rows = frame.filter(frame["status"] == "accepted").sort("source_file").iter_rows(named=True)
    templates = [build_template(r["source_file"], r["text"]) for r in rows]
    if not templates:
        raise SystemExit(f"no accepted sample reports in {samples}")
    return templates


def _write(templates: list[Template], out: Path, seed: int, i: int, attempt: int) -> tuple[bytes, dict]:
    rng = random.Random(f"{seed}:{i}:{attempt}")
    t = templates[rng.randrange(len(templates))]
    text, code, year = render(t, rng)
    data = text.encode("utf-8")
    name = f"report_{i:06d}.txt"
    (out / name).write_bytes(data)
    row = {"source_file": name, "sample": t.source, "region_code": code, "report_year": year}
    return hashlib.blake2b(data, digest_size=16).digest(), row


# Set in the parent before forking, so workers inherit the templates instead of unpickling them.
_JOB: tuple | None = None


def _write_range(bounds: tuple[int, int]) -> list[tuple[bytes, dict]]:
    templates, out, seed = _JOB
    return [_write(templates, out, seed, i, 0) for i in range(*bounds)]


def generate(
    templates: list[Template], n: int, out: Path, seed: int, start: int = 0, workers: int = 1
) -> list[dict]:
    """Write reports start..start+n-1 into `out`; returns one manifest row per file.

    Report i is the first attempt (0, 1, ...) whose bytes differ from every
    report before it, whatever the number of workers.
    """
    global _JOB
    out.mkdir(parents=True, exist_ok=True)
    if workers > 1 and n >= 1000:
        _JOB = (templates, out, seed)
        step = -(-n // (workers * 4))
        chunks = [(lo, min(lo + step, start + n)) for lo in range(start, start + n, step)]
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(workers) as pool:
            first = [r for part in pool.map(_write_range, chunks) for r in part]
        _JOB = None
    else:
        first = [_write(templates, out, seed, i, 0) for i in range(start, start + n)]
    seen: set[bytes] = set()
    manifest = []
    for i, (digest, row) in zip(range(start, start + n), first, strict=False):
        attempt = 0
        while digest in seen:  # practically never: re-roll until distinct
            attempt += 1
            if attempt > 100:
                raise RuntimeError(f"could not make report {i} distinct")
            digest, row = _write(templates, out, seed, i, attempt)
        seen.add(digest)
        manifest.append(row)
    return manifest


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, required=True, help="how many reports to write")
    p.add_argument("--out", type=Path, required=True, help="folder to write them into")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--start", type=int, default=0, help="index of the first report (to extend a corpus)")
    p.add_argument("--samples", type=Path, default=REPO / "seeds", help="folder of sample reports")
    p.add_argument("--manifest", type=Path, help="CSV of source_file, sample, region_code, report_year")
    p.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    templates = load_templates(args.samples)
    t1 = time.perf_counter()
    manifest = generate(templates, args.n, args.out, args.seed, args.start, args.workers)
    t2 = time.perf_counter()
    if args.manifest:
        with args.manifest.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(manifest[0]) if manifest else ["source_file"])
            w.writeheader()
            w.writerows(manifest)
    print(
        f"wrote {args.n} reports to {args.out} in {t2 - t1:.2f}s "
        f"({len(templates)} samples prepared in {t1 - t0:.2f}s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
