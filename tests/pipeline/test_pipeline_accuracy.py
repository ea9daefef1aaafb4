"""Extraction accuracy on real texts: the dev corpus and the samples, built
through the whole pipeline and scored by the shared scorer against their
hand-checked gold (`../shared/gold`). The floors are the levels reached; raise
them as they rise, never lower them to let a change through."""
from __future__ import annotations

import importlib.util
import shutil

import pytest

from conftest import REPO, SEEDS, run_on_folder

SHARED = REPO.parent / "shared"
SCORER = SHARED / "tools" / "score.py"
DEV_CORPUS = SHARED / "corpus" / "dev"

# (gold set, reports folder) -> floors for facts precision, recall and F1
FLOORS = {
    "dev": (DEV_CORPUS, {"precision": 0.99, "recall": 0.99, "f1": 0.99}),
    "seeds": (SEEDS, {"precision": 1.0, "recall": 1.0, "f1": 1.0}),
}
# gold set -> floors for the share of documents whose metadata field is right
METADATA_FLOORS = {
    "dev": {"region_code": 0.96, "level": 0.96, "province": 0.92, "report_year": 0.97},
    "seeds": {"region_code": 1.0, "level": 1.0, "province": 1.0, "report_year": 1.0},
}

pytestmark = pytest.mark.skipif(not SCORER.exists() or not DEV_CORPUS.exists(), reason="../shared not available")


def _scorer():
    spec = importlib.util.spec_from_file_location("fazhi_shared_score", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module", params=sorted(FLOORS))
def scored(request, tmp_path_factory):
    gold_set = request.param
    corpus, floors = FLOORS[gold_set]
    root = tmp_path_factory.mktemp(f"accuracy_{gold_set}")
    reports = root / "reports"
    shutil.copytree(corpus, reports)
    p = run_on_folder(reports, root)
    score = _scorer()
    docs, facts = score.load_predictions(p.warehouse)
    catalog = {r["metric_code"] for r in score.read_csv(SHARED / "spec" / "metric_catalog.csv")}
    return gold_set, floors, score.score(SHARED / "gold" / gold_set, docs, facts, catalog)


def test_facts_stay_above_their_floors(scored):
    gold_set, floors, result = scored
    got = result["facts"]
    low = {k: (got[k], floor) for k, floor in floors.items() if got[k] < floor}
    assert not low, f"{gold_set}: below the floor: {low}; extras {result['extras']}; misses {result['misses']}"


def test_metadata_stays_above_its_floors(scored):
    gold_set, _, result = scored
    shares = {k: v["correct"] / v["total"] for k, v in result["metadata"].items() if v["total"]}
    low = {k: (round(shares[k], 3), floor) for k, floor in METADATA_FLOORS[gold_set].items() if shares[k] < floor}
    assert not low, f"{gold_set}: below the floor: {low}; misses {result['metadata_misses']}"


def test_every_gold_document_is_in_the_warehouse(scored):
    _, _, result = scored
    assert result["documents_missing"] == []
