"""A run asked to stop (SIGTERM, SIGINT) stops, publishes nothing and exits non-zero.

Dagster's in-process execution turns SIGTERM into an interrupt raised inside
the running step, and the step's retry policy then ran it again: a terminated
`make run` went on and published with exit code 0. Dagster's handlers replace
any Python handler installed before the run, so this module listens below
them: `signal.set_wakeup_fd` makes the interpreter write every signal's number
to a pipe whatever Python handler is installed, and a thread reading that pipe
records the request. The pipeline's own steps call `check()` at their start
and at safe points (between parse batches, before the publishing rename) and
fail without retries once a stop was requested.
"""
from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
_requested = threading.Event()
_received: list[int] = []


def requested() -> int | None:
    """The number of the signal that asked the run to stop, or None."""
    return _received[0] if _requested.is_set() else None


def check(where: str) -> None:
    """Fail the step, without retries, when the run was asked to stop."""
    signum = requested()
    if signum is not None:
        raise dg.Failure(
            description=f"run terminated by {signal.Signals(signum).name} ({where}): stopping, nothing is published",
            allow_retries=False,
        )


@contextmanager
def watch() -> Iterator[None]:
    """Record SIGTERM/SIGINT received while the block runs (main thread only)."""
    read_fd, write_fd = os.pipe()
    os.set_blocking(write_fd, False)
    previous = signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)

    def listen() -> None:
        while True:
            try:
                data = os.read(read_fd, 64)
            except OSError:
                return
            if not data:
                return
            for signum in data:
                if signum in STOP_SIGNALS and not _requested.is_set():
                    _received.append(signum)
                    _requested.set()

    listener = threading.Thread(target=listen, name="fazhi-signal-watch", daemon=True)
    listener.start()
    try:
        yield
    finally:
        signal.set_wakeup_fd(previous)
        os.close(write_fd)  # ends the listener's read
        listener.join(timeout=5)
        os.close(read_fd)


def reset() -> None:
    """Forget a recorded request (for a process that runs again, e.g. tests)."""
    _requested.clear()
    _received.clear()
