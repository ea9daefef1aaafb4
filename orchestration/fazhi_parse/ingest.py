"""Reading the reports folder: one `raw.report_files` row per file, never an exception.

`read_report` turns one file into a row (accepted, or rejected with a reason
code and a sentence); `scan` walks a folder, reads every file and marks
accepted files whose text repeats an earlier one as duplicates.
"""
from __future__ import annotations

import hashlib
import os
import stat
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import polars as pl

from fazhi_parse.decode import decode_bytes, normalise_newlines
from fazhi_parse.html_text import HTML_SUFFIXES, article_text, declared_charset, looks_like_html
from fazhi_parse.schema import REPORT_FILES

DEFAULT_MAX_BYTES = 50 * 2**20
_HASH_LIMIT = 2**30  # too-large files bigger than this are not even hashed


def source_file_for(path: Path, root: Path) -> str:
    """Path relative to root, '/' separated; undecodable name bytes shown as \\xNN."""
    try:
        rel = path.relative_to(root)
    except ValueError:
        rel = Path(os.path.relpath(os.path.abspath(path), os.path.abspath(root)))
    # A Linux file name may hold bytes that are not UTF-8 (surrogate-escaped
    # by Python); the warehouse needs valid UTF-8.
    return os.fsencode(rel.as_posix()).decode("utf-8", "backslashreplace")


def _utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc)


def _os_error(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "unreadable: permission denied when reading the file"
    if isinstance(exc, IsADirectoryError):
        return "unreadable: the path is a directory, not a file"
    detail = exc.strerror or str(exc) or type(exc).__name__
    return f"unreadable: the file could not be read ({type(exc).__name__}: {detail})"


def _streamed_sha256(path: Path) -> str | None:
    """Hash a file too large to load, without holding it in memory."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def _file_kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def read_report(
    path: Path,
    root: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    ingested_at: datetime | None = None,
) -> dict:
    """One REPORT_FILES row for `path`; status is 'accepted' or 'rejected'."""
    path, root = Path(path), Path(root)
    row: dict = dict.fromkeys(REPORT_FILES)
    row["source_file"] = source_file_for(path, root)
    row["ingested_at"] = ingested_at or datetime.now(timezone.utc)
    row["media_type"] = "text/html" if path.suffix.lower() in HTML_SUFFIXES else "text/plain"

    def reject(reason: str) -> dict:
        row["status"] = "rejected"
        row["reason"] = reason
        return row

    try:
        info = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            try:
                row["modified_at"] = _utc(path.lstat().st_mtime)
            except OSError:
                pass
            return reject("unreadable: the file is a symbolic link whose target does not exist")
        return reject("unreadable: the file does not exist (removed while scanning?)")
    except OSError as exc:
        return reject(_os_error(exc))
    row["modified_at"] = _utc(info.st_mtime)
    if stat.S_ISDIR(info.st_mode):
        return reject("unreadable: the path is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        # Never open it: reading a named pipe would block the whole run.
        return reject(f"unreadable: the path is {_file_kind(info.st_mode)}, not a regular file")
    row["size_bytes"] = info.st_size
    if info.st_size > max_bytes:
        # Hashed in blocks so the file is never held in memory; past a point
        # even reading it is not worth the time.
        hashed = info.st_size <= _HASH_LIMIT
        row["sha256"] = _streamed_sha256(path) if hashed else None
        return reject(
            f"too_large: the file has {info.st_size:,} bytes, over the limit of {max_bytes:,} bytes"
            + ("" if hashed else " (not hashed)")
        )

    try:
        data = path.read_bytes()
    except OSError as exc:
        return reject(_os_error(exc))
    row["size_bytes"] = len(data)
    row["sha256"] = hashlib.sha256(data).hexdigest()
    if len(data) > max_bytes:  # it grew between stat and read
        return reject(f"too_large: the file has {len(data):,} bytes, over the limit of {max_bytes:,} bytes")
    if not data:
        return reject("empty: the file has no bytes")
    try:
        return _decode_into(row, data, path.suffix, reject)
    except Exception as exc:  # a bug must not stop the run; the row says what happened
        return reject(f"unprocessable: decoding or HTML extraction failed ({type(exc).__name__}: {exc})")


def _decode_into(row: dict, data: bytes, suffix: str, reject) -> dict:
    is_html = looks_like_html(data, suffix)
    decoded = decode_bytes(data, declared_charset(data) if is_html else None)
    if decoded.text is None:
        return reject(decoded.problem)
    # UTF-16 pages only show their markup once decoded.
    is_html = is_html or looks_like_html(decoded.text, suffix)
    if is_html:
        row["media_type"] = "text/html"
        row["encoding"] = f"html/{decoded.encoding}"
        row["raw_html"] = decoded.text
        row["text"] = normalise_newlines(article_text(decoded.text))
    else:
        row["media_type"] = "text/plain"
        row["encoding"] = decoded.encoding
        row["text"] = normalise_newlines(decoded.text)
    if decoded.problem:
        return reject(decoded.problem)
    if not row["text"].strip():
        if is_html:
            return reject("empty: the HTML page has no article text once scripts, menus and footers are removed")
        return reject("empty: the file holds only whitespace")
    row["status"] = "accepted"
    row["report_id"] = row["sha256"][:16]
    return row


# The reviewers' corrections file at the top of the reports folder is not a report.
CORRECTIONS_FILE = "corrections.csv"


def list_files(root: Path) -> tuple[list[Path], list[Path]]:
    """(files, unlistable directories) under root, skipping hidden names and CORRECTIONS_FILE.

    Symbolic links to directories are not followed (no cycles, no escaping
    the folder); any other non-directory entry is returned, so broken links
    and pipes are accounted for rather than silently missed.
    """
    files: list[Path] = []
    unlistable: list[Path] = []

    def on_error(exc: OSError) -> None:
        if exc.filename is None or Path(exc.filename) == Path(root):
            raise exc  # the reports folder itself cannot be listed: a setup error, not a bad file
        unlistable.append(Path(exc.filename))

    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        base = Path(dirpath)
        files.extend(
            base / name
            for name in filenames
            if not name.startswith(".") and not (dirpath == str(root) and name == CORRECTIONS_FILE)
        )
    return files, unlistable


def _text_key(text: str) -> str:
    """Duplicate key: the text with all whitespace removed, hashed."""
    return hashlib.sha256("".join(text.split()).encode("utf-8", "surrogatepass")).hexdigest()


def scan(root: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, workers: int = 1) -> pl.DataFrame:
    """Every file under root as a REPORT_FILES frame, sorted by source_file."""
    frame, _ = scan_incremental(root, max_bytes=max_bytes, workers=workers)
    return frame


# A stored row is reused without reading the file when the file's size and
# modification time are what they were (rsync's quick check): at 10,000
# reports, reading, hashing and decoding every file again cost ~6 s a run and
# held every text in memory. Only files that decoded to a text are reused; a
# rejected file is read again (its problem may have been fixed without
# touching the bytes, e.g. permissions).
_REUSABLE = ("accepted", "duplicate")


def _unchanged(known: dict | None, path: Path) -> bool:
    if known is None or known.get("status") not in _REUSABLE or not known.get("text_key"):
        return False
    try:
        info = path.stat()
    except OSError:
        return False
    return (
        stat.S_ISREG(info.st_mode)
        and info.st_size == known.get("size_bytes")
        and _utc(info.st_mtime) == known.get("modified_at")
    )


def scan_incremental(
    root: Path,
    known: dict[str, dict] | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    workers: int = 1,
) -> tuple[pl.DataFrame, set[str]]:
    """Like `scan`, reusing `known` rows (source_file -> stored row) of files unchanged on disk.

    Returns the frame and the source_files whose rows were reused: those rows
    carry no text (it is already stored) but their status is decided again,
    since a duplicate's twin may have gone. Rows in `known` need at least
    source_file, size_bytes, modified_at, sha256, encoding, media_type,
    status and text_key.
    """
    root = Path(root)
    if not root.is_dir():
        raise NotADirectoryError(f"reports folder {root} does not exist or is not a directory")
    files, unlistable = list_files(root)
    known = known or {}
    now = datetime.now(timezone.utc)
    reused: set[str] = set()

    rows: list[dict] = []
    to_read: list[Path] = []
    for path in files:
        name = source_file_for(path, root)
        stored = known.get(name)
        if _unchanged(stored, path):
            row = dict.fromkeys(REPORT_FILES)
            row.update({k: v for k, v in stored.items() if k in REPORT_FILES and k != "text"})
            row.update(status="accepted", reason=None, duplicate_of=None, report_id=stored["sha256"][:16])
            reused.add(name)
            rows.append(row)
        else:
            to_read.append(path)

    def read(path: Path) -> dict:
        return read_report(path, root, max_bytes=max_bytes, ingested_at=now)

    # Only files that must be read go to the threads: a task per unchanged
    # file cost more in hand-offs (~0.6 s at 10,000) than its stat call.
    if workers > 1 and len(to_read) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            rows.extend(pool.map(read, to_read))
    else:
        rows.extend(read(path) for path in to_read)
    for directory in unlistable:
        row = dict.fromkeys(REPORT_FILES)
        row.update(
            source_file=source_file_for(directory, root) + "/",
            status="rejected",
            reason="unreadable: the directory could not be listed, so its files are missing",
            ingested_at=now,
        )
        rows.append(row)
    rows.sort(key=lambda row: row["source_file"])
    _mark_duplicates(rows)
    return pl.DataFrame(rows, schema=REPORT_FILES, orient="row"), reused


def _mark_duplicates(rows: list[dict]) -> None:
    first: dict[str, str] = {}
    for row in rows:
        if row["status"] != "accepted":
            continue
        key = row["text_key"] = row["text_key"] or _text_key(row["text"])
        twin = first.setdefault(key, row["source_file"])
        if twin != row["source_file"]:
            row.update(status="duplicate", reason=f"duplicate: same text as {twin}", duplicate_of=twin)
