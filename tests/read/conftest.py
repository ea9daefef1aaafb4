import sys
from pathlib import Path

import pytest

from . import fixtures as fx

# The package lives under orchestration/ (installed editable by make setup).
_ORCH = str(Path(__file__).resolve().parents[2] / "orchestration")
if _ORCH not in sys.path:
    sys.path.insert(0, _ORCH)


@pytest.fixture(scope="session")
def font():
    path = fx.cjk_font()
    if path is None:
        pytest.skip("no CJK font (make setup installs fonts-wqy-microhei)")
    return path


@pytest.fixture(scope="session")
def report_pdfs(font):
    """Seed index -> (text, pages, PDF bytes) for two samples (PDFs with an embedded CJK font take ~2 s each)."""
    out = {}
    for i in (0, 3):
        text = fx.seed_text(i)
        pages = fx.chunks(text)
        out[i] = (text, pages, fx.make_pdf(pages))
    return out


@pytest.fixture(scope="session")
def garbage_pdf(font):
    excerpt = fx.ocr_excerpt()
    return excerpt, fx.make_garbage_layer_pdf(excerpt)
