"""scan_incremental: files unchanged on disk reuse their stored row, unread; decisions stay right.

Files written by a test are seconds old, inside the window in which the quick
check does not trust a stat (fazhi_read.folder.RACY_NS); the `settled` fixture closes
that window for the tests about reuse, and the racy rule has tests of its own.
"""
from __future__ import annotations

import os

import pytest

from fazhi_read import folder as reports_folder
from fazhi_read.folder import scan, scan_incremental


def _stored(frame) -> dict[str, dict]:
    # what the pipeline reads back from raw.report_files and raw.file_checks: no texts
    return {r["source_file"]: r for r in frame.drop("text", "raw_html").iter_rows(named=True)}


def _first(folder):
    frame, _ = scan_incremental(folder, None)
    return frame


@pytest.fixture
def settled(monkeypatch):
    """As if every file had been written long before the scan."""
    monkeypatch.setattr(reports_folder, "RACY_NS", -(10**12))


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
    original = reports_folder.read_report

    def tracking(path, root, **kw):
        read.append(reports_folder.source_file_for(path, root))
        return original(path, root, **kw)

    monkeypatch.setattr(reports_folder, "read_report", tracking)
    return read


def _decisions(frame) -> dict[str, tuple]:
    return {r["source_file"]: (r["status"], r["duplicate_of"], r["report_id"], r["text_key"])
            for r in frame.iter_rows(named=True)}


def test_unchanged_files_are_not_read_again_and_keep_their_decisions(folder, no_reads, settled):
    first = _first(folder)
    no_reads.clear()
    again, reused = scan_incremental(folder, _stored(first))
    assert reused == {"a.txt", "b.txt", "c.txt"}
    assert no_reads == ["empty.txt"]  # rejected files are always read again
    assert _decisions(again) == _decisions(first)
    assert again.filter(again["source_file"].is_in(list(reused)))["text"].null_count() == 3


def _same_size_edit(p):
    """Other bytes of the same size (two hanzi for two) and the old mtime put back."""
    before = p.stat()
    p.write_bytes(p.read_bytes().replace("行政".encode(), "法治".encode(), 1))
    os.utime(p, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (p.stat().st_size, p.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)


@pytest.mark.parametrize(
    ("change", "expect_reused"),
    [
        # other bytes of the same size: read, found changed
        (lambda p: p.write_bytes(p.read_bytes().replace("行政".encode(), "法治".encode(), 1)), False),
        # the same edit with size and mtime put back: ctime still tells (issue 11, case 6)
        (_same_size_edit, False),
        # same bytes, touched: read and hashed again, found the same, not decoded again
        (lambda p: os.utime(p, (1_000_000_000, 1_000_000_000)), True),
        # metadata only (permissions change the ctime): hashed again, found the same
        (lambda p: os.chmod(p, 0o600), True),
    ],
)
def test_any_stat_change_forces_a_read(folder, no_reads, settled, change, expect_reused):
    first = _first(folder)
    change(folder / "c.txt")
    no_reads.clear()
    again, reused = scan_incremental(folder, _stored(first))
    assert "c.txt" in no_reads
    assert ("c.txt" in reused) == expect_reused
    fresh = scan(folder)
    assert _decisions(again) == _decisions(fresh)
    assert again.filter(again["source_file"] == "c.txt")["sha256"][0] == fresh.filter(
        fresh["source_file"] == "c.txt")["sha256"][0]


def test_a_file_read_right_after_it_changed_is_read_again_next_time(folder, no_reads):
    # Within RACY_NS of its mtime/ctime a file may change again in the same
    # timestamp tick without its stat changing: no stat key is kept for it.
    first = _first(folder)
    assert first["stat_key"].null_count() == first.height  # all just written
    no_reads.clear()
    _again, reused = scan_incremental(folder, _stored(first))
    assert sorted(no_reads) == sorted(first["source_file"])  # all read and hashed ...
    assert reused == {"a.txt", "b.txt", "c.txt"}  # ... and none decoded again


def test_verify_hashes_every_file_even_when_the_stat_key_matches(folder, no_reads, settled):
    # An edit the stat key cannot see (e.g. the clock set back), simulated by a
    # stored sha256 that is not the file's: only a verifying scan notices.
    first = _first(folder)
    stored = _stored(first)
    stored["c.txt"]["sha256"] = "0" * 64
    no_reads.clear()
    _trusting, reused = scan_incremental(folder, stored)
    assert "c.txt" in reused and "c.txt" not in no_reads
    no_reads.clear()
    verified, reused = scan_incremental(folder, stored, verify=True)
    assert sorted(no_reads) == sorted(first["source_file"])
    assert "c.txt" not in reused and reused == {"a.txt", "b.txt"}
    assert verified.filter(verified["source_file"] == "c.txt")["sha256"][0] == first.filter(
        first["source_file"] == "c.txt")["sha256"][0]


def test_duplicate_becomes_accepted_when_its_twin_goes(folder, settled):
    first = _first(folder)
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
    assert frame.drop("stat_key").equals(scan(folder).with_columns(frame["ingested_at"]))
