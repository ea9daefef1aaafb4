"""What a reader hands back: text, where each part of it came from, or why not."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace
from functools import cached_property


@dataclass(frozen=True)
class Span:
    """A stretch of the text, [start, end) in ``ReadResult.text``, and where it came from.

    ``page`` is 1-based for paged sources (PDF, OFD, images, DOCX with page
    breaks) and None where the source has no pages. ``kind`` is ``page``,
    ``table`` or ``part``. ``ocr`` marks text recognised from an image, with the
    mean recognition ``confidence`` (0..1) of that stretch.
    """

    start: int
    end: int
    page: int | None = None
    kind: str = "page"
    label: str = ""
    ocr: bool = False
    confidence: float | None = None


@dataclass(frozen=True)
class ReadResult:
    """The outcome of reading one file.

    ``handled`` is False for formats this package leaves to the caller's text
    path (plain text and HTML in every encoding, and bytes of no known report
    format): ``format`` then says what was seen (``text``, ``html``) and
    nothing else is set. When ``handled`` and ``ok``, ``text`` is the
    extracted text and ``spans`` cover it in order. When ``handled`` and not
    ``ok``, ``reason`` is a short code (``encrypted``, ``no_text``,
    ``corrupt``, ``too_large``, ``zip_bomb``, ``timeout``,
    ``not_a_report_format``, ``reader_unavailable``) and ``message`` a sentence.
    """

    format: str
    handled: bool = True
    ok: bool = False
    reader: str | None = None
    text: str = ""
    spans: tuple[Span, ...] = ()
    page_count: int | None = None
    ocr: bool = False  # any of the text was recognised from images
    ocr_confidence: float | None = None  # mean over OCR'd characters
    reason: str | None = None
    message: str | None = None
    warnings: tuple[str, ...] = field(default=())
    seconds: float | None = None

    @property
    def problem(self) -> str | None:
        """'<code>: <sentence>', the form ingest's reject reasons take."""
        if self.ok or not self.handled:
            return None
        return f"{self.reason}: {self.message}"

    def page_at(self, offset: int) -> int | None:
        """The page the character at ``offset`` of ``text`` is on (None if unpaged)."""
        span = self.span_at(offset)
        return span.page if span else None

    def span_at(self, offset: int) -> Span | None:
        """The span holding ``offset`` (a separator between spans belongs to the span before)."""
        i = bisect.bisect_right(self._starts, offset) - 1
        return self.spans[i] if i >= 0 else None

    @cached_property
    def _starts(self) -> list[int]:
        return [s.start for s in self.spans]

    def provenance(self) -> dict:
        """The columns ingest records per file (raw.report_files)."""
        return {
            "format": self.format,
            "reader": self.reader,
            "page_count": self.page_count,
            "ocr": self.ocr,
            "ocr_confidence": self.ocr_confidence,
        }

    def pages(self) -> list[dict]:
        """One row per span: where each page (or part) lies in ``text``, for a
        table that figure offsets can be joined to (char_start <= offset < char_end)."""
        return [
            {"part": i + 1, "page": s.page, "kind": s.kind, "label": s.label, "char_start": s.start,
             "char_end": s.end, "ocr": s.ocr, "ocr_confidence": s.confidence}
            for i, s in enumerate(self.spans)
        ]

    def with_(self, **changes) -> ReadResult:
        return replace(self, **changes)


def failure(fmt: str, reason: str, message: str, reader: str | None = None, **extra) -> ReadResult:
    return ReadResult(format=fmt, ok=False, reason=reason, message=message, reader=reader, **extra)


class ReadFailure(Exception):
    """Raised inside a reader to give up with a reason code and a sentence."""

    def __init__(self, reason: str, message: str):
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.message = message


class Builder:
    """Accumulates text parts and their spans; parts are joined by a newline."""

    SEP = "\n"

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._spans: list[Span] = []
        self._len = 0

    def add(self, text: str, **span) -> None:
        if self._parts:
            self._parts.append(self.SEP)
            self._len += len(self.SEP)
        start = self._len
        self._parts.append(text)
        self._len += len(text)
        self._spans.append(Span(start=start, end=self._len, **span))

    @property
    def text(self) -> str:
        return "".join(self._parts)

    @property
    def spans(self) -> tuple[Span, ...]:
        return tuple(self._spans)

    def ocr_stats(self) -> tuple[bool, float | None]:
        """(any OCR, mean confidence weighted by the length of each OCR'd span)."""
        num = den = 0.0
        any_ocr = False
        for s in self._spans:
            if s.ocr:
                any_ocr = True
                if s.confidence is not None and s.end > s.start:
                    num += s.confidence * (s.end - s.start)
                    den += s.end - s.start
        return any_ocr, (round(num / den, 4) if den else None)
