"""DOC/WPS (Word 97-2003 binary): the standard-library piece-table reader, and
the antiword/catdoc fallback for what it cannot read."""
import pytest

from fazhi_read import read_bytes
from fazhi_read.readers import ole

from . import fixtures as fx


@pytest.mark.parametrize("seed", range(len(fx.SEEDS)))
def test_doc_same_text_and_pages(seed):
    text = fx.seed_text(seed)
    pages = fx.chunks(text)
    res = read_bytes(fx.make_doc(pages))
    assert res.ok and res.format == "doc" and res.reader == "doc.cfb", res
    assert fx.squash(res.text) == fx.squash(text)
    assert res.page_count == len(pages)
    for k, page in enumerate(pages):
        head = fx.squash(page)[:12]
        assert res.page_at(res.text.index(head[:6])) == k + 1


def test_doc_fields_and_tables():
    body = ("前言\n共有\x13 MERGEFIELD n \x14123\x15件。\n"
            "类别\x07收案数\x07结案数\x07\x07行政复议\x07123\x07120\x07\x07"
            "后文")
    res = read_bytes(fx.make_doc([body]))
    assert res.ok and res.page_count is None
    assert res.text.split("\n") == ["前言", "共有123件。", "类别，收案数，结案数", "行政复议，收案数：123，结案数：120。", "后文"]


def test_encrypted_doc():
    res = read_bytes(fx.make_doc(["保密"], encrypted=True))
    assert res.reason == "encrypted" and res.format == "doc"


def test_word6_goes_to_the_tools(monkeypatch):
    calls = []

    def fake_run(cmd, timeout):
        calls.append(cmd[0])
        return (-11, "", "") if cmd[0] == "antiword" else (0, "旧格式文档，案件45件。\n", "")

    monkeypatch.setattr(ole, "tools", lambda: ["antiword", "catdoc"])
    monkeypatch.setattr(ole, "_run", fake_run)
    res = read_bytes(fx.make_doc(["旧格式文档"], nfib=0x0065 - 1))
    assert calls == ["antiword", "catdoc"]
    assert res.ok and res.reader == "doc.catdoc" and "45件" in res.text


def test_word6_without_tools(monkeypatch):
    monkeypatch.setattr(ole, "tools", lambda: [])
    res = read_bytes(fx.make_doc(["旧格式文档"], nfib=0x0065 - 1))
    assert res.reason == "reader_unavailable" and "antiword" in res.message


def test_ole2_that_is_not_a_word_document():
    data = fx._cfb({"Workbook": b"\x09\x08" + b"\x00" * 5000})
    res = read_bytes(data)
    assert res.reason == "not_a_report_format" and res.format == "xls"


def test_password_protected_docx():
    data = fx._cfb({"EncryptionInfo": b"\x04\x00\x04\x00" + b"\x00" * 4096, "EncryptedPackage": b"\x00" * 8192})
    res = read_bytes(data)
    assert res.reason == "encrypted" and res.format == "encrypted_office"
