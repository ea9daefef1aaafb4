"""Bad input: a reason code and a sentence, never an exception, in bounded time."""
import io
import time
import zipfile

import pytest

from fazhi_read import ReadOptions, ocr, read_bytes

from . import fixtures as fx


def refused(res, reason):
    assert res.handled and not res.ok, res
    assert res.reason == reason, res
    assert res.message and res.problem == f"{reason}: {res.message}"
    return res


def test_encrypted_pdf(font):
    res = refused(read_bytes(fx.make_pdf(["密码保护的报告，共有案件123件。"], encrypt="secret")), "encrypted")
    assert res.format == "pdf"


def test_pdf_with_only_an_owner_password_is_read(font):
    res = read_bytes(fx.make_pdf(["只有所有者密码，共有案件123件。"], encrypt=""))
    assert res.ok and "123" in res.text


def test_pdf_without_text_and_ocr_off(garbage_pdf):
    _, pdf = garbage_pdf
    res = refused(read_bytes(pdf, options=ReadOptions(ocr=False)), "no_text")
    assert "OCR" in res.message


def test_pdf_without_text_and_ocr_not_installed(garbage_pdf, monkeypatch):
    _, pdf = garbage_pdf
    monkeypatch.setattr(ocr, "available", lambda: False)
    monkeypatch.setattr(ocr, "why_unavailable", lambda: "ModuleNotFoundError: rapidocr_onnxruntime")
    res = refused(read_bytes(pdf), "no_text")
    assert "unavailable" in res.message


def test_blank_pdf_page_without_ocr():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    res = refused(read_bytes(bytes(pdf.output()), options=ReadOptions(ocr=False)), "no_text")
    assert res.format == "pdf"


def test_truncated_pdf():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica")
    pdf.cell(0, 10, "cases 123")
    data = bytes(pdf.output())
    refused(read_bytes(data[: len(data) // 3]), "corrupt")


@pytest.mark.parametrize("kind", ["docx", "ofd"])
def test_truncated_zip(kind):
    text = fx.seed_text(0)
    data = fx.make_docx(text) if kind == "docx" else fx.make_ofd(fx.chunks(text))
    for cut in (len(data) // 2, len(data) - 30):
        res = refused(read_bytes(data[:cut]), "corrupt")
        assert res.format == kind  # still recognised by its first members' names


def test_ofd_with_broken_xml():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml")
    refused(read_bytes(buf.getvalue()), "corrupt")


def test_zip_bomb_disguised_as_docx():
    # 300 MB of zeros deflate to ~300 KB: refused from the central directory,
    # before anything is inflated.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as fh:
            block = b"\x00" * (1 << 20)
            for _ in range(300):
                fh.write(block)
    data = buf.getvalue()
    assert len(data) < 3_000_000
    t0 = time.monotonic()
    res = refused(read_bytes(data), "zip_bomb")
    assert time.monotonic() - t0 < 1.0
    assert res.format == "docx" and "nothing was decompressed" in res.message


def test_zip_with_too_many_members():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("OFD.xml", "<OFD/>")
        for i in range(60):
            z.writestr(f"x/{i}", "")
    refused(read_bytes(buf.getvalue(), options=ReadOptions(max_zip_members=50)), "zip_bomb")


def test_500_page_pdf_is_refused_quickly():
    data = fx.make_many_pages_pdf(500)
    t0 = time.monotonic()
    res = refused(read_bytes(data), "too_large")
    assert time.monotonic() - t0 < 2.0
    assert "500 pages" in res.message


def test_time_budget():
    data = fx.make_many_pages_pdf(20)
    res = refused(read_bytes(data, options=ReadOptions(time_budget=0.0)), "timeout")
    assert "budget" in res.message


def test_file_over_the_size_limit():
    data = fx.make_many_pages_pdf(3)
    refused(read_bytes(data, options=ReadOptions(max_bytes=100)), "too_large")


def test_image_with_nothing_recognisable():
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (500, 350), "white")
    ImageDraw.Draw(img).rectangle((100, 100, 300, 200), outline="gray", width=3)
    res = refused(read_bytes(fx.png_bytes(img)), "no_text")
    assert res.format == "image"


def test_image_over_the_pixel_limit():
    from PIL import Image

    img = Image.new("1", (4000, 4000), 1)
    refused(read_bytes(fx.png_bytes(img), options=ReadOptions(max_pixels=1_000_000)), "too_large")


def test_pdf_that_is_really_html():
    data = "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>报告</title></head><body><p>行政复议案件123件。</p></body></html>"
    res = read_bytes(data.encode("utf-8"), name="report.pdf")
    assert not res.handled and res.format == "html"


def test_other_containers_are_not_reports():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    res = refused(read_bytes(buf.getvalue()), "not_a_report_format")
    assert res.format == "xlsx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "x")
    refused(read_bytes(buf.getvalue()), "not_a_report_format")


def test_damaged_ole2_file():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    res = refused(read_bytes(data), "corrupt")
    assert res.format == "doc"


def _text_and_blank_pages(n_blank: int) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.cell(0, 10, "Page one has a text layer: 2023 cases 100")
    for _ in range(n_blank):
        pdf.add_page()
    return bytes(pdf.output())


def test_mixed_pdf_ocrs_only_the_pages_without_text(monkeypatch):
    monkeypatch.setattr(ocr, "available", lambda: True)
    monkeypatch.setattr(ocr, "recognise", lambda image, **kw: ("扫描页 案件45件", 0.8))
    res = read_bytes(_text_and_blank_pages(2))
    assert res.ok and res.reader == "pdf.pdfium+ocr" and res.page_count == 3
    assert [(s.page, s.ocr, s.confidence) for s in res.spans] == [(1, False, None), (2, True, 0.8), (3, True, 0.8)]
    assert res.page_at(res.text.rindex("45")) == 3
    assert res.ocr and res.ocr_confidence == 0.8
    assert res.provenance() == {"format": "pdf", "reader": "pdf.pdfium+ocr", "page_count": 3, "ocr": True, "ocr_confidence": 0.8}
    assert [p["char_start"] for p in res.pages()] == [s.start for s in res.spans]


def test_too_many_pages_to_ocr(monkeypatch):
    monkeypatch.setattr(ocr, "available", lambda: True)
    res = refused(read_bytes(_text_and_blank_pages(5), options=ReadOptions(ocr_max_pages=3)), "too_large")
    assert "need OCR" in res.message


def test_pages_without_text_are_skipped_with_a_warning_when_ocr_is_off():
    res = read_bytes(_text_and_blank_pages(1), options=ReadOptions(ocr=False))
    assert res.ok and res.reader == "pdf.pdfium" and len(res.spans) == 1
    assert res.warnings and "OCR" in res.warnings[0]


def test_read_path(tmp_path):
    path = tmp_path / "report.docx"  # the name says DOCX; the content is an OFD
    path.write_bytes(fx.make_ofd(["第一页，案件12件。"]))
    res = __import__("fazhi_read").read_path(path)
    assert res.ok and res.format == "ofd" and "12件" in res.text


def test_a_page_with_a_few_characters_keeps_them_when_ocr_finds_less(monkeypatch):
    from fpdf import FPDF

    monkeypatch.setattr(ocr, "available", lambda: True)
    monkeypatch.setattr(ocr, "recognise", lambda image, **kw: ("", None))
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.cell(0, 10, "2023")
    pdf.add_page()
    pdf.cell(0, 10, "Page two has a text layer: 2023 cases 100")
    res = read_bytes(bytes(pdf.output()))
    assert res.ok and res.reader == "pdf.pdfium" and not res.ocr
    assert res.text.startswith("2023\n") and res.page_at(0) == 1
    res = read_bytes(bytes(pdf.output()), options=ReadOptions(ocr=False))
    assert res.ok and res.text.startswith("2023\n") and not res.warnings
