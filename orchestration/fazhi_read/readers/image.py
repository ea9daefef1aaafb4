"""Images (PNG, JPEG, TIFF incl. multi-page, BMP, GIF, WebP): OCR, one page per frame."""
from __future__ import annotations

import io

from .. import ocr
from ..registry import Context, Reader, register
from ..result import Builder, ReadFailure, ReadResult
from ._text import tidy

MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"BM", "bmp"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)


def _is_bmp(data: bytes) -> bool:
    """'BM' starts many texts too: also require a BMP info header size and the file size."""
    if len(data) < 26:
        return False
    size = int.from_bytes(data[2:6], "little")
    header = int.from_bytes(data[14:18], "little")
    return header in (12, 40, 52, 56, 64, 108, 124) and size in (0, len(data))


def sniff(data: bytes) -> str | None:
    for magic, kind in MAGIC:
        if data.startswith(magic):
            if kind == "bmp" and not _is_bmp(data):
                return None
            return "image"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image"
    return None


def read(data: bytes, fmt: str, ctx: Context) -> ReadResult:
    opts = ctx.options
    from PIL import Image

    try:
        img = Image.open(io.BytesIO(data))
        w, h = img.size
    except Exception as exc:
        raise ReadFailure("corrupt", f"the image could not be opened ({type(exc).__name__})") from None
    if w * h > opts.max_pixels:
        raise ReadFailure("too_large", f"the image has {w}x{h} pixels, more than the {opts.max_pixels:,} allowed")
    frames = getattr(img, "n_frames", 1)
    if frames > opts.ocr_max_pages:
        raise ReadFailure("too_large",
                          f"the image has {frames} pages, more than the {opts.ocr_max_pages} allowed for OCR")
    if not (opts.ocr and ocr.available()):
        why = "OCR is switched off" if not opts.ocr else f"OCR is unavailable ({ocr.why_unavailable()})"
        raise ReadFailure("no_text", f"the file is an image and {why}")
    b = Builder()
    for i in range(frames):
        ctx.check_time(f"OCR of image page {i + 1} of {frames}")
        try:
            img.seek(i)
            frame = img.convert("RGB")
        except Exception as exc:
            raise ReadFailure("corrupt", f"image page {i + 1} could not be decoded ({type(exc).__name__})") from None
        text, conf = ocr.recognise(frame, threads=opts.ocr_threads, reflow=opts.reflow)
        text = tidy(text)
        if text:
            b.add(text, page=i + 1, kind="page", label=f"page {i + 1}", ocr=True, confidence=conf)
    if not b.text.strip():
        raise ReadFailure("no_text", "OCR found nothing recognisable in the image")
    _, conf = b.ocr_stats()
    return ReadResult(format=fmt, ok=True, reader="image.ocr", text=b.text, spans=b.spans, page_count=frames,
                      ocr=True, ocr_confidence=conf)


def recognise_bytes(data: bytes, ctx: Context) -> tuple[str, float | None]:
    """OCR of one encoded image (first frame), inside the pixel limit (for images inside other formats)."""
    from PIL import Image

    opts = ctx.options
    try:
        img = Image.open(io.BytesIO(data))
        w, h = img.size
        if w * h > opts.max_pixels:
            raise ReadFailure("too_large",
                              f"an embedded image has {w}x{h} pixels, more than the {opts.max_pixels:,} allowed")
        frame = img.convert("RGB")
    except ReadFailure:
        raise
    except Exception as exc:
        raise ReadFailure("corrupt", f"an embedded image could not be decoded ({type(exc).__name__})") from None
    ctx.check_time("OCR of an embedded image")
    text, conf = ocr.recognise(frame, threads=opts.ocr_threads, reflow=opts.reflow)
    return tidy(text), conf


READER = register(Reader(name="image", formats=("image",), sniff=sniff, read=read))
