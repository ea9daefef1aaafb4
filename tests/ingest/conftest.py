from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture
def simplified_report() -> str:
    """A simplified-Chinese report body, as saved to .txt."""
    return fixture_text("gov_report_body.txt")


@pytest.fixture
def traditional_report() -> str:
    """A traditional-Chinese report whose characters all exist in Big5."""
    return fixture_text("traditional_report.txt")


@pytest.fixture
def gov_page() -> str:
    """The simplified report wrapped in a government web site's page layout (UTF-8)."""
    return fixture_text("gov_report_page.html")


@pytest.fixture
def body_lines(simplified_report: str) -> list[str]:
    return [line for line in simplified_report.split("\n") if line.strip()]
