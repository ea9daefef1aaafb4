"""Entries of a reports folder that are not plain files in it (issue 11, cases 1, 2 and 5).

Each becomes a rejected row with a reason, and nothing that is not a regular
file inside the folder is ever opened: a pipe would block the run, a device
may do things when opened, and a link out of the folder would publish
whatever it points at (/etc/passwd).
"""
from __future__ import annotations

import os

import pytest

from fazhi_read import folder as reports_folder
from fazhi_read.folder import read_report, scan, scan_incremental


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """Real paths os.open was called on (the only way read_report opens files)."""
    calls: list[str] = []
    real_open = os.open

    def spying(name, flags, *args, **kwargs):
        calls.append(os.path.realpath(name))
        return real_open(name, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", spying)
    return calls


def _reason(row: dict) -> tuple[str, str]:
    code, _, sentence = row["reason"].partition(": ")
    return code, sentence


def _assert_rejected_unread(row: dict, code: str, words: str) -> None:
    assert row["status"] == "rejected", row
    got, sentence = _reason(row)
    assert got == code and words in sentence, row["reason"]
    assert row["sha256"] is None and row["text"] is None and row["report_id"] is None


def test_named_pipe_is_never_opened(tmp_path, opened):
    os.mkfifo(tmp_path / "pipe.txt")
    row = read_report(tmp_path / "pipe.txt", tmp_path)
    _assert_rejected_unread(row, "unreadable", "named pipe")
    assert opened == []


def test_character_device_is_never_opened(tmp_path, opened):
    try:
        os.mknod(tmp_path / "null.txt", 0o644 | 0o020000, os.makedev(1, 3))  # a /dev/null
    except PermissionError:
        pytest.skip("creating a device node needs CAP_MKNOD")
    row = read_report(tmp_path / "null.txt", tmp_path)
    _assert_rejected_unread(row, "unreadable", "character device")
    assert opened == []


def test_symlink_loop_is_rejected(tmp_path):
    (tmp_path / "a.txt").symlink_to("b.txt")
    (tmp_path / "b.txt").symlink_to("a.txt")
    for name in ("a.txt", "b.txt"):
        _assert_rejected_unread(read_report(tmp_path / name, tmp_path), "unreadable", "loop")


def test_dangling_symlink_is_rejected(tmp_path):
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")
    _assert_rejected_unread(read_report(tmp_path / "gone.txt", tmp_path), "unreadable", "does not exist")


def test_file_removed_while_scanning_is_rejected(tmp_path, monkeypatch, simplified_report):
    (tmp_path / "stays.txt").write_text(simplified_report, encoding="utf-8")
    (tmp_path / "goes.txt").write_text(simplified_report + "。", encoding="utf-8")
    real_list = reports_folder.list_files

    def list_then_delete(root):
        listed = real_list(root)
        (tmp_path / "goes.txt").unlink()  # gone between listing and reading
        return listed

    monkeypatch.setattr(reports_folder, "list_files", list_then_delete)
    rows = {r["source_file"]: r for r in scan(tmp_path).iter_rows(named=True)}
    assert rows["stays.txt"]["status"] == "accepted"
    _assert_rejected_unread(rows["goes.txt"], "unreadable", "removed while scanning")


def test_file_over_the_hash_limit_is_rejected_unread(tmp_path, opened):
    big = tmp_path / "huge.txt"
    with big.open("wb") as handle:  # sparse: costs no disk
        handle.truncate(reports_folder._HASH_LIMIT + 1)
    row = read_report(big, tmp_path, max_bytes=1000)
    _assert_rejected_unread(row, "too_large", "not hashed")
    assert row["size_bytes"] == reports_folder._HASH_LIMIT + 1


def test_link_out_of_the_folder_is_not_followed(tmp_path, opened):
    # Case 2: /etc/passwd behind a link named like a report was read and published.
    root = tmp_path / "reports"
    root.mkdir()
    outside = tmp_path / "secret.txt"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n行政复议案件12件。\n", encoding="utf-8")
    (root / "passwd.txt").symlink_to("/etc/passwd")
    (root / "secret.txt").symlink_to(outside)
    (root / "sneaky.txt").symlink_to("../secret.txt")  # relative, through ..
    (root / "inner").mkdir()
    (root / "inner" / "hop.txt").symlink_to("../sneaky.txt")  # a link to a link that leaves
    for link in ("passwd.txt", "secret.txt", "sneaky.txt", "inner/hop.txt"):
        row = read_report(root / link, root)
        _assert_rejected_unread(row, "outside_folder", "not followed")
    assert opened == []


def test_directory_link_out_of_the_folder_is_accounted_for_and_not_entered(tmp_path, simplified_report):
    root = tmp_path / "reports"
    root.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "report.txt").write_text(simplified_report, encoding="utf-8")
    (root / "linked_dir").symlink_to(elsewhere)
    (root / "own").mkdir()
    (root / "own" / "report.txt").write_text(simplified_report, encoding="utf-8")
    (root / "alias").symlink_to(root / "own")
    rows = {r["source_file"]: r for r in scan(root).iter_rows(named=True)}
    assert set(rows) == {"linked_dir", "alias", "own/report.txt"}
    _assert_rejected_unread(rows["linked_dir"], "outside_folder", "not followed")
    _assert_rejected_unread(rows["alias"], "unreadable", "link to a directory")


def test_link_inside_the_folder_is_followed(tmp_path, simplified_report):
    root = tmp_path / "reports"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "report.txt").write_text(simplified_report, encoding="utf-8")
    (root / "alias.txt").symlink_to("sub/report.txt")
    rows = {r["source_file"]: r for r in scan(root).iter_rows(named=True)}
    assert rows["alias.txt"]["status"] == "accepted" and rows["alias.txt"]["text"] == simplified_report
    assert rows["sub/report.txt"]["status"] == "duplicate"


def test_reports_folder_reached_through_a_link_is_still_inside(tmp_path, simplified_report):
    real = tmp_path / "real"
    real.mkdir()
    (real / "r.txt").write_text(simplified_report, encoding="utf-8")
    (tmp_path / "via").symlink_to(real)
    row = read_report(tmp_path / "via" / "r.txt", tmp_path / "via")
    assert row["status"] == "accepted"


def test_escaped_name_never_collides_with_a_literal_name(tmp_path, simplified_report, traditional_report):
    # Case 5: b'a\xff.txt' was escaped to 'a\\xff.txt', the literal name of another file.
    root = os.fsencode(tmp_path)
    entries = {
        b"a\xff.txt": simplified_report,
        b"a\\xff.txt": traditional_report,  # literally backslash, x, f, f
        b"b\\\xff.txt": simplified_report + "\n一",  # a literal backslash before an undecodable byte
        b"b\\x5c\\xff.txt": simplified_report + "\n二",
        b"b\\x5c\xff.txt": simplified_report + "\n三",
    }
    for name, text in entries.items():
        with open(os.path.join(root, name), "wb") as handle:
            handle.write(text.encode("utf-8"))
    frame = scan(tmp_path)
    names = frame["source_file"].to_list()
    assert len(names) == len(set(names)) == len(entries)
    assert "a\\xff.txt" in names and "b\\x5c\\xff.txt" in names  # valid names are kept exactly
    # every name decodes to valid UTF-8 for the warehouse, and the mapping is stable
    assert all(n.encode("utf-8") for n in names)
    assert scan(tmp_path)["source_file"].to_list() == names
    by_name = dict(zip(frame["source_file"], frame["text"], strict=False))
    assert by_name["a\\xff.txt"] == traditional_report


def test_rescan_keeps_colliding_names_apart(tmp_path, simplified_report, traditional_report):
    root = os.fsencode(tmp_path)
    for name, text in ((b"a\xff.txt", simplified_report), (b"a\\xff.txt", traditional_report)):
        with open(os.path.join(root, name), "wb") as handle:
            handle.write(text.encode("utf-8"))
    first, _ = scan_incremental(tmp_path)
    stored = {r["source_file"]: r for r in first.drop("text", "raw_html").iter_rows(named=True)}
    again, _ = scan_incremental(tmp_path, stored, verify=True)
    assert again.select("source_file", "sha256").rows() == first.select("source_file", "sha256").rows()
