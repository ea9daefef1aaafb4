"""The registry of readers: one per format family, each a module under ``readers/``
that calls ``register`` with a sniffing function and a reading function."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from .options import ReadOptions
from .result import ReadResult


@dataclass
class Context:
    """What a reader gets besides the bytes: the options and the file's time budget."""

    options: ReadOptions
    started: float
    name: str = ""

    @property
    def deadline(self) -> float:
        return self.started + self.options.time_budget

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def check_time(self, what: str) -> None:
        from .result import ReadFailure

        if time.monotonic() > self.deadline:
            raise ReadFailure(
                "timeout",
                f"reading took longer than the {self.options.time_budget:.0f} s budget (stopped at {what})",
            )


@dataclass(frozen=True)
class Reader:
    """``sniff(data)`` returns the format it recognises in the bytes (e.g. 'pdf',
    'docx') or None; ``read(data, format, ctx)`` returns a ReadResult and may
    raise ReadFailure. ``formats`` lists what ``sniff`` can return."""

    name: str
    formats: tuple[str, ...]
    sniff: Callable[[bytes], str | None]
    read: Callable[[bytes, str, Context], ReadResult]


READERS: list[Reader] = []


def register(reader: Reader, *, first: bool = False) -> Reader:
    """Add a reader; ``first`` puts it before the others (its sniff wins)."""
    for i, r in enumerate(READERS):
        if r.name == reader.name:
            READERS[i] = reader
            return reader
    if first:
        READERS.insert(0, reader)
    else:
        READERS.append(reader)
    return reader


def find(data: bytes) -> tuple[str, Reader] | None:
    for reader in READERS:
        fmt = reader.sniff(data)
        if fmt:
            return fmt, reader
    return None
