"""Metadata accuracy on the dev corpus of real texts (../shared/corpus/dev),
against its gold (../shared/gold/dev/docs.csv): a regression floor at the
level reached, and no wrong region where the gold has one or has none.

Runs the parser's own reading and metadata steps (no warehouse): ~1 s.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from fazhi_parse.metadata import extract_metadata
from fazhi_parse.text import to_simplified
from fazhi_read.folder import read_report

SHARED = Path(__file__).resolve().parents[3] / "shared"
CORPUS = SHARED / "corpus" / "dev"
GOLD = SHARED / "gold" / "dev" / "docs.csv"

pytestmark = pytest.mark.skipif(not (CORPUS.is_dir() and GOLD.exists()), reason="dev corpus not available")

# Correct / total documents that have the field in the gold (update as it rises).
FLOOR = {"region_code": 48, "level": 48, "province": 48, "report_year": 46}


@pytest.fixture(scope="module")
def results() -> list[tuple[dict, dict]]:
    with open(GOLD, encoding="utf-8", newline="") as fh:
        gold = list(csv.DictReader(fh))
    out = []
    for g in gold:
        row = read_report(CORPUS / g["file"], CORPUS)
        text = row["text"]
        out.append((g, extract_metadata(text, to_simplified(text)[0])))
    return out


def _have(m: dict, field: str) -> str:
    value = {"region_code": m["region_code"], "level": m["region_level"], "province": m["province"],
             "report_year": m["report_year"]}[field]
    return "" if value is None else str(value)


@pytest.mark.parametrize("field", list(FLOOR))
def test_metadata_floor(results, field):
    scored = [(g, m) for g, m in results if g[field]]
    right = sum(_have(m, field) == g[field] for g, m in scored)
    assert right >= FLOOR[field], f"{field}: {right}/{len(scored)}"


def test_no_wrong_region(results):
    # A wrong region is worse than none: where the gold names one, we name it or none;
    # where the gold has none (below county level, ambiguous, never named), we name none.
    wrong = [(g["file"], g["region_code"], m["region_code"]) for g, m in results
             if m["region_code"] is not None and m["region_code"] != g["region_code"]]
    assert wrong == []


def test_court_documents_are_the_courts_texts(results):
    # Gold kind `other` holds the court-issued texts (and other non-reports); a report
    # or a data release is never a court document.
    flagged = {g["file"]: g["kind"] for g, m in results if m["kind"] == "court_document"}
    assert set(flagged.values()) <= {"other"}
    assert len(flagged) >= 4


def test_no_wrong_year_where_one_is_stated(results):
    wrong = [(g["file"], g["report_year"], m["report_year"]) for g, m in results
             if g["report_year"] and m["report_year"] is not None and str(m["report_year"]) != g["report_year"]]
    assert wrong == []
