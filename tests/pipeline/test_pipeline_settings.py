"""Settings read from the environment, and what they do to connections."""
import pytest

from fazhi_pipeline import settings
from fazhi_pipeline.resources import WorkDuckDB


def test_duckdb_memory_limit_reaches_pipeline_connections_and_dbt(tmp_path):
    with settings.environment({"FAZHI_DUCKDB_MEMORY_LIMIT": "300MB", "FAZHI_WORK_DB": str(tmp_path / "w.duckdb")}):
        assert settings.dbt_env()["FAZHI_DUCKDB_MEMORY_LIMIT"] == "300MB"
        with WorkDuckDB().connect() as con:
            (limit,) = con.execute("SELECT current_setting('memory_limit')").fetchone()
    assert limit.replace(" ", "") in ("286.1MiB", "300.0MB")  # DuckDB reports it in binary units


def test_duckdb_memory_limit_has_a_bounded_default(monkeypatch):
    monkeypatch.delenv("FAZHI_DUCKDB_MEMORY_LIMIT", raising=False)
    assert settings.duckdb_memory_limit() == settings.DEFAULT_DUCKDB_MEMORY_LIMIT


@pytest.mark.parametrize("bad", ["lots", "512MB'; DROP TABLE x; --", "-1GB", "1 GB extra"])
def test_duckdb_memory_limit_rejects_anything_but_a_size(monkeypatch, bad):
    monkeypatch.setenv("FAZHI_DUCKDB_MEMORY_LIMIT", bad)
    with pytest.raises(ValueError, match="FAZHI_DUCKDB_MEMORY_LIMIT"):
        settings.duckdb_memory_limit()
