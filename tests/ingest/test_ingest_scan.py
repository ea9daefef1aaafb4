"""scan over a folder: every file accounted for, duplicates, never raising."""
from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest

from fazhi_read.folder import scan
from fazhi_read.schema import REPORT_FILES


@pytest.fixture
def messy_folder(tmp_path, simplified_report, traditional_report, gov_page):
    """A reports folder holding one of every kind of trouble.

    Returns (root, {source_file: (status, reason code, duplicate_of)}). Sorted
    source_file order decides which twin is the original: ASCII names sort
    before hanzi, so '2023/u16be.txt' comes before '2023/县级/big5.txt'.
    """
    root = tmp_path / "reports"
    (root / "2023" / "县级").mkdir(parents=True)
    (root / ".git").mkdir()
    half = traditional_report[: len(traditional_report) // 2]
    files = {
        "empty.txt": (b"", "rejected", "empty", None),
        "blank.txt": ("\u3000\n  \r\n".encode("utf-8"), "rejected", "empty", None),
        "noise.bin": (bytes(range(256)) * 8, "rejected", "binary", None),
        "scan.pdf": (b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "rejected", "corrupt", None),  # the PDF reader says why
        "rtf.doc": (b"{\\rtf1\\ansi hello}", "rejected", "not_text", None),
        "huge.txt": (simplified_report.encode("utf-8") * 20, "rejected", "too_large", None),
        "2023/bom.txt": (simplified_report.encode("utf-8-sig"), "accepted", None, None),
        "2023/gb.txt": (simplified_report.encode("gb18030"), "duplicate", "duplicate", "2023/bom.txt"),
        "2023/u16be.txt": (b"\xfe\xff" + traditional_report.encode("utf-16-be"), "accepted", None, None),
        "2023/u16le.txt": (
            b"\xff\xfe" + traditional_report.encode("utf-16-le"), "duplicate", "duplicate", "2023/u16be.txt"
        ),
        "2023/县级/big5.txt": (traditional_report.encode("big5"), "duplicate", "duplicate", "2023/u16be.txt"),
        "a b'c;d\"报告.txt": (half.encode("utf-8"), "accepted", None, None),
        "page.html": (gov_page.encode("utf-8"), "accepted", None, None),
        "page_gbk.htm": (
            gov_page.replace("charset=utf-8", "charset=gbk").encode("gbk"), "duplicate", "duplicate", "page.html"
        ),
    }
    for name, (data, *_) in files.items():
        (root / name).write_bytes(data)
    (root / ".hidden.txt").write_bytes(b"skipped")
    (root / ".git" / "config").write_bytes(b"skipped")
    (root / "dangling.txt").symlink_to(root / "nowhere.txt")
    os.mkfifo(root / "pipe.txt")
    with open(os.path.join(os.fsencode(root), b"bad-\xff-name.txt"), "wb") as handle:
        handle.write(traditional_report[:200].encode("utf-8"))
    expected = {name: tuple(spec[1:]) for name, spec in files.items()}
    expected["dangling.txt"] = ("rejected", "unreadable", None)
    expected["pipe.txt"] = ("rejected", "unreadable", None)
    expected["bad-\\xff-name.txt"] = ("accepted", None, None)
    return root, expected


def _limit(report: str) -> int:
    return len(report.encode("utf-8")) * 10


def test_scan_accounts_for_every_file_and_never_raises(messy_folder, simplified_report):
    root, expected = messy_folder
    frame = scan(root, max_bytes=_limit(simplified_report))
    assert frame.schema == pl.Schema(REPORT_FILES)
    assert frame["source_file"].to_list() == sorted(expected)
    got = {
        row["source_file"]: (
            row["status"],
            row["reason"].split(":", 1)[0] if row["reason"] else None,
            row["duplicate_of"],
        )
        for row in frame.iter_rows(named=True)
    }
    assert got == expected


def test_duplicates_keep_their_text_and_point_at_an_accepted_twin(messy_folder, simplified_report):
    root, _ = messy_folder
    frame = scan(root, max_bytes=_limit(simplified_report))
    rows = {row["source_file"]: row for row in frame.iter_rows(named=True)}
    duplicates = [row for row in rows.values() if row["status"] == "duplicate"]
    assert len(duplicates) == 4
    for row in duplicates:
        twin = rows[row["duplicate_of"]]
        assert row["reason"] == f"duplicate: same text as {twin['source_file']}"
        assert twin["status"] == "accepted"
        assert row["text"] == twin["text"]  # text kept
        assert row["report_id"] == row["sha256"][:16] != twin["report_id"]
    assert rows["2023/gb.txt"]["text"] == simplified_report
    # The HTML page's text differs from the .txt by its 发布时间 line: not a duplicate.
    assert rows["page.html"]["status"] == "accepted" and rows["2023/bom.txt"]["status"] == "accepted"


def test_same_text_with_other_line_endings_and_spacing_is_a_duplicate(tmp_path, simplified_report):
    (tmp_path / "a.txt").write_bytes(simplified_report.encode("utf-8"))
    (tmp_path / "b.txt").write_bytes(("\r\n\r\n" + simplified_report.replace("\n", "\r\n\r\n") + "\r\n").encode("utf-8"))
    (tmp_path / "c.txt").write_bytes(simplified_report[:-5].encode("utf-8"))
    frame = scan(tmp_path)
    assert frame["status"].to_list() == ["accepted", "duplicate", "accepted"]
    assert frame["duplicate_of"].to_list() == [None, "a.txt", None]
    assert "\r" not in frame["text"][1]


def test_parallel_scan_gives_the_same_rows(messy_folder, simplified_report):
    root, _ = messy_folder
    one = scan(root, max_bytes=_limit(simplified_report), workers=1).drop("ingested_at")
    two = scan(root, max_bytes=_limit(simplified_report), workers=2).drop("ingested_at")
    assert one.equals(two)


def test_missing_root_is_a_configuration_error(tmp_path):
    with pytest.raises(NotADirectoryError):
        scan(tmp_path / "no-such-folder")


def test_unlistable_directory_is_reported(tmp_path, monkeypatch, simplified_report):
    (tmp_path / "ok.txt").write_text(simplified_report, encoding="utf-8")
    real_walk = os.walk

    def walk(top, onerror=None, followlinks=False):
        # As os.walk does when it cannot list a subdirectory (root sees no EACCES).
        onerror(PermissionError(13, "Permission denied", str(Path(top) / "locked")))
        yield from real_walk(top, onerror=onerror, followlinks=followlinks)

    monkeypatch.setattr(os, "walk", walk)
    frame = scan(tmp_path)
    rows = {row["source_file"]: row for row in frame.iter_rows(named=True)}
    assert rows["ok.txt"]["status"] == "accepted"
    assert rows["locked/"]["status"] == "rejected"
    assert rows["locked/"]["reason"].startswith("unreadable: the directory could not be listed")


def test_unlistable_root_is_a_setup_error(tmp_path, monkeypatch):
    def walk(top, onerror=None, followlinks=False):
        onerror(PermissionError(13, "Permission denied", str(top)))
        yield from ()

    monkeypatch.setattr(os, "walk", walk)
    with pytest.raises(PermissionError):
        scan(tmp_path)


def test_source_file_shows_undecodable_name_bytes(tmp_path):
    from fazhi_read.folder import source_file_for

    path = Path(os.fsdecode(os.path.join(os.fsencode(tmp_path), b"sub", b"r\xe9port.txt")))
    assert source_file_for(path, tmp_path) == "sub/r\\xe9port.txt"


def test_the_manifests_at_the_top_are_not_reports(tmp_path, simplified_report):
    from fazhi_read.folder import list_files

    root = tmp_path / "reports"
    (root / "2024").mkdir(parents=True)
    (root / "a.txt").write_text(simplified_report, encoding="utf-8")
    (root / "corrections.csv").write_text("action,sha256\n", encoding="utf-8")
    (root / "sources.csv").write_text("file,url\na.txt,http://www.gov.cn/a.html\n", encoding="utf-8")
    (root / "2024" / "sources.csv").write_text("not the manifest\n", encoding="utf-8")  # only the top one is
    files, _ = list_files(root)
    assert sorted(p.relative_to(root).as_posix() for p in files) == ["2024/sources.csv", "a.txt"]
