"""Reading throughput per format (the `read` stage of benchmarks/run.py).

Files are generated from the samples in seeds/ with the reader tests'
fixture builders (tests/read/fixtures.py): each sample as a PDF with a text
layer (about 3 A4 pages), a PDF whose pages hold a table (pdfplumber's path),
a DOCX, an OFD and a Word 97 .doc; for OCR, full A4 pages of a sample whose text layer is
garbage (rendered at the default 150 dpi and recognised) and page images.
Reading is `fazhi_read.read_bytes` in this process, one file at a time, with
the default options (one onnxruntime thread); best of `repeat` passes.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
for p in (REPO / "orchestration", REPO):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import fazhi_read  # noqa: E402
from fazhi_read import ocr  # noqa: E402
from tests.read import fixtures as fx  # noqa: E402


def _pass(files: list[bytes]) -> tuple[float, int, list[str]]:
    t0 = time.perf_counter()
    pages = 0
    texts = []
    for data in files:
        res = fazhi_read.read_bytes(data)
        if not res.ok:
            raise RuntimeError(f"benchmark file not read: {res.problem}")
        pages += res.page_count or 1
        texts.append(res.text)
    return time.perf_counter() - t0, pages, texts


def _measure(files: list[bytes], repeat: int, expected: list[str] | None = None) -> dict:
    best = None
    for _ in range(repeat):
        secs, pages, texts = _pass(files)
        best = secs if best is None else min(best, secs)
    out = {"files": len(files), "pages": pages, "chars": sum(map(len, texts)), "seconds": round(best, 4),
           "pages_per_s": round(pages / best, 2), "files_per_s": round(len(files) / best, 2),
           "mb_per_s": round(sum(map(len, files)) / best / 1e6, 2)}
    if expected:
        out["digit_recall"] = round(fx.digit_recall("".join(expected), "".join(texts)), 4)
    return out


def bench_read(repeat: int = 3, ocr_pages: int = 2, say=print) -> dict:
    if fx.cjk_font() is None:
        return {"skipped": "no CJK font for the fixtures (make setup installs fonts-wqy-microhei)"}
    texts = [fx.seed_text(i) for i in range(len(fx.SEEDS))]
    say("  generate fixtures: PDF, PDF with tables, DOCX, OFD per sample")
    pdfs = [fx.make_pdf(fx.chunks(t)) for t in texts]
    table = [["类别", "收案数", "结案数", "纠错率"]]
    table += [[f"类别{i}", str(100 + i), str(90 + i), f"{i}.5%"] for i in range(12)]
    table_pdfs = [fx.make_pdf(fx.chunks(texts[0])[:1], table=table)]
    docxs = [fx.make_docx(t) for t in texts]
    ofds = [fx.make_ofd(fx.chunks(t)) for t in texts]
    docs = [fx.make_doc(fx.chunks(t)) for t in texts]
    out: dict = {}
    for name, files in (("pdf_text", pdfs), ("pdf_tables", table_pdfs), ("docx", docxs), ("ofd", ofds), ("doc", docs)):
        out[name] = _measure(files, repeat)
        say(f"  {name}: {out[name]['pages_per_s']:,.1f} pages/s ({out[name]['files_per_s']:,.1f} files/s)")
    if not ocr.available():
        out["ocr"] = {"skipped": f"OCR unavailable: {ocr.why_unavailable()}"}
        return out
    t0 = time.perf_counter()
    ocr._engine(fazhi_read.DEFAULT.ocr_threads)
    out["ocr_engine_load_s"] = round(time.perf_counter() - t0, 2)
    pages = fx.chunks(texts[1], size=900)[:ocr_pages]
    scanned = [fx.make_garbage_layer_pdf(p, format="A4") for p in pages]
    images = [fx.png_bytes(fx.page_image(p)) for p in pages]
    for name, files in (("ocr_pdf", scanned), ("ocr_image", images)):
        out[name] = _measure(files, 1, expected=pages)
        got = out[name]
        say(f"  {name}: {got['pages_per_s']:.2f} pages/s ({got['seconds'] / got['pages']:.1f} s/page), "
            f"{got['digit_recall']:.1%} of the digits")
    return out


def rows(r: dict) -> list[tuple[str, str, str, str]]:
    if "skipped" in r:
        return [("reading throughput", r["skipped"], "", "")]
    labels = {
        "pdf_text": "read PDF with a text layer (PDFium)",
        "pdf_tables": "read PDF pages with tables (pdfplumber)",
        "docx": "read DOCX (python-docx)",
        "ofd": "read OFD (stdlib XML)",
        "doc": "read DOC (stdlib piece table)",
        "ocr_pdf": "OCR a scanned/garbage-layer A4 PDF page, 150 dpi, 1 thread",
        "ocr_image": "OCR an A4 page image (~150 dpi), 1 thread",
    }
    out = []
    for key, label in labels.items():
        m = r.get(key)
        if not m:
            continue
        if "skipped" in m:
            out.append((label, m["skipped"], "", ""))
            continue
        result = f"{m['pages_per_s']:,.2f} pages/s, {m['mb_per_s']:.1f} MB/s"
        if "digit_recall" in m:
            result += f", {m['digit_recall']:.1%} of the digits"
        out.append((f"{label}: {m['pages']} pages", result, "", ""))
    if "ocr_engine_load_s" in r:
        out.append(("OCR engine load (once per process)", f"{r['ocr_engine_load_s']:.1f} s", "", ""))
    return out


if __name__ == "__main__":
    import json

    print(json.dumps(bench_read(), indent=2))
