"""Parse many reports into polars frames, on several cores when it pays."""
from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import Executor, ProcessPoolExecutor

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


def _parse_batch(items: list[tuple[str, str]]) -> dict[str, pl.DataFrame]:
    # Frames are built in the worker: Arrow buffers cross the process boundary
    # far cheaper than pickled row dicts would.
    rows: dict[str, list] = {k: [] for k in FRAMES}
    for report_id, text in items:
        doc = parse_document(report_id, text)
        rows["documents"].append(doc.document)
        rows["sentences"].extend(doc.sentences)
        rows["mentions"].extend(doc.mentions)
        rows["facts"].extend(doc.facts)
    # from_dicts with a schema keeps exactly the schema's columns (metadata rows carry extras).
    return {
        name: pl.from_dicts(rows[name], schema=sch) if rows[name] else schema.empty(sch)
        for name, sch in FRAMES.items()
    }


_ORDER = {
    "documents": ("report_id",),
    "sentences": ("report_id", "sentence_no"),
    "mentions": ("report_id", "mention_no"),
    "facts": ("report_id", "mention_no"),
}


def parse_reports(
    items: Iterable[tuple[str, str]], workers: int | None = 1, executor: Executor | None = None
) -> dict[str, pl.DataFrame]:
    """Frames `documents`, `sentences`, `mentions`, `facts` for (report_id, text) pairs.

    `executor` lets a caller keep one warm process pool across many calls.
    """
    items = list(items)
    workers = workers or os.cpu_count() or 1
    workers = max(1, min(workers, len(items) // _MIN_PER_WORKER))
    if workers == 1 and executor is None:
        return _parse_batch(items)
    # Interleaved batches balance long and short reports across workers.
    n_batches = max(workers, 2) * 4
    batches = [b for b in (items[i::n_batches] for i in range(n_batches)) if b]
    if executor is None:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            parts = list(pool.map(_parse_batch, batches))
    else:
        parts = list(executor.map(_parse_batch, batches))
    return {name: pl.concat([p[name] for p in parts]).sort(*_ORDER[name]) for name in FRAMES}
