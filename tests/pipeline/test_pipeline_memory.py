"""One report as large as the size limit admits, on one line without sentence punctuation
(issue 11, cases 3 and 9).

Before: such a report was one sentence, copied as the evidence of each of its
figures; dbt's int_facts_stated ran out of memory (or, given room to spill,
took ~10 minutes for 15 MB), and a 40 MB report peaked at 2.6 GB. Now
sentences are cut to at most MAX_SENTENCE_CHARS, the default size limit is
20 MiB, and a run over the samples plus such a file stays within 1 GiB for the
whole process tree (PSS, sampled), run the way `make run` runs it.
"""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys

import duckdb
import pytest

from conftest import REPO, SEEDS
from fazhi_parse.sections import MAX_SENTENCE_CHARS
from fazhi_read.folder import DEFAULT_MAX_BYTES

pytestmark = pytest.mark.integration

LIMIT_MB = 1024
RUN_TIMEOUT = 300  # the unbounded sentence alone kept dbt busy for ~565 s on 15 MB


def _tree_memory():
    """benchmarks/run.py's sampler of a process tree's memory (PSS from /proc)."""
    spec = importlib.util.spec_from_file_location("fazhi_bench_run", REPO / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.TreeMemory


def test_largest_admitted_report_on_one_unpunctuated_line_builds_within_1_gib(tmp_path):
    reports, warehouse = tmp_path / "reports", tmp_path / "wh" / "fazhi.duckdb"
    shutil.copytree(SEEDS, reports)
    block = re.sub(r"[。！？!?；;\n]", "", "".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))))
    data = (block * (DEFAULT_MAX_BYTES // len(block.encode("utf-8")) + 1)).encode("utf-8")[:DEFAULT_MAX_BYTES]
    data = data.decode("utf-8", "ignore").encode("utf-8")  # whole characters only
    (reports / "one_line.txt").write_bytes(data)
    assert DEFAULT_MAX_BYTES - 4 <= len(data) <= DEFAULT_MAX_BYTES and b"\n" not in data

    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAZHI_", "DAGSTER_"))}
    env.update(FAZHI_REPORTS_DIR=str(reports), FAZHI_WAREHOUSE=str(warehouse),
               DAGSTER_HOME=str(tmp_path / "dagster_home"))
    log_path = tmp_path / "run.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "fazhi_pipeline", "run"], cwd=REPO, env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    memory = _tree_memory()(proc.pid, every=0.1)
    memory.start()
    try:
        rc = proc.wait(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.wait()
        pytest.fail(f"the run took over {RUN_TIMEOUT}s")
    finally:
        memory.stop()
    assert rc == 0, log_path.read_text(errors="replace")[-3000:]
    peak_mb = memory.peak_pss_kb / 1024
    print(f"peak PSS {peak_mb:.0f} MB")
    assert peak_mb < LIMIT_MB, f"peak PSS {peak_mb:.0f} MB"

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        status, text_length = con.execute(
            "SELECT status, length(text) FROM raw.report_files WHERE source_file = 'one_line.txt'").fetchone()
        assert status == "accepted" and text_length > 6_000_000
        longest, n = con.execute("SELECT max(length(text)), count(*) FROM staging.sentences "
                                 "WHERE report_id = (SELECT report_id FROM marts.dim_report "
                                 "WHERE source_file = 'one_line.txt')").fetchone()
        assert longest <= MAX_SENTENCE_CHARS and n >= text_length // MAX_SENTENCE_CHARS
        # no fact row carries more than a bounded piece of the report
        assert con.execute("SELECT max(length(evidence)) FROM marts.fct_metric_values").fetchone()[0] <= (
            MAX_SENTENCE_CHARS)
        sources = {r[0] for r in con.execute(
            "SELECT DISTINCT d.source_file FROM marts.fct_metric_values v JOIN marts.dim_report d USING (report_id)"
        ).fetchall()}
        assert {p.name for p in SEEDS.glob("*.txt")} <= sources
    finally:
        con.close()
