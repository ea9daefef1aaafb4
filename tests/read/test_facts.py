"""The same report as .txt and as PDF, DOCX, OFD or DOC gives the same facts
(fazhi_parse on the text each reader returns), and each fact's offsets give
back its figure from the text read."""
import pytest

from fazhi_read import read_bytes

from . import fixtures as fx

parse_document = pytest.importorskip("fazhi_parse.document").parse_document


def facts(text: str) -> tuple[dict, list[tuple]]:
    doc = parse_document("r", text)
    for f in doc.facts:  # offsets (1-based, as in the warehouse) are exact into the text given
        start = f["char_start"] - 1
        assert text[start:start + f["char_length"]] == f["figure_text"]
    keys = ("metric_code", "value", "comparator", "unit", "scope", "period_kind")
    return doc.document, sorted(tuple(f.get(k) for k in keys) for f in doc.facts)


def check(text: str, data: bytes) -> None:
    doc0, expected = facts(text)
    assert expected, "the sample gives facts"
    res = read_bytes(data)
    assert res.ok, res
    doc, got = facts(res.text)
    assert got == expected
    for key in ("region_code", "report_year", "kind"):
        assert doc.get(key) == doc0.get(key)


@pytest.mark.parametrize("seed", range(len(fx.SEEDS)))
@pytest.mark.parametrize("kind", ["docx", "ofd", "doc"])
def test_same_facts(seed, kind):
    text = fx.seed_text(seed)
    data = {"docx": lambda: fx.make_docx(text), "ofd": lambda: fx.make_ofd(fx.chunks(text)),
            "doc": lambda: fx.make_doc(fx.chunks(text))}[kind]()
    check(text, data)


def test_same_facts_pdf(report_pdfs):
    for text, _, pdf in report_pdfs.values():
        check(text, pdf)
