"""OCR: a scanned page and a PDF whose text layer is garbage (one small page each)."""
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from fazhi_read import ReadOptions, read_bytes

from . import fixtures as fx


def test_scanned_page_image(font):
    excerpt = fx.ocr_excerpt()
    assert len(re.findall(r"\d", excerpt)) >= 30
    res = read_bytes(fx.png_bytes(fx.page_image(excerpt, width=900, font_size=24)))
    assert res.ok and res.format == "image" and res.reader == "image.ocr", res
    assert res.ocr and 0.5 < res.ocr_confidence <= 1
    assert res.page_count == 1 and res.spans[0].ocr and res.page_at(0) == 1
    assert fx.digit_recall(excerpt, res.text) >= 0.9


def test_scanned_ofd_page(font):
    excerpt = fx.ocr_excerpt()
    png = fx.png_bytes(fx.page_image(excerpt, width=900, font_size=24))
    data = fx.make_scanned_ofd([png])
    res = read_bytes(data)
    assert res.ok and res.format == "ofd" and res.reader == "ofd.stdlib+ocr", res
    assert res.ocr and res.spans[0].ocr and res.spans[0].page == 1 and res.ocr_confidence > 0.5
    assert fx.digit_recall(excerpt, res.text) >= 0.9
    res = read_bytes(data, options=ReadOptions(ocr=False))
    assert res.reason == "no_text" and "scanned" in res.message


def test_garbage_text_layer_falls_back_to_ocr(garbage_pdf):
    import pypdfium2

    excerpt, pdf = garbage_pdf
    layer = pypdfium2.PdfDocument(pdf)[0].get_textpage().get_text_bounded()
    assert sum(0xE000 <= ord(c) <= 0xF8FF for c in layer) > 100  # the layer really is garbage
    res = read_bytes(pdf)
    assert res.ok and res.reader == "pdf.ocr" and res.ocr, res
    assert res.spans[0].ocr and res.spans[0].page == 1
    assert res.ocr_confidence > 0.5
    assert fx.digit_recall(excerpt, res.text) >= 0.9


def test_ocr_needs_no_network(tmp_path):
    """The models ship in the wheel: OCR works with sockets disabled and an empty HOME."""
    script = textwrap.dedent(
        """
        import socket
        def refuse(*a, **k):
            raise OSError("network disabled in this test")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        from PIL import Image, ImageDraw, ImageFont
        from fazhi_read import ocr
        img = Image.new("RGB", (360, 90), "white")
        ImageDraw.Draw(img).text((20, 25), "2023 1241", fill="black", font=ImageFont.load_default(size=36))
        text, conf = ocr.recognise(img)
        print(repr(text), conf)
        assert "1241" in text.replace(" ", ""), text
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / "cache"),
               PYTHONPATH=str(Path(__file__).resolve().parents[2] / "orchestration"))
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0, p.stderr[-2000:]
    assert not any(tmp_path.iterdir()) or not list(tmp_path.rglob("*.onnx"))
