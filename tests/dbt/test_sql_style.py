"""The SQL style of STYLE.md that sqlfluff has no rule for (sqlfluff itself runs in `make lint`).

Models read top-down, jaffle-shop style: import CTEs first (one
`select * from {{ ref(...) }}` each), one CTE per step, and `select * from final`
last, so no model closes on an `order by` (a table has no order; readers sort).
Nowhere a wildcard from an alias (`f.*`): the columns a step takes are listed.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

DBT = Path(__file__).resolve().parents[2] / "dbt_project"
MODELS = sorted((DBT / "models").rglob("*.sql"))
ALL_SQL = MODELS + sorted((DBT / "tests").glob("*.sql")) + sorted((DBT / "analyses").glob("*.sql"))

IMPORT = re.compile(r"^    select \* from \{\{ (ref|source)\([^)]*\) \}\}$")


def sql_lines(path: Path) -> list[str]:
    """The file's lines without comments (`--` to the end of the line, `{# ... #}`)."""
    text = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)
    return [re.sub(r"--.*$", "", line).rstrip() for line in text.splitlines()]


def test_there_are_models():
    assert len(MODELS) >= 20


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.name)
def test_model_reads_top_down(path: Path):
    lines = [line for line in sql_lines(path) if line.strip()]
    assert lines[-1] == "select * from final", path.name
    # every ref()/source() is an import CTE of its own
    reads = [line for line in lines if "ref(" in line or "source(" in line]
    assert reads and all(IMPORT.match(line) for line in reads), [r for r in reads if not IMPORT.match(r)]
    # no closing order by: order by only inside window clauses (indented deeper than a CTE's select)
    assert not [line for line in lines if re.match(r"^ {0,4}order by\b", line)], path.name


@pytest.mark.parametrize("path", ALL_SQL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_wildcard_from_an_alias(path: Path):
    assert not [line for line in sql_lines(path) if re.search(r"\b\w+\.\*", line)], path.name
