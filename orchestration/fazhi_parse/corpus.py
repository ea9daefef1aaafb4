"""Parse many reports into polars frames, on several cores when it pays."""
from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor

import polars as pl

from fazhi_parse import schema
from fazhi_parse.document import parse_document

FRAMES = {
    "documents": schema.DOCUMENTS,
    "sentences": schema.SENTENCES,
    "mentions": schema.MENTIONS,
    "facts": schema.FACTS,
}
# Below this many reports, starting worker processes costs more than it saves.
_MIN_PER_WORKER = 64


def _parse_batch(items: list[tuple[str, str]]) -> dict[str, list]:
    rows: dict[str, list] = {k: [] for k in FRAMES}
    for report_id, text in items:
        doc = parse_document(report_id, text)
        rows["documents"].append(doc.document)
        rows["sentences"].extend(doc.sentences)
        rows["mentions"].extend(doc.mentions)
        rows["facts"].extend(doc.facts)
    return rows


def _frames(rows: dict[str, list]) -> dict[str, pl.DataFrame]:
    # from_dicts with a schema keeps exactly the schema's columns (metadata rows carry extras).
    return {
        name: pl.from_dicts(rows[name], schema=sch) if rows[name] else schema.empty(sch)
        for name, sch in FRAMES.items()
    }


def parse_reports(items: Iterable[tuple[str, str]], workers: int | None = 1) -> dict[str, pl.DataFrame]:
    """Frames `documents`, `sentences`, `mentions`, `facts` for (report_id, text) pairs."""
    items = list(items)
    workers = workers or os.cpu_count() or 1
    workers = max(1, min(workers, len(items) // _MIN_PER_WORKER))
    if workers == 1:
        return _frames(_parse_batch(items))
    # Interleaved batches balance long and short reports across workers.
    n_batches = workers * 4
    batches = [items[i::n_batches] for i in range(n_batches)]
    merged: dict[str, list] = {k: [] for k in FRAMES}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for rows in pool.map(_parse_batch, batches):
            for k in FRAMES:
                merged[k].extend(rows[k])
    frames = _frames(merged)
    return {
        "documents": frames["documents"].sort("report_id"),
        "sentences": frames["sentences"].sort("report_id", "sentence_no"),
        "mentions": frames["mentions"].sort("report_id", "mention_no"),
        "facts": frames["facts"].sort("report_id", "mention_no"),
    }
