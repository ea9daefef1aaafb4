"""OCR with RapidOCR on onnxruntime (models ship inside the rapidocr-onnxruntime
wheel: nothing is downloaded, ever). The engine is loaded once per process."""
from __future__ import annotations

import threading

_lock = threading.Lock()
_engines: dict[int, object] = {}
_unavailable: str | None = None


def available() -> bool:
    global _unavailable
    if _unavailable is not None:
        return False
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except Exception as exc:  # ImportError, or a broken native library
        _unavailable = f"{type(exc).__name__}: {exc}"
        return False
    return True


def why_unavailable() -> str | None:
    available()
    return _unavailable


def _engine(threads: int):
    with _lock:
        eng = _engines.get(threads)
        if eng is None:
            from rapidocr_onnxruntime import RapidOCR

            # No angle classifier: report pages are upright, and it turns some lines
            # of dense figures upside down (then they read as garbage and are dropped).
            eng = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1, use_cls=False)
            _engines[threads] = eng
        return eng


def recognise(image, *, threads: int = 1, reflow: bool = True) -> tuple[str, float | None]:
    """Text of a PIL image in reading order (lines top to bottom, boxes left to
    right; lines wrapped at the right margin joined back when ``reflow``) and the
    mean confidence weighted by characters; ('', None) if nothing."""
    import numpy as np

    from .readers._text import reflow as join_wrapped

    arr = np.asarray(image.convert("RGB"))[:, :, ::-1]  # RGB -> BGR, as OpenCV expects
    result, _ = _engine(threads)(arr)
    if not result:
        return "", None
    boxes = []
    for box, text, score in result:
        text = str(text).strip()
        if not text:
            continue
        ys = [p[1] for p in box]
        xs = [p[0] for p in box]
        boxes.append((min(ys), max(ys), min(xs), text, float(score), max(xs)))
    if not boxes:
        return "", None
    boxes.sort(key=lambda b: ((b[0] + b[1]) / 2, b[2]))
    lines: list[list[tuple]] = []
    for b in boxes:
        mid = (b[0] + b[1]) / 2
        if lines:
            last = lines[-1]
            top = min(x[0] for x in last)
            bottom = max(x[1] for x in last)
            if top <= mid <= bottom:
                last.append(b)
                continue
        lines.append([b])
    out: list[tuple[str, float, float]] = []
    num = den = 0.0
    for line in lines:
        line.sort(key=lambda b: b[2])
        s = ""
        for b in line:
            if s and s[-1].isascii() and s[-1].isalnum() and b[3][0].isascii() and b[3][0].isalnum():
                s += " "
            s += b[3]
            num += b[4] * len(b[3])
            den += len(b[3])
        last = line[-1]
        out.append((s, last[5], (last[5] - last[2]) / max(len(last[3]), 1)))
    text = join_wrapped(out) if reflow else "\n".join(t for t, _, _ in out)
    return text, (num / den if den else None)
