"""Parse many reports into polars frames, on several cores when it pays."""
from __future__ import annotations

import gc
import os
from collections.abc import Iterable
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager

import polars as pl

from fazhi_parse import schema
from fazhi_parse.document import parse_rows
from fazhi_parse.rows import FACT_ROWS, MENTION_ROWS

FRAMES = {
    "documents": schema.DOCUMENTS,
    "sentences": schema.SENTENCES,
    "mentions": schema.MENTIONS,
    "facts": schema.FACTS,
}
# Below this many reports, starting worker processes costs more than it saves.
_MIN_PER_WORKER = 64


def _frame(columns: dict[str, list], sch: dict) -> pl.DataFrame:
    """A frame of `sch` from its columns by name (none at all when there are no rows)."""
    if columns.keys() != sch.keys():
        raise ValueError(f"columns {list(columns)} are not the schema's {list(sch)}")
    n_rows = len(next(iter(columns.values()), []))
    return pl.DataFrame(columns, schema=sch) if n_rows else schema.empty(sch)


@contextmanager
def _no_gc():
    """The cyclic collector paused: parsing makes no reference cycles, but its
    rows pile up by the hundred thousand, and every collection of the oldest
    generation walks them all (5-10% of a batch's time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _parse_batch(items: list[tuple[str, str]]) -> dict[str, pl.DataFrame]:
    with _no_gc():
        return _build_batch(items)


def _build_batch(items: list[tuple[str, str]]) -> dict[str, pl.DataFrame]:
    # Frames are built in the worker: Arrow buffers cross the process boundary
    # far cheaper than pickled rows would. Rows are gathered as columns and
    # tuples (built by column name, see rows.py), not a dict per row: that is
    # most of the cost at 80 sentences a report.
    documents: list[dict] = []
    sentences: dict[str, list] = {name: [] for name in schema.SENTENCES}
    mentions: list[tuple] = []
    facts: list[tuple] = []
    for report_id, text in items:
        document, rows = parse_rows(report_id, text)
        documents.append(document)
        for name, column in rows.sentences.items():
            sentences[name].extend(column)
        mentions.extend(rows.mentions)
        facts.extend(rows.facts)

    return {
        # from_dicts with a schema keeps exactly the schema's columns (metadata rows carry extras).
        "documents": pl.from_dicts(documents, schema=schema.DOCUMENTS) if documents else schema.empty(schema.DOCUMENTS),
        "sentences": _frame(sentences, schema.SENTENCES),
        "mentions": _frame(MENTION_ROWS.columns(mentions), schema.MENTIONS),
        "facts": _frame(FACT_ROWS.columns(facts), schema.FACTS),
    }


_ORDER = {
    "documents": ("report_id",),
    "sentences": ("report_id", "sentence_no"),
    "mentions": ("report_id", "mention_no"),
    "facts": ("report_id", "mention_no"),
}


def parse_texts(
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
    n_batches = max(workers, 2) * 4
    ids = [report_id for report_id, _ in items]
    if len(set(ids)) == len(ids):
        # Unique ids: batches of consecutive ids in sorted order come back in
        # frame order, so the parent only concatenates; sorting the gathered
        # frames cost it ~0.2 s per 3,000 reports while the workers sat idle.
        # Ids are content hashes, so consecutive ids are a random mix of long
        # and short reports and batches of equal count balance the workers.
        items = sorted(items, key=lambda item: item[0])
        size = -(-len(items) // n_batches)
        batches = [items[i : i + size] for i in range(0, len(items), size)]
        parts = _map(batches, workers, executor)
        return {name: pl.concat([p[name] for p in parts]).rechunk() for name in FRAMES}
    # Duplicate ids: interleaved batches, then a sort that places the rows of
    # equal ids as it always has.
    batches = [b for b in (items[i::n_batches] for i in range(n_batches)) if b]
    parts = _map(batches, workers, executor)
    return {name: pl.concat([p[name] for p in parts]).sort(*_ORDER[name]) for name in FRAMES}


def _map(batches: list[list[tuple[str, str]]], workers: int, executor: Executor | None) -> list[dict]:
    if executor is None:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(_parse_batch, batches))
    return list(executor.map(_parse_batch, batches))
