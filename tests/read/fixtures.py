"""Report fixtures in every format, generated from the .txt samples in seeds/.

Nothing here is downloaded or committed as a binary: PDFs are written with
fpdf2 and a CJK font found on the machine (Debian's fonts-wqy-microhei or
fonts-noto-cjk, which `make setup` installs), DOCX with python-docx, OFD as a
ZIP of XML written by hand, page images with Pillow.
"""
from __future__ import annotations

import difflib
import io
import re
import zipfile
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
)


def cjk_font() -> str | None:
    for p in FONT_CANDIDATES:
        if Path(p).exists():
            return p
    return None


def seed_text(i: int = 0) -> str:
    return SEEDS[i].read_text(encoding="utf-8")


def digit_recall(expected: str, got: str) -> float:
    """Share of the expected text's digits found, in order, in the text read."""
    a = "".join(re.findall(r"\d", expected))
    b = "".join(re.findall(r"\d", got))
    matched = sum(m.size for m in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    return matched / len(a) if a else 1.0


def squash(text: str) -> str:
    """Text without any whitespace: what the formats must agree on."""
    return re.sub(r"\s+", "", text)


def chunks(text: str, size: int = 1400) -> list[str]:
    """The text cut at paragraph ends into pieces of about ``size`` characters (one per page)."""
    out, cur = [], ""
    for para in text.splitlines():
        if cur and len(cur) + len(para) > size:
            out.append(cur.rstrip("\n"))
            cur = ""
        while len(para) > size:  # a very long paragraph: cut it
            out.append((cur + para[:size]).rstrip("\n"))
            cur, para = "", para[size:]
        cur += para + "\n"
    if cur.strip():
        out.append(cur.rstrip("\n"))
    return out


def _font_pdf(format="A4"):
    from fpdf import FPDF

    pdf = FPDF(format=format)
    pdf.add_font("cjk", fname=cjk_font())
    pdf.set_font("cjk", size=10)
    pdf.set_auto_page_break(True, margin=12)
    return pdf


def make_pdf(pages: list[str], *, compress: bool = True, encrypt: str | None = None,
             table: list[list[str]] | None = None, format="A4") -> bytes:
    """One page per item of ``pages``; ``table`` is drawn with ruling lines on the last page."""
    pdf = _font_pdf(format)
    pdf.set_compression(compress)
    if encrypt:
        pdf.set_encryption(owner_password="owner", user_password=encrypt)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 5, text)
    if table:
        with pdf.table(first_row_as_headings=False, line_height=7) as t:
            for row in table:
                r = t.row()
                for cell in row:
                    r.cell(cell)
    return bytes(pdf.output())


def make_many_pages_pdf(n: int) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for i in range(n):
        pdf.add_page()
        pdf.cell(0, 10, f"Page {i + 1}: 2023 cases 100")
    return bytes(pdf.output())


def make_garbage_layer_pdf(text: str, format=(150, 80)) -> bytes:
    """A PDF whose glyphs show the text but whose ToUnicode map sends every
    glyph to a private-use code point: what a CID font without a Unicode map
    extracts as."""
    raw = make_pdf([text], compress=False, format=format)
    start = raw.index(b"beginbfchar")
    end = raw.index(b"endbfchar", start)
    block = raw[start:end]
    counter = iter(range(0xE000, 0xF8FF))

    def pua(m: re.Match) -> bytes:
        return m.group(1) + b"<" + f"{next(counter):04X}".encode() + b">"

    new = re.sub(rb"(<[0-9A-Fa-f]{4}> )<[0-9A-Fa-f]{4}>", pua, block)
    assert len(new) == len(block)  # same length: the xref offsets stay right
    return raw[:start] + new + raw[end:]


def make_docx(text: str, *, page_breaks: bool = True, table: list[list[str]] | None = None) -> bytes:
    import docx
    from docx.enum.text import WD_BREAK

    d = docx.Document()
    for k, chunk in enumerate(chunks(text)):
        if k and page_breaks:
            d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        for para in chunk.split("\n"):
            d.add_paragraph(para)
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for i, row in enumerate(table):
            for j, cell in enumerate(row):
                t.cell(i, j).text = cell
        d.add_paragraph("表后段落。")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


OFD_NS = "http://www.ofdspec.org/2016"


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def make_ofd(pages: list[str], *, per_line: int = 40) -> bytes:
    """An OFD package: OFD.xml, Doc_0/Document.xml, one Content.xml per page,
    one TextObject per line (lines wrapped at ``per_line`` characters), in
    shuffled object order so that reading order must come from positions."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{OFD_NS}" Version="1.0" DocType="OFD">'
                   '<ofd:DocBody><ofd:DocInfo><ofd:DocID>x</ofd:DocID></ofd:DocInfo>'
                   '<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
        page_refs = "".join(f'<ofd:Page ID="{i + 10}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
        z.writestr("Doc_0/Document.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{OFD_NS}">'
                   '<ofd:CommonData><ofd:MaxUnitID>999</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox>'
                   f'</ofd:PageArea></ofd:CommonData><ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>')
        for i, text in enumerate(pages):
            lines = []
            for para in text.split("\n"):
                lines += [para[k:k + per_line] for k in range(0, max(len(para), 1), per_line)]
            objs = []
            for n, line in enumerate(lines):
                if not line:
                    continue
                y = 20 + n * 6
                # Half a line split in two TextCodes on the same baseline, the right half first.
                half = len(line) // 2
                codes = [(4.2 * half, line[half:]), (0, line[:half])] if half else [(0, line)]
                tcs = "".join(f'<ofd:TextCode X="{x:.2f}" Y="4.2">{_esc(s)}</ofd:TextCode>' for x, s in codes if s)
                objs.append(f'<ofd:TextObject ID="{n + 100}" Boundary="20 {y} 170 6" Font="1" Size="4.2">{tcs}</ofd:TextObject>')
            objs = objs[1::2] + objs[0::2]  # object order is not reading order
            z.writestr(f"Doc_0/Pages/Page_{i}/Content.xml",
                       f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{OFD_NS}"><ofd:Content>'
                       f'<ofd:Layer ID="{i + 50}">{"".join(objs)}</ofd:Layer></ofd:Content></ofd:Page>')
    return buf.getvalue()


def page_image(text: str, *, width: int = 1240, font_size: int = 34):
    """A white page with ``text`` drawn in black at about 150 dpi (PIL)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(cjk_font(), font_size)
    per_line = (width - 120) // font_size
    lines = []
    for para in text.split("\n"):
        lines += [para[k:k + per_line] for k in range(0, len(para), per_line)] or [""]
    height = 120 + len(lines) * int(font_size * 1.6)
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    for n, line in enumerate(lines):
        draw.text((60, 60 + n * int(font_size * 1.6)), line, fill="black", font=font)
    return img


def png_bytes(img) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


@cache
def ocr_excerpt() -> str:
    """A short stretch of a sample dense with figures (a small page keeps OCR quick)."""
    text = seed_text(0)
    best, best_n = "", -1
    paras = [p for p in text.splitlines() if p.strip()]
    for p in paras:
        for k in range(0, len(p), 60):
            piece = p[k:k + 240]
            n = len(re.findall(r"\d", piece))
            if n > best_n:
                best, best_n = piece, n
    return best


# ------------------------------------------------------------ Word 97 (.doc)

def _cfb(streams: dict[str, bytes]) -> bytes:
    """An OLE2 compound file (MS-CFB v3, 512-byte sectors, one FAT sector) holding
    ``streams`` (each at least 4096 bytes, so none lives in the mini stream)."""
    import struct

    SS, END, FREE, FATSECT, NOSTREAM = 512, 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    fat = [FATSECT, END]  # sector 0: the FAT, sector 1: the directory
    body = b""
    starts = {}
    for name, data in streams.items():
        assert len(data) >= 4096
        data += b"\x00" * (-len(data) % SS)
        n = len(data) // SS
        first = len(fat)
        starts[name] = first
        fat += [*range(first + 1, first + n), END]
        body += data
    assert len(fat) <= SS // 4
    fat += [FREE] * (SS // 4 - len(fat))

    def entry(name, kind, left=NOSTREAM, right=NOSTREAM, child=NOSTREAM, start=END, size=0):
        raw = name.encode("utf-16-le") + b"\x00\x00"
        return (raw.ljust(64, b"\x00") + struct.pack("<HBBIII", len(raw), kind, 1, left, right, child)
                + b"\x00" * 36 + struct.pack("<IIIxxxx", start, size, 0)[:12].ljust(12, b"\x00"))[:128].ljust(128, b"\x00")

    names = list(streams)  # the tree: the root's child is the first stream, the others its left siblings in a chain
    entries = [entry("Root Entry", 5, child=1)]
    for k, name in enumerate(names):
        left = k + 2 if k + 1 < len(names) else NOSTREAM
        entries.append(entry(name, 2, left=left, start=starts[name], size=len(streams[name])))
    directory = b"".join(entries).ljust(SS, b"\x00")
    header = bytearray(SS)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 0x28, 0, 1, 1, 0, 4096, END, 0, END, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([FREE] * 108))
    return bytes(header) + struct.pack(f"<{SS // 4}I", *fat) + directory + body


def make_doc(pages: list[str], *, encrypted: bool = False, nfib: int = 0x00C1) -> bytes:
    """A minimal Word 97 binary document: a FIB, the text as UTF-16 in one piece
    of the piece table (in 1Table), paragraphs ending in CR, pages in FF.
    (Field codes and table marks can be put in the text as Word writes them:
    \x13 code \x14 result \x15; cells end in \x07, rows in one more.)"""
    import struct

    body = "\x0c".join(p.replace("\r\n", "\n").replace("\n", "\r") for p in pages) + "\r"
    raw = body.encode("utf-16-le")
    fc = 0x800
    word = bytearray(fc + len(raw))
    struct.pack_into("<HHHH", word, 0, 0xA5EC, nfib, 0x6009, 0)
    flags = 0x0200 | (0x0100 if encrypted else 0)  # fWhichTblStm: 1Table
    struct.pack_into("<H", word, 0x0A, flags)
    struct.pack_into("<II", word, 0x18, fc, fc + len(raw))  # fcMin, fcMac
    struct.pack_into("<H", word, 0x20, 14)  # csw
    struct.pack_into("<H", word, 0x3E, 22)  # cslw
    struct.pack_into("<I", word, 0x40, len(word))  # cbMac
    struct.pack_into("<I", word, 0x4C, len(body))  # ccpText
    struct.pack_into("<H", word, 0x98, 93)  # cbRgFcLcb
    word[fc:] = raw
    word += b"\x00" * max(0, 4096 - len(word))
    clx = b"\x02" + struct.pack("<IIIHIH", 16, 0, len(body), 0, fc, 0)
    table = clx.ljust(4096, b"\x00")
    struct.pack_into("<II", word, 0x1A2, 0, len(clx))  # fcClx, lcbClx
    return _cfb({"WordDocument": bytes(word), "1Table": table})


def make_scanned_ofd(images: list[bytes]) -> bytes:
    """An OFD whose pages are images only (a scan): DocumentRes.xml with BaseLoc
    'Res' lists the media; each page draws one ImageObject."""
    buf = io.BytesIO()
    ns = f'xmlns:ofd="{OFD_NS}"'
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", f'<ofd:OFD {ns} Version="1.0" DocType="OFD"><ofd:DocBody>'
                   '<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
        pages = "".join(f'<ofd:Page ID="{10 + i}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(images)))
        z.writestr("Doc_0/Document.xml", f'<ofd:Document {ns}><ofd:CommonData><ofd:MaxUnitID>99</ofd:MaxUnitID>'
                   '<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>'
                   f'<ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes></ofd:CommonData><ofd:Pages>{pages}</ofd:Pages></ofd:Document>')
        media = "".join(f'<ofd:MultiMedia ID="{50 + i}" Type="Image" Format="PNG"><ofd:MediaFile>image_{i}.png</ofd:MediaFile></ofd:MultiMedia>'
                        for i in range(len(images)))
        z.writestr("Doc_0/DocumentRes.xml", f'<ofd:Res {ns} BaseLoc="Res"><ofd:MultiMedias>{media}</ofd:MultiMedias></ofd:Res>')
        for i, png in enumerate(images):
            z.writestr(f"Doc_0/Res/image_{i}.png", png)
            z.writestr(f"Doc_0/Pages/Page_{i}/Content.xml",
                       f'<ofd:Page {ns}><ofd:Content><ofd:Layer ID="{70 + i}"><ofd:ImageObject ID="{80 + i}" '
                       f'ResourceID="{50 + i}" Boundary="10 10 190 90" CTM="190 0 0 90 0 0"/></ofd:Layer></ofd:Content></ofd:Page>')
    return buf.getvalue()
