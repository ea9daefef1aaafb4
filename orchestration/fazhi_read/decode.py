"""Turning a report file's bytes into text, or saying why not.

Order of evidence, strongest first: a known binary signature, a byte-order
mark, NUL-byte patterns (UTF-16 without BOM, else binary), strict UTF-8, and
last the legacy Chinese encodings. GB18030 decodes almost any byte string, so
between GB18030 and Big5 we keep the reading that *looks like Chinese*: the
share of characters that are common hanzi, ASCII or CJK punctuation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Known binary formats: (signature at offset 0, human name).
MAGIC = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (e.g. .docx, .xlsx, .ofd)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE2 compound file (e.g. .doc, .xls, .wps)"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"\x7fELF", "an ELF executable"),
    (b"MZ\x90\x00", "a Windows executable"),
    (b"SQLite format 3\x00", "an SQLite database"),
)

# Text-based formats that are not prose: decodable, but not a report's text.
NOT_TEXT_MAGIC = (
    (b"{\\rtf", "an RTF document (convert it to plain text)"),
    (b"%!PS", "a PostScript program"),
)

BOMS = (
    # UTF-32 first: its LE mark starts with the UTF-16 LE mark.
    (b"\xff\xfe\x00\x00", "utf-32", 4),
    (b"\x00\x00\xfe\xff", "utf-32", 4),
    (b"\xef\xbb\xbf", "utf-8-sig", 3),
    (b"\xff\xfe", "utf-16", 2),
    (b"\xfe\xff", "utf-16", 2),
)

# A reading with a few undecodable bytes (a file cut mid-character, one bad
# byte from a copy-paste) is still the report; more than this is not.
def _tolerated_errors(n_chars: int) -> int:
    return 1 + n_chars // 5000


# Below this share of plausible characters a legacy-encoding reading is noise.
MIN_PLAUSIBILITY = 0.75
# Control characters that never occur in prose (tab, LF, VT, FF, CR and the
# DOS end-of-file mark \x1a are tolerated).
_CONTROL = re.compile("[\x00-\x08\x0e-\x19\x1b-\x1f\x7f-\x9f]")
MAX_CONTROL_SHARE = 0.02


@dataclass(frozen=True)
class Decoded:
    text: str | None  # None when the bytes could not be decoded
    encoding: str | None  # codec name used; '-lossy' suffix when bytes were replaced
    problem: str | None = None  # '<code>: <sentence>' when the bytes are not text


def sniff_format(data: bytes) -> str | None:
    """'<code>: <sentence>' when the bytes start with a known non-text signature."""
    for magic, name in MAGIC:
        if data.startswith(magic):
            return f"binary: the file is {name}, not text"
    if data[:4] == b"RIFF" and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return "binary: the file is a RIFF media file, not text"
    for magic, name in NOT_TEXT_MAGIC:
        if data.startswith(magic):
            return f"not_text: the file is {name}, not plain text"
    return None


@lru_cache(maxsize=1)
def _common_hanzi() -> frozenset[str]:
    """GB2312 hanzi plus Big5 level-1 (common) hanzi, built from the codecs."""
    chars: set[str] = set()
    trails = list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF))
    for codec, leads, trail_bytes in (
        ("gb2312", range(0xB0, 0xF8), range(0xA1, 0xFF)),
        ("big5", range(0xA4, 0xC7), trails),
    ):
        for lead in leads:
            for trail in trail_bytes:
                try:
                    ch = bytes((lead, trail)).decode(codec)
                except UnicodeDecodeError:
                    continue
                if "\u4e00" <= ch <= "\u9fff":
                    chars.add(ch)
    return frozenset(chars)


def _is_plain_symbol(ch: str) -> bool:
    o = ord(ch)
    return (
        0x20 <= o < 0x7F  # ASCII
        or 0x3000 <= o <= 0x303F  # CJK symbols and punctuation
        or 0xFF01 <= o <= 0xFF5E  # fullwidth forms
        or 0x2010 <= o <= 0x205E  # general punctuation: dashes, quotes, ellipsis
        or 0x2160 <= o <= 0x217F  # Roman numerals
        or 0x2460 <= o <= 0x24FF  # circled numbers
        or ch in "·×÷°№"
    )


def _sample(text: str, size: int = 60000) -> str:
    """Up to `size` characters from the start, middle and end of the text."""
    if len(text) <= size:
        return text
    third = size // 3
    mid = len(text) // 2
    return text[:third] + text[mid - third // 2 : mid + third // 2] + text[-third:]


def plausibility(text: str) -> float:
    """Share of non-ASCII characters that are common hanzi or CJK punctuation.

    ASCII reads the same in every candidate encoding, so only the rest tells
    readings apart (and random bytes would otherwise score on their ASCII).
    """
    common = _common_hanzi()
    chars = [c for c in _sample(text) if c > "\x7f" and not c.isspace()]
    if not chars:
        return 1.0
    good = sum(1 for c in chars if c in common or _is_plain_symbol(c))
    return good / len(chars)


def control_share(text: str) -> float:
    sample = _sample(text)
    return len(_CONTROL.findall(sample)) / max(1, len(sample))


def _try(data: bytes, codec: str) -> tuple[str, str] | None:
    """(text, label) when the codec reads the bytes strictly or with few errors."""
    try:
        return data.decode(codec), codec
    except UnicodeDecodeError:
        pass
    except LookupError:
        return None
    # Cheap look at the start first: a wrong codec fails there already, and
    # a full replace-decode of a 20 MB file per wrong codec is wasted time.
    head = data[: 1 << 16].decode(codec, errors="replace")
    if head.count("\ufffd") - _count_literal_replacement(data[: 1 << 16], codec) > _tolerated_errors(len(head)) + 1:
        return None
    text = data.decode(codec, errors="replace")
    errors = text.count("\ufffd") - _count_literal_replacement(data, codec)
    if errors <= _tolerated_errors(len(text)):
        return text, f"{codec}-lossy"
    return None


def _count_literal_replacement(data: bytes, codec: str) -> int:
    """U+FFFD characters genuinely present in the file (not decode errors)."""
    try:
        return data.count("\ufffd".encode(codec))
    except (UnicodeEncodeError, LookupError):
        return 0


def _nul_parity(data: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when NULs sit almost only at odd / even offsets."""
    head = data[: 1 << 16]
    odd = head[1::2].count(0)
    even = head[0::2].count(0)
    if odd + even == 0:
        return None
    if odd >= 0.9 * (odd + even):
        return "utf-16-le"
    if even >= 0.9 * (odd + even):
        return "utf-16-be"
    return None


def _legacy_chinese(data: bytes) -> tuple[str, str, float] | None:
    """Best of the GB18030 and Big5-family readings by plausibility."""
    best: tuple[str, str, float] | None = None
    readings = [_try(data, "gb18030")]
    # Python's big5 lacks the few cp950 additions; try the wider tables only if needed.
    for codec in ("big5", "cp950", "big5hkscs"):
        reading = _try(data, codec)
        if reading is not None:
            readings.append(reading)
            if not reading[1].endswith("-lossy"):
                break
    for reading in readings:
        if reading is None:
            continue
        text, label = reading
        score = plausibility(text)
        if label.endswith("-lossy"):
            score -= 0.01  # prefer a clean reading when both look fine
        if best is None or score > best[2]:
            best = (text, label, score)
    return best


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Decode report bytes; `declared` is a codec the file itself names (HTML meta)."""
    problem = sniff_format(data)
    if problem:
        return Decoded(None, None, problem)
    marked = _by_mark(data)
    if marked is not None:
        return marked
    try:
        utf8 = data.decode("utf-8")
    except UnicodeDecodeError:
        utf8 = None
    # A declared legacy charset is honoured unless the bytes are plainly UTF-8
    # (pages re-saved as UTF-8 often keep their old gb2312 meta tag) or the
    # declared reading is not plausible Chinese (a mislabelled page).
    if declared and (utf8 is None or utf8.isascii()):
        reading = _try(data, declared)
        if reading is not None and (declared.startswith("utf") or plausibility(reading[0]) >= MIN_PLAUSIBILITY):
            return _checked(*reading)
    if utf8 is not None:
        return _utf8_or_legacy(data, utf8)
    return _not_utf8(data)


def _by_mark(data: bytes) -> Decoded | None:
    """The reading a byte-order mark or NUL bytes (UTF-16) decide, or None when the bytes have neither."""
    for bom, codec, _ in BOMS:
        if data.startswith(bom):
            reading = _try(data, codec)
            if reading is None:
                return Decoded(
                    None, None, f"undecodable: the file starts with a {codec} byte-order mark but is not valid {codec}"
                )
            return _checked(*reading)
    if b"\x00" in data:
        codec = _nul_parity(data)
        reading = _try(data, codec) if codec else None
        if reading is not None and control_share(reading[0]) <= MAX_CONTROL_SHARE:
            return _checked(*reading)
        return Decoded(None, None, "binary: the file contains NUL bytes that are not UTF-16 text")
    return None


def _utf8_or_legacy(data: bytes, utf8: str) -> Decoded:
    """Valid UTF-8 is strong evidence, except for a few GBK characters whose
    bytes happen to be valid UTF-8 too (the classic '联通'): they read as
    two-byte UTF-8 sequences, Latin/Greek/Cyrillic letters, never hanzi."""
    if _non_ascii(utf8) > 64 or not _looks_like_mojibake(utf8):
        return _checked(utf8, "utf-8")
    legacy = _legacy_chinese(data)
    if legacy and not legacy[1].endswith("-lossy") and legacy[2] >= MIN_PLAUSIBILITY:
        return _checked(legacy[0], legacy[1])
    return _checked(utf8, "utf-8")


def _not_utf8(data: bytes) -> Decoded:
    """Not UTF-8. A clean, plausible legacy reading wins over UTF-8 with a few
    replaced bytes (a mostly-ASCII GBK file has only a few invalid sequences);
    a UTF-8 report cut mid-character is not plausible Chinese as GB18030/Big5."""
    legacy = _legacy_chinese(data)
    if legacy and not legacy[1].endswith("-lossy") and legacy[2] >= MIN_PLAUSIBILITY:
        return _checked(legacy[0], legacy[1])
    lossy_utf8 = _try(data, "utf-8")
    if lossy_utf8 is not None:
        return _checked(*lossy_utf8)
    if legacy is None:
        return Decoded(None, None, "undecodable: the bytes are not valid UTF-8, UTF-16, GB18030 or Big5")
    if legacy[2] < MIN_PLAUSIBILITY:
        return Decoded(
            None,
            None,
            f"undecodable: no encoding gives plausible Chinese text "
            f"(the best reading, {legacy[1]}, has only {legacy[2]:.0%} common characters)",
        )
    return _checked(legacy[0], legacy[1])


def _looks_like_mojibake(text: str) -> bool:
    """Most non-ASCII characters are U+0080..U+07FF (GBK bytes read as UTF-8)."""
    non_ascii = [c for c in text if c > "\x7f"]
    two_byte = sum(1 for c in non_ascii if c <= "\u07ff")
    return bool(non_ascii) and two_byte >= 0.5 * len(non_ascii)


def _non_ascii(text: str) -> int:
    return len(text) - len(text.encode("ascii", errors="ignore"))


def _checked(text: str, encoding: str) -> Decoded:
    """Reject decoded text that is mostly control characters."""
    share = control_share(text)
    if share > MAX_CONTROL_SHARE:
        return Decoded(
            text,
            encoding,
            f"not_text: {share:.0%} of the characters are control characters, so this is not prose",
        )
    return Decoded(text, encoding)


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR to LF; nothing else changes."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
