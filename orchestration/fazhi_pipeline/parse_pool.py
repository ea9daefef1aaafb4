"""One warm process pool for a whole parse step.

Starting a pool per batch made every worker rebuild the parser's caches
(region index, OpenCC, classifier rules) for every batch of reports; one pool
whose workers warm up as they start pays that once per step. No dagster import
here: the workers only need the parser.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

# Any short report text exercises every cache the parser builds lazily.
_WARM_TEXT = (
    "某市人民政府2023年法治政府建设年度报告\n一、主要成效\n"
    "全年办理行政复议案件12件，同比上升5%。\n"
)


def warm() -> None:
    """Pool initializer: build the parser's lazy caches before the first batch arrives."""
    from fazhi_parse.document import parse_document

    parse_document("0" * 16, _WARM_TEXT)


@contextmanager
def parse_pool(workers: int) -> Iterator[ProcessPoolExecutor | None]:
    """A warm pool of `workers` processes, or None for in-process parsing (workers <= 1)."""
    if workers <= 1:
        yield None
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=warm) as pool:
        # Forked workers share the parent's pages until they write to them, and a
        # garbage collection in a worker writes to every object it walks: the
        # whole inherited heap (dagster, dbt, earlier steps) would be copied once
        # per worker. Frozen objects are never walked; only the fork sees them so.
        gc.collect()
        gc.freeze()
        try:
            pool.submit(int)  # starts every worker now (fork context): they warm while the first batch is read
        finally:
            gc.unfreeze()
        yield pool
