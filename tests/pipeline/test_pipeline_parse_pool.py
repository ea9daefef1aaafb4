"""The warm parse pool: workers forked with the parent's objects frozen."""
import gc
import os

from fazhi_pipeline.parse_pool import parse_pool


def _worker_state(_: int) -> tuple[int, int]:
    return os.getpid(), gc.get_freeze_count()


def test_workers_start_with_the_parents_objects_frozen_and_the_parent_does_not():
    with parse_pool(2) as pool:
        assert gc.get_freeze_count() == 0  # the parent collects its garbage as before
        states = dict(pool.map(_worker_state, range(8)))
    assert states and all(frozen > 10_000 for frozen in states.values()), states
    assert os.getpid() not in states


def test_one_worker_means_no_pool():
    with parse_pool(1) as pool:
        assert pool is None
