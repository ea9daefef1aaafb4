"""The DuckDB resource: one connection at a time to the private work database."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from fazhi_pipeline import duck, settings, termination


class WorkDuckDB(dg.ConfigurableResource):
    """Connections to the work DB (FAZHI_WORK_DB); `path` overrides it.

    Every asset using this carries pool="duckdb": DuckDB allows one writing
    process, so the pool (limit 1, see dagster.yaml) serialises writers.
    """

    path: str | None = None

    def db_path(self) -> Path:
        return Path(self.path).resolve() if self.path else settings.work_db()

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        # A run asked to stop touches the database no more (a retried step too).
        termination.check("opening the work database")
        path = self.db_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        # A damaged work DB is moved aside and rebuilt rather than failing every run.
        con = duck.open_work_db(path, read_only=read_only, history_from=settings.warehouse())
        try:
            yield con
        finally:
            con.close()
