"""Attachments through the whole pipeline: a sample report saved as PDF and as
DOCX (built by the reader tests' fixture builders from seeds/) is read by its
reader, parsed, and its facts reach the marts with the page they stand on."""
from __future__ import annotations

import importlib.util
import shutil

import pytest

from conftest import REPO, SEEDS, run_on_folder


def _fixtures():
    spec = importlib.util.spec_from_file_location("read_fixtures", REPO / "tests" / "read" / "fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    fx = _fixtures()
    if fx.cjk_font() is None:
        pytest.skip("no CJK font to draw the PDF fixture with (make setup installs one)")
    samples = sorted(SEEDS.glob("*.txt"))
    root = tmp_path_factory.mktemp("formats")
    reports = root / "reports"
    reports.mkdir()
    (reports / "a.pdf").write_bytes(fx.make_pdf(fx.chunks(samples[0].read_text(encoding="utf-8"))))
    (reports / "b.docx").write_bytes(fx.make_docx(samples[1].read_text(encoding="utf-8")))
    shutil.copyfile(samples[2], reports / "c.txt")
    (reports / "d.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")  # damaged
    p = run_on_folder(reports, root)
    return p


def test_each_file_is_read_by_the_reader_of_its_format(built):
    rows = built.query("SELECT source_file, status, format, reader, page_count, reason FROM raw.report_files ORDER BY 1")
    got = {r[0]: r[1:4] for r in rows}
    assert got["a.pdf"] == ("accepted", "pdf", "pdf.pdfium")
    assert got["b.docx"] == ("accepted", "docx", "docx.python-docx")
    assert got["c.txt"] == ("accepted", "text", "decode")
    assert got["d.pdf"][:2] == ("rejected", "pdf") and rows[3][5].startswith("corrupt:")
    assert rows[0][4] >= 2  # the PDF has pages


def test_facts_of_attachments_reach_the_marts_with_their_page(built):
    rows = built.query("""
        SELECT r.source_file, count(*), count(v.page), min(v.page), max(v.page)
        FROM marts.fct_metric_values v JOIN marts.dim_report r USING (report_id)
        WHERE v.source = 'stated' GROUP BY 1 ORDER BY 1
    """)
    by_file = {r[0]: r[1:] for r in rows}
    n, paged, first, last = by_file["a.pdf"]
    assert n > 0 and paged == n and first >= 1 and last >= first
    assert by_file["c.txt"][1] == 0  # a text file has no pages
    # offsets into the stored text give back each figure, whatever read it
    bad = built.query("""
        SELECT count(*) FROM marts.fct_metric_values v JOIN raw.report_files f USING (report_id)
        WHERE v.source = 'stated' AND substr(f.text, v.char_start, v.char_length) <> v.figure_text
    """)
    assert bad == [(0,)]
