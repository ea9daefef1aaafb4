"""scan_incremental: files unchanged on disk reuse their stored row, unread; decisions stay right."""
from __future__ import annotations

import os

import pytest

from fazhi_parse import ingest
from fazhi_parse.ingest import scan, scan_incremental


def _stored(frame) -> dict[str, dict]:
    # what the pipeline reads back from raw.report_files: no texts
    return {r["source_file"]: r for r in frame.drop("text", "raw_html").iter_rows(named=True)}


@pytest.fixture
def folder(tmp_path, simplified_report, traditional_report):
    root = tmp_path / "reports"
    root.mkdir()
    (root / "a.txt").write_text(simplified_report, encoding="utf-8")
    (root / "b.txt").write_bytes(simplified_report.encode("gb18030"))  # same text: duplicate of a.txt
    (root / "c.txt").write_text(traditional_report, encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    return root


@pytest.fixture
def no_reads(monkeypatch):
    """Fail on any file read; returns the names read by read_report."""
    read: list[str] = []
    original = ingest.read_report

    def tracking(path, root, **kw):
        read.append(ingest.source_file_for(path, root))
        return original(path, root, **kw)

    monkeypatch.setattr(ingest, "read_report", tracking)
    return read


def _decisions(frame) -> dict[str, tuple]:
    return {r["source_file"]: (r["status"], r["duplicate_of"], r["report_id"], r["text_key"])
            for r in frame.iter_rows(named=True)}


def test_unchanged_files_are_not_read_again_and_keep_their_decisions(folder, no_reads):
    first = scan(folder)
    no_reads.clear()
    again, reused = scan_incremental(folder, _stored(first))
    assert reused == {"a.txt", "b.txt", "c.txt"}
    assert no_reads == ["empty.txt"]  # rejected files are always read again
    assert _decisions(again) == _decisions(first)
    assert again.filter(again["source_file"].is_in(list(reused)))["text"].null_count() == 3


@pytest.mark.parametrize(
    ("change", "expect_read"),
    [
        # other bytes of the same size (two hanzi for two), so only the mtime tells
        (lambda p: p.write_bytes(p.read_bytes().replace("行政".encode(), "法治".encode(), 1)), True),
        # same bytes, touched: read again, found the same
        (lambda p: os.utime(p, (1_000_000_000, 1_000_000_000)), True),
        # metadata the quick check ignores (permissions)
        (lambda p: os.chmod(p, 0o600), False),
    ],
)
def test_size_or_mtime_change_forces_a_read(folder, no_reads, change, expect_read):
    first = scan(folder)
    change(folder / "c.txt")
    no_reads.clear()
    again, reused = scan_incremental(folder, _stored(first))
    assert ("c.txt" in no_reads) == expect_read
    assert ("c.txt" in reused) == (not expect_read)
    fresh = scan(folder)
    assert _decisions(again) == _decisions(fresh)


def test_duplicate_becomes_accepted_when_its_twin_goes(folder):
    first = scan(folder)
    assert _decisions(first)["b.txt"][:2] == ("duplicate", "a.txt")
    (folder / "a.txt").unlink()
    again, reused = scan_incremental(folder, _stored(first))
    assert "b.txt" in reused
    status, twin, report_id, key = _decisions(again)["b.txt"]
    assert (status, twin) == ("accepted", None)
    assert report_id == first.filter(first["source_file"] == "b.txt")["sha256"][0][:16]
    assert key == _decisions(first)["a.txt"][3]  # same text, same key


def test_without_stored_rows_it_is_a_full_scan(folder):
    frame, reused = scan_incremental(folder, None)
    assert reused == set()
    assert frame.equals(scan(folder).with_columns(frame["ingested_at"]))
