"""The same report as .txt, PDF, DOCX and OFD gives the same text (modulo
whitespace) and the right page for every part of it."""
import dataclasses
import re
from itertools import pairwise

import pytest

import fazhi_read
from fazhi_read import Reader, ReadOptions, ReadResult, Span, read_bytes, register

from . import fixtures as fx

TABLE = [["类别", "收案数", "结案数"], ["行政复议", "123", "120"], ["行政诉讼", "45", "44"]]


def loose_find(text: str, needle: str) -> int:
    """Offset in ``text`` of ``needle`` allowing whitespace between its characters."""
    pattern = r"\s*".join(re.escape(c) for c in re.sub(r"\s+", "", needle))
    m = re.search(pattern, text)
    assert m, f"not found: {needle!r}"
    return m.start()


def check_pages(res: ReadResult, pages: list[str]) -> None:
    assert res.page_count == len(pages)
    for k, page in enumerate(pages):
        head = re.sub(r"\s+", "", page)[:15]
        tail = re.sub(r"\s+", "", page)[-15:]
        assert res.page_at(loose_find(res.text, head)) == k + 1
        assert res.page_at(loose_find(res.text, tail) + 1) == k + 1
    # Spans are in order, cover their pages and stay inside the text.
    assert all(a.end <= b.start for a, b in pairwise(res.spans))
    assert res.spans[-1].end == len(res.text)


@pytest.mark.parametrize("seed", range(len(fx.SEEDS)))
def test_docx_same_text_and_pages(seed):
    text = fx.seed_text(seed)
    res = read_bytes(fx.make_docx(text))
    assert res.ok and res.format == "docx" and res.reader == "docx.python-docx"
    assert fx.squash(res.text) == fx.squash(text)
    check_pages(res, fx.chunks(text))


def test_docx_without_breaks_is_one_unpaged_part():
    text = fx.seed_text(1)
    res = read_bytes(fx.make_docx(text, page_breaks=False))
    assert res.ok and res.page_count is None
    assert res.spans == (Span(0, len(res.text), None, "part", "body"),)
    assert res.page_at(100) is None
    assert fx.squash(res.text) == fx.squash(text)


@pytest.mark.parametrize("seed", range(len(fx.SEEDS)))
def test_ofd_same_text_and_pages(seed):
    text = fx.seed_text(seed)
    pages = fx.chunks(text)
    res = read_bytes(fx.make_ofd(pages))
    assert res.ok and res.format == "ofd" and res.reader == "ofd.stdlib"
    assert fx.squash(res.text) == fx.squash(text)
    check_pages(res, pages)


def test_pdf_same_text_and_pages(report_pdfs):
    for text, pages, pdf in report_pdfs.values():
        res = read_bytes(pdf)
        assert res.ok and res.format == "pdf" and res.reader == "pdf.pdfium"
        assert not res.ocr and res.ocr_confidence is None
        assert fx.squash(res.text) == fx.squash(text)
        check_pages(res, pages)


def test_every_figure_is_found(report_pdfs):
    text, pages, pdf = report_pdfs[0]
    figures = re.findall(r"\d+(?:\.\d+)?%?", text)
    assert len(figures) > 20
    for data in (pdf, fx.make_docx(text), fx.make_ofd(pages)):
        got = re.findall(r"\d+(?:\.\d+)?%?", fx.squash(read_bytes(data).text))
        assert got == re.findall(r"\d+(?:\.\d+)?%?", fx.squash(text))


def test_pdf_table_rows_keep_labels(font):
    pdf = fx.make_pdf(["二、行政复议和行政诉讼情况如下表。"], table=TABLE)
    res = read_bytes(pdf)
    assert res.ok and res.reader == "pdf.pdfium+pdfplumber", res
    assert "行政复议，收案数：123，结案数：120。" in res.text
    assert "行政诉讼，收案数：45，结案数：44。" in res.text
    assert res.text.index("二、行政复议") < res.text.index("行政复议，收案数")


def test_docx_table_in_document_order():
    res = read_bytes(fx.make_docx("前言段落。", page_breaks=False, table=TABLE))
    assert res.ok
    lines = res.text.split("\n")
    assert lines == ["前言段落。", "类别，收案数，结案数", "行政复议，收案数：123，结案数：120。",
                     "行政诉讼，收案数：45，结案数：44。", "表后段落。"]


def test_detect_by_content_not_name(report_pdfs):
    text = fx.seed_text(0)
    assert fazhi_read.detect(report_pdfs[0][2]) == "pdf"
    assert fazhi_read.detect(fx.make_docx(text)) == "docx"
    assert fazhi_read.detect(fx.make_ofd(["一"])) == "ofd"
    assert fazhi_read.detect(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40) == "image"
    assert fazhi_read.detect(text.encode("utf-8")) == "text"
    assert fazhi_read.detect(text.encode("gb18030", "replace")) == "text"
    assert fazhi_read.detect(b"\xef\xbb\xbf<!DOCTYPE html><html><body>x</body></html>") == "html"


def test_text_and_html_are_left_to_the_text_path():
    data = fx.seed_text(2).encode("utf-8")
    res = read_bytes(data)
    assert not res.handled and res.format == "text" and res.problem is None
    res = read_bytes(data, text_reader=lambda b: b.decode("utf-8"))
    assert res.ok and res.reader == "text" and res.text == fx.seed_text(2)


def test_a_new_format_is_a_new_reader():
    def sniff(data):
        return "toy" if data.startswith(b"TOY1") else None

    def read(data, fmt, ctx):
        text = data[4:].decode()
        return ReadResult(format=fmt, ok=True, reader="toy", text=text, spans=(Span(0, len(text), 1),), page_count=1)

    reader = register(Reader(name="toy", formats=("toy",), sniff=sniff, read=read), first=True)
    try:
        res = read_bytes(b"TOY1hello")
        assert res.ok and res.format == "toy" and res.text == "hello" and res.page_at(0) == 1
    finally:
        fazhi_read.READERS.remove(reader)
    assert not read_bytes(b"TOY1hello").handled


def test_options_are_a_frozen_dataclass():
    opts = ReadOptions(max_pages=10)
    with pytest.raises(dataclasses.FrozenInstanceError):
        opts.max_pages = 5  # type: ignore[misc]


def test_text_that_starts_like_a_signature_is_text():
    assert fazhi_read.detect("BM公司2023年法治政府建设报告，行政复议案件12件。".encode()) == "text"
    assert fazhi_read.detect(b"<html><body><p>%PDF-1.7 is a format</p></body></html>") == "html"
    assert fazhi_read.detect(b"\r\n%PDF-1.7\n") == "pdf"


def test_reflow_joins_only_lines_wrapped_at_the_margin():
    from fazhi_read.readers._text import reflow

    lines = [
        ("一、主要工作", 60.0, 10.0),  # a short heading line: kept
        ("全年共受理行政复议案件1", 200.0, 5.0),  # wrapped inside a number
        ("23件，办结120件。调解率", 199.0, 10.0),  # wrapped after a word
        ("达到95%。", 70.0, 5.0),  # paragraph end
        ("(二)加强 legal", 201.0, 5.0),  # wrapped between Latin words
        ("aid 工作，", 195.0, 10.0),  # at the margin, but the next line is a heading
        ("1.完善制度。", 80.0, 10.0),
        ("", None, None),
    ]
    assert reflow(lines) == ("一、主要工作\n全年共受理行政复议案件123件，办结120件。调解率达到95%。\n"
                             "(二)加强 legal aid 工作，\n1.完善制度。\n")


def test_command_line(tmp_path, capsys):
    from fazhi_read.__main__ import main

    (tmp_path / "a.docx").write_bytes(fx.make_docx(fx.seed_text(0)))
    (tmp_path / "b.pdf").write_text("<html><body>行政复议</body></html>", encoding="utf-8")
    (tmp_path / "c.ofd").write_bytes(fx.make_ofd(["一"])[:100])
    assert main([str(p) for p in sorted(tmp_path.iterdir())]) == 0
    out = capsys.readouterr().out
    assert "docx.python-docx\t3 pages" in out
    assert "b.pdf\thtml\t(left to the text path)" in out
    assert "c.ofd\tofd\tcorrupt: " in out
    assert out.rstrip().endswith("per format: docx 1, html 1, ofd 1")
