"""read_report on single files: decoding, rejection reasons, odd paths."""
from __future__ import annotations

import hashlib
import os
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fazhi_read.folder import DEFAULT_MAX_BYTES, read_report
from fazhi_read.schema import REPORT_FILES


def _read(tmp_path: Path, name: str, data: bytes, **kwargs) -> dict:
    path = tmp_path / name
    path.write_bytes(data)
    return read_report(path, tmp_path, **kwargs)


def _code(row: dict) -> str:
    return row["reason"].split(":", 1)[0]


def test_row_has_exactly_the_schema_columns(tmp_path, simplified_report):
    row = _read(tmp_path, "r.txt", simplified_report.encode("utf-8"))
    assert set(row) == set(REPORT_FILES) | {"stat_key"}  # stat_key: for the next scan's quick check
    assert row["status"] == "accepted" and row["reason"] is None
    assert row["sha256"] == hashlib.sha256(simplified_report.encode("utf-8")).hexdigest()
    assert row["report_id"] == row["sha256"][:16]
    assert row["size_bytes"] == len(simplified_report.encode("utf-8"))
    assert row["media_type"] == "text/plain" and row["raw_html"] is None
    for col in ("modified_at", "ingested_at"):
        assert isinstance(row[col], datetime) and row[col].utcoffset().total_seconds() == 0


def test_empty_file(tmp_path):
    row = _read(tmp_path, "empty.txt", b"")
    assert row["status"] == "rejected"
    assert row["reason"] == "empty: the file has no bytes"
    assert row["report_id"] is None
    assert row["sha256"] == hashlib.sha256(b"").hexdigest()


@pytest.mark.parametrize(
    "data",
    [b"   \n\n\t  \r\n", "\u3000\u3000\n \u3000\r\n".encode("utf-8"), "\ufeff \n".encode("utf-8")],
    ids=["ascii-spaces", "ideographic-spaces", "bom-and-space"],
)
def test_whitespace_only(tmp_path, data):
    row = _read(tmp_path, "blank.txt", data)
    assert row["status"] == "rejected"
    assert row["reason"].startswith("empty: the file holds only whitespace")
    assert row["report_id"] is None


def test_binary(tmp_path):
    data = bytes([0, 1, 2, 200, 0, 0, 17, 0, 255, 3, 0, 9]) * 200 + os.urandom(512)
    row = _read(tmp_path, "report.txt", data)
    assert row["status"] == "rejected"
    assert _code(row) == "binary"
    assert "NUL" in row["reason"]
    assert row["text"] is None and row["encoding"] is None


@pytest.mark.parametrize(
    "data, fmt, code",
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "pdf", "corrupt"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml", "zip", "not_a_report_format"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image", "corrupt"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "doc", "corrupt"),
    ],
    ids=["pdf", "zip", "png", "doc"],
)
def test_damaged_attachments_are_rejected_by_their_reader(tmp_path, data, fmt, code):
    # Detected by content whatever the name says; the reader of the format gives the reason.
    row = _read(tmp_path, "report.txt", data)
    assert row["status"] == "rejected"
    assert _code(row) == code
    assert row["format"] == fmt and row["reader"]
    assert row["text"] is None and row["report_id"] is None


def test_random_high_bytes_without_nuls_are_undecodable(tmp_path):
    rng = __import__("random").Random(7)
    data = bytes(rng.randrange(0x80, 0x100) for _ in range(4000))
    row = _read(tmp_path, "noise.txt", data)
    assert row["status"] == "rejected"
    assert _code(row) == "undecodable"
    assert row["text"] is None


@pytest.mark.parametrize(
    "data, mentions",
    [
        (b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 SimSun;}} \\f0 2023\\'c4\\'ea}", "RTF"),
        ("2023年\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x12\x13\x14".encode() * 20, "control"),
    ],
    ids=["rtf", "control-characters"],
)
def test_not_text(tmp_path, data, mentions):
    row = _read(tmp_path, "report.txt", data)
    assert row["status"] == "rejected"
    assert _code(row) == "not_text"
    assert mentions in row["reason"]


def test_gb18030(tmp_path, simplified_report):
    row = _read(tmp_path, "gb.txt", simplified_report.encode("gb18030"))
    assert row["status"] == "accepted"
    assert row["encoding"] == "gb18030"
    assert row["text"] == simplified_report


def test_big5_is_not_mistaken_for_gb18030(tmp_path, traditional_report):
    data = traditional_report.encode("big5")
    data.decode("gb18030")  # GB18030 reads these bytes too: strictness alone cannot decide
    row = _read(tmp_path, "big5.txt", data)
    assert row["status"] == "accepted"
    assert row["encoding"] == "big5"
    assert row["text"] == traditional_report


def test_cp950_only_characters_fall_back_from_big5(tmp_path, traditional_report):
    # 碁 (F9D6) exists in Windows' Big5 (cp950) but not in plain Big5.
    text = traditional_report[:300] + "碁"
    row = _read(tmp_path, "cp950.txt", text.encode("cp950"))
    assert row["status"] == "accepted"
    assert row["encoding"] == "cp950"
    assert row["text"] == text


def test_mostly_ascii_gbk_file_is_not_read_as_lossy_utf8(tmp_path):
    # One GBK word among ASCII has only a couple of invalid UTF-8 sequences.
    text = "Annual report 2024: 行政复议 36 cases, rate 98.6%.\n" + "x = 1\n" * 200
    row = _read(tmp_path, "r.txt", text.encode("gbk"))
    assert row["encoding"] == "gb18030"
    assert row["text"] == text


def test_utf8_with_bom(tmp_path, simplified_report):
    row = _read(tmp_path, "bom.txt", simplified_report.encode("utf-8-sig"))
    assert row["encoding"] == "utf-8-sig"
    assert row["text"] == simplified_report  # the mark is not part of the text
    assert row["sha256"] == hashlib.sha256(simplified_report.encode("utf-8-sig")).hexdigest()


@pytest.mark.parametrize(
    "bom, codec, label",
    [
        (b"\xff\xfe", "utf-16-le", "utf-16"),
        (b"\xfe\xff", "utf-16-be", "utf-16"),
        (b"", "utf-16-le", "utf-16-le"),
        (b"", "utf-16-be", "utf-16-be"),
    ],
    ids=["le-bom", "be-bom", "le-no-bom", "be-no-bom"],
)
def test_utf16(tmp_path, traditional_report, bom, codec, label):
    row = _read(tmp_path, "u16.txt", bom + traditional_report.encode(codec))
    assert row["status"] == "accepted"
    assert row["encoding"] == label
    assert row["text"] == traditional_report


def test_crlf_becomes_lf_and_nothing_else_changes(tmp_path, simplified_report):
    lines = simplified_report.split("\n")
    odd = "\u00a0 2024年\t共办理 12 件\x1a"  # nbsp, tab, DOS EOF mark: all kept
    text = "\r\n".join([*lines[:3], odd, *lines[3:]])
    row = _read(tmp_path, "crlf.txt", text.encode("utf-8"))
    assert row["status"] == "accepted"
    assert "\r" not in row["text"]
    assert row["text"] == "\n".join([*lines[:3], odd, *lines[3:]])


def test_utf8_cut_mid_character_is_kept_with_a_lossy_label(tmp_path, simplified_report):
    data = simplified_report.encode("utf-8")[:-1]  # the last hanzi loses a byte
    row = _read(tmp_path, "cut.txt", data)
    assert row["status"] == "accepted"
    assert row["encoding"] == "utf-8-lossy"
    assert row["text"] == data.decode("utf-8", errors="replace")
    assert row["text"].endswith("\ufffd") and row["text"][:-1] == simplified_report[:-1]


def test_odd_file_name_is_the_source_file(tmp_path, simplified_report):
    sub = tmp_path / "2024 年报"
    sub.mkdir()
    name = "a b'c;d\"报告 $(x) `y` #1.txt"
    path = sub / name
    path.write_text(simplified_report, encoding="utf-8")
    row = read_report(path, tmp_path)
    assert row["source_file"] == f"2024 年报/{name}"
    assert row["status"] == "accepted"


# Speed is measured in benchmarks/, not asserted here: these check that size alone is no reason to
# reject, up to the default limit (20 MiB).
def test_twenty_megabyte_text_is_accepted(tmp_path, simplified_report):
    paragraph = simplified_report.encode("utf-8")
    data = paragraph * (DEFAULT_MAX_BYTES // len(paragraph))
    assert DEFAULT_MAX_BYTES - len(paragraph) < len(data) <= DEFAULT_MAX_BYTES
    row = _read(tmp_path, "big.txt", data)
    assert row["status"] == "accepted"
    assert row["size_bytes"] == len(data)
    assert len(row["text"]) == len(simplified_report) * (len(data) // len(paragraph))


def test_twenty_megabyte_gb18030_is_accepted(tmp_path, simplified_report):
    paragraph = simplified_report.encode("gb18030")
    data = paragraph * (DEFAULT_MAX_BYTES // len(paragraph))
    row = _read(tmp_path, "big-gb.txt", data)
    assert row["encoding"] == "gb18030" and row["status"] == "accepted"
    assert row["text"].startswith(simplified_report)


def test_too_large(tmp_path, simplified_report):
    data = simplified_report.encode("utf-8")
    row = _read(tmp_path, "big.txt", data, max_bytes=1000)
    assert row["status"] == "rejected"
    assert _code(row) == "too_large"
    assert f"{len(data):,}" in row["reason"] and "1,000" in row["reason"]
    assert row["size_bytes"] == len(data)
    assert row["sha256"] == hashlib.sha256(data).hexdigest()  # hashed without loading
    assert row["text"] is None


def _fail_open(monkeypatch, path: Path, error: OSError) -> None:
    """os.open of `path` raises `error` (as root, chmod 000 would not stop the read)."""
    real_open = os.open

    def failing(name, flags, *args, **kwargs):
        if os.path.realpath(name) == os.path.realpath(path):
            raise error
        return real_open(name, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", failing)


def test_permission_error_is_unreadable(tmp_path, monkeypatch, simplified_report):
    path = tmp_path / "locked.txt"
    path.write_text(simplified_report, encoding="utf-8")

    _fail_open(monkeypatch, path, PermissionError(13, "Permission denied", str(path)))
    row = read_report(path, tmp_path)
    assert row["status"] == "rejected"
    assert row["reason"].startswith("unreadable: permission denied")
    assert row["sha256"] is None and row["text"] is None


def test_io_error_is_unreadable(tmp_path, monkeypatch, simplified_report):
    path = tmp_path / "flaky.txt"
    path.write_text(simplified_report, encoding="utf-8")

    _fail_open(monkeypatch, path, OSError(5, "Input/output error"))
    row = read_report(path, tmp_path)
    assert row["status"] == "rejected"
    assert row["reason"].startswith("unreadable:") and "Input/output error" in row["reason"]


def test_broken_symlink_is_unreadable(tmp_path):
    link = tmp_path / "gone.txt"
    link.symlink_to(tmp_path / "missing-target.txt")
    row = read_report(link, tmp_path)
    assert row["status"] == "rejected"
    assert row["reason"].startswith("unreadable:") and "symbolic link" in row["reason"]


def test_directory_named_like_a_file_is_unreadable(tmp_path):
    path = tmp_path / "report.txt"
    path.mkdir()
    row = read_report(path, tmp_path)
    assert row["status"] == "rejected"
    assert row["reason"].startswith("unreadable:") and "directory" in row["reason"]


def test_named_pipe_is_rejected_without_blocking(tmp_path):
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    row = read_report(path, tmp_path)  # opening it would block forever
    assert row["status"] == "rejected"
    assert row["reason"].startswith("unreadable:") and "pipe" in row["reason"]


REASON_CODES = {"empty", "binary", "undecodable", "too_large", "unreadable", "not_text",
                # an attachment's reader (fazhi_read) says why it could not read the bytes it recognised
                "corrupt", "encrypted", "no_text", "zip_bomb", "timeout", "not_a_report_format", "reader_unavailable"}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.one_of(
        st.binary(max_size=3000),
        st.text(max_size=500).map(lambda s: s.encode("utf-8", "surrogatepass")),
        st.text(alphabet=st.characters(codec="gb18030"), max_size=300).map(lambda s: s.encode("gb18030")),
        st.builds(lambda s, b: f"<html><body><p>{s}</p></body></html>".encode() + b, st.text(max_size=200), st.binary(max_size=50)),
    ),
    name=st.sampled_from(["r.txt", "r.html", "r"]),
)
def test_any_bytes_give_a_row_never_an_exception(tmp_path, data, name):
    row = _read(tmp_path, name, data, max_bytes=2500)
    assert row["status"] in {"accepted", "rejected"}
    if row["status"] == "rejected":
        assert row["reason"].split(":", 1)[0] in REASON_CODES, row["reason"]
        assert row["report_id"] is None
    else:
        assert row["text"].strip() and "\r" not in row["text"]
        assert row["report_id"] == hashlib.sha256(data).hexdigest()[:16]


_PROSE = st.characters(blacklist_categories=("Cs", "Cc"))
# Chinese prose: the alphabet reports are written in.
_CHINESE = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),
    st.sampled_from(list(",。、;:?!“”‘’《》()【】—…\u3000 \n\r\t0123456789%abcXYZ")),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.one_of(
        st.text(_CHINESE, min_size=1, max_size=400),
        # Anything with enough non-ASCII text is UTF-8 when it decodes as UTF-8.
        st.builds(str.__add__, st.text(_PROSE, max_size=200), st.text(st.characters(min_codepoint=0x80, blacklist_categories=("Cs", "Cc")), min_size=65, max_size=200)),
    ).filter(str.strip)
)
def test_utf8_prose_round_trips(tmp_path, text):
    row = _read(tmp_path, "r.txt", text.encode("utf-8"))
    if text.lstrip().lower().startswith(("<!doctype html", "<html", "<head", "<body", "<meta")):
        return  # that is an HTML document
    assert row["status"] == "accepted"
    assert row["encoding"] == "utf-8"
    assert row["text"] == text.replace("\r\n", "\n").replace("\r", "\n")


def test_short_gbk_that_happens_to_be_valid_utf8_is_read_as_gbk(tmp_path):
    text = "学习实施"  # GBK D1A7 CFB0 CAB5 CAA9: every pair is also a valid UTF-8 sequence
    data = text.encode("gbk")
    assert all("\u0080" <= c <= "\u07ff" for c in data.decode("utf-8"))
    row = _read(tmp_path, "r.txt", data)
    assert row["encoding"] == "gb18030" and row["text"] == text
