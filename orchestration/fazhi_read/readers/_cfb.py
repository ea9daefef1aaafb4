"""The little of the OLE2 compound file format (MS-CFB) the DOC reader needs:
the names of the streams, and the first bytes of one. Standard library only,
bounded: chains longer than the file has sectors are refused as corrupt."""
from __future__ import annotations

import struct

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENDOFCHAIN = 0xFFFFFFFE
FREESECT = 0xFFFFFFFF


class CFBError(ValueError):
    pass


class Compound:
    def __init__(self, data: bytes):
        if len(data) < 512 or not data.startswith(MAGIC):
            raise CFBError("not an OLE2 compound file")
        self.data = data
        shift = struct.unpack_from("<H", data, 0x1E)[0]
        if shift not in (9, 12):
            raise CFBError("bad sector size")
        self.ssize = 1 << shift
        self.n_sectors = max(0, (len(data) - self.ssize) // self.ssize + 1)
        n_fat, first_dir = struct.unpack_from("<II", data, 0x2C)
        self.mini_cutoff, self.first_minifat, self.n_minifat = struct.unpack_from("<III", data, 0x38)
        first_difat, n_difat = struct.unpack_from("<II", data, 0x44)
        difat = [s for s in struct.unpack_from("<109I", data, 0x4C) if s not in (FREESECT, ENDOFCHAIN)]
        sect, seen = first_difat, 0
        while sect not in (FREESECT, ENDOFCHAIN) and seen < n_difat:
            block = self._sector(sect)
            vals = struct.unpack(f"<{self.ssize // 4}I", block)
            difat += [s for s in vals[:-1] if s not in (FREESECT, ENDOFCHAIN)]
            sect, seen = vals[-1], seen + 1
        difat = difat[:n_fat]
        self.fat: list[int] = []
        for s in difat:
            self.fat += struct.unpack(f"<{self.ssize // 4}I", self._sector(s))
        self.entries = self._directory(first_dir)

    def _sector(self, sect: int) -> bytes:
        off = (sect + 1) * self.ssize
        if sect >= self.n_sectors or off + self.ssize > len(self.data) + self.ssize:
            raise CFBError(f"sector {sect} is past the end of the file")
        block = self.data[off : off + self.ssize]
        if len(block) < self.ssize:
            block += b"\x00" * (self.ssize - len(block))
        return block

    def chain(self, start: int, limit: int | None = None) -> bytes:
        out, sect, steps = [], start, 0
        while sect != ENDOFCHAIN:
            if sect >= len(self.fat) or steps > self.n_sectors:
                raise CFBError("broken sector chain")
            out.append(self._sector(sect))
            steps += 1
            if limit is not None and steps * self.ssize >= limit:
                break
            sect = self.fat[sect]
        return b"".join(out)

    def _directory(self, first: int) -> list[tuple[str, int, int, int]]:
        raw = self.chain(first)
        entries = []
        for off in range(0, len(raw) - 127, 128):
            name_len, kind = struct.unpack_from("<HB", raw, off + 0x40)
            if kind == 0 or name_len < 2 or name_len > 64:
                continue
            name = raw[off : off + name_len - 2].decode("utf-16-le", "replace")
            start, size = struct.unpack_from("<II", raw, off + 0x74)
            entries.append((name, kind, start, size))
        if not entries or entries[0][1] != 5:
            raise CFBError("no root directory entry")
        return entries

    def stream_names(self) -> list[str]:
        return [name for name, kind, _, _ in self.entries if kind == 2]

    def _entry(self, name: str) -> tuple[str, int, int, int]:
        for entry in self.entries:
            if entry[1] == 2 and entry[0] == name:
                return entry
        raise CFBError(f"no stream {name}")

    def stream(self, name: str) -> bytes:
        """A whole stream, from regular sectors or (under the cutoff) the mini stream."""
        _, _, start, size = self._entry(name)
        if size > len(self.data):
            raise CFBError(f"stream {name} is larger than the file")
        if size >= self.mini_cutoff:
            return self.chain(start)[:size]
        root = self.entries[0]
        mini = self.chain(root[2]) if root[2] != ENDOFCHAIN else b""
        raw = self.chain(self.first_minifat) if self.n_minifat else b""
        minifat = struct.unpack(f"<{len(raw) // 4}I", raw)
        out, sect, steps = [], start, 0
        while sect != ENDOFCHAIN and len(out) * 64 < size:
            if sect >= len(minifat) or steps > len(minifat) or (sect + 1) * 64 > len(mini):
                raise CFBError("broken mini stream chain")
            out.append(mini[sect * 64 : (sect + 1) * 64])
            sect, steps = minifat[sect], steps + 1
        return b"".join(out)[:size]

    def head(self, name: str, n: int) -> bytes:
        """The first ``n`` bytes of a stream stored in regular sectors (>= 4096 bytes, as WordDocument is)."""
        for ename, kind, start, size in self.entries:
            if kind == 2 and ename == name:
                if size < 4096:
                    raise CFBError(f"stream {name} is too short")
                return self.chain(start, limit=n)[:n]
        raise CFBError(f"no stream {name}")
