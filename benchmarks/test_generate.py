"""Properties of the benchmark corpus generator.

Part of the suite (pyproject's testpaths: tests and benchmarks); alone: pytest benchmarks/test_generate.py
Nothing here names a sample, a region or a figure: expectations are derived
from the samples' own parsed metadata and text.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate as g
from fazhi_parse.regions import division_table
from fazhi_parse.text import to_simplified

YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?=年)")
PERCENT = re.compile(r"(\d+(?:\.\d+)?)%")


@pytest.fixture(scope="module")
def templates():
    return g.load_templates(g.REPO / "seeds")


@pytest.fixture(scope="module")
def corpus(templates, tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    manifest = g.generate(templates, 200, out, seed=7)
    return out, manifest


def _sample_text(source: str) -> str:
    return (g.REPO / "seeds" / source).read_text(encoding="utf-8")


def test_reports_are_distinct_and_named_in_order(corpus):
    out, manifest = corpus
    files = sorted(out.iterdir())
    assert [p.name for p in files] == [row["source_file"] for row in manifest]
    assert len({p.read_bytes() for p in files}) == len(files)


def test_same_seed_same_bytes_and_start_extends(templates, corpus, tmp_path):
    out, _ = corpus
    g.generate(templates, 3, tmp_path / "again", seed=7, start=150)
    for p in sorted((tmp_path / "again").iterdir()):
        assert p.read_bytes() == (out / p.name).read_bytes()
    g.generate(templates, 3, tmp_path / "other", seed=8, start=150)
    assert any(
        p.read_bytes() != (out / p.name).read_bytes() for p in (tmp_path / "other").iterdir()
    )


def test_workers_do_not_change_output(templates, tmp_path):
    a = g.generate(templates, 1000, tmp_path / "one", seed=3, workers=1)
    b = g.generate(templates, 1000, tmp_path / "two", seed=3, workers=2)
    assert a == b
    for name in ("report_000000.txt", "report_000517.txt", "report_000999.txt"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_region_swapped_to_same_level(templates, corpus):
    out, manifest = corpus
    table = {r["region_code"]: r for r in division_table().iter_rows(named=True)}
    by_source = {t.source: t for t in templates}
    checked = 0
    for row in manifest:
        t = by_source[row["sample"]]
        if t.level is None:
            continue
        target = table[row["region_code"]]
        assert target["level"] == t.level
        # In the sample's script: s2t then t2s does not always round-trip (浚 -> 濬 -> 濬).
        written = g._names_of(target["region_code"], t.traditional)["region"]
        assert written in (out / row["source_file"]).read_text(encoding="utf-8")
        checked += 1
    assert checked > 0


def test_sample_region_name_gone_unless_drawn_again(templates, corpus):
    out, manifest = corpus
    table = {r["region_code"]: r for r in division_table().iter_rows(named=True)}
    from fazhi_parse.document import parse_document

    own = {}
    for t in templates:
        code = parse_document("s", _sample_text(t.source)).document["region_code"]
        if code:
            own[t.source] = table[code]
    for row in manifest:
        sample = own.get(row["sample"])
        if not sample or row["region_code"] == sample["region_code"]:
            continue
        target = table[row["region_code"]]
        if sample["region_name"] in target["region_name"] or sample["region_name"] in (target["prefecture"] or ""):
            continue
        simplified, _ = to_simplified((out / row["source_file"]).read_text(encoding="utf-8"))
        assert sample["region_name"] not in simplified, row


def test_years_shift_together(corpus):
    out, manifest = corpus
    for row in manifest[:50]:
        before = [int(y) for y in YEAR.findall(to_simplified(_sample_text(row["sample"]))[0])]
        after = [int(y) for y in YEAR.findall(to_simplified((out / row["source_file"]).read_text("utf-8"))[0])]
        shifts = {b - a for a, b in zip(sorted(before), sorted(after), strict=False)}
        assert len(after) == len(before) and len(shifts) == 1, row


def test_rates_stay_within_0_100(corpus):
    out, manifest = corpus
    samples = {row["sample"] for row in manifest}
    sample_max = max(
        (float(v) for s in samples for v in PERCENT.findall(to_simplified(_sample_text(s))[0])), default=0.0
    )
    if sample_max > 100:
        pytest.skip("a sample states a percentage above 100")
    for p in out.iterdir():
        for v in PERCENT.findall(to_simplified(p.read_text("utf-8"))[0]):
            assert 0 <= float(v) <= 100, (p.name, v)


def test_counts_share_one_factor(corpus):
    """Counts are scaled by one factor per report (so orderings like accepted <= received hold)."""
    out, manifest = corpus
    count = re.compile(r"(?<![\d.])(\d+)(?=件|人|个(?!百分点)|次|家|场)")  # 个百分点 is a rate
    for row in manifest[:50]:
        before = sorted(int(x) for x in count.findall(to_simplified(_sample_text(row["sample"]))[0]))
        after = sorted(int(x) for x in count.findall(to_simplified((out / row["source_file"]).read_text("utf-8"))[0]))
        assert len(before) == len(after) and before, row
        factor = after[-1] / before[-1]
        assert factor * (1 + 0.5 / before[-1]) >= 0.5 - 1e-9 and factor <= 2.0 * (1 + 0.5 / before[-1]), row
        for b, a in zip(before, after, strict=False):
            assert abs(a - b * factor) <= 1.01 or (b == 0 and a == 0), (row, b, a, factor)
