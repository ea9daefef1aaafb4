"""Data flows one way: reading (fazhi_read) -> parsing (fazhi_parse) -> orchestration (fazhi_pipeline).

fazhi_read imports nothing from fazhi_parse, fazhi_pipeline, Dagster or dbt;
fazhi_parse imports nothing from fazhi_pipeline, Dagster or dbt (it may import
fazhi_read). Checked on the source of every module, imports inside functions
and `importlib.import_module("...")` calls included, and once more by importing
every module in a fresh interpreter.
"""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ORCHESTRATION = Path(__file__).resolve().parents[2] / "orchestration"

# package -> the top-level packages it must never import
FORBIDDEN = {
    "fazhi_read": ("fazhi_parse", "fazhi_pipeline", "dagster", "dbt"),
    "fazhi_parse": ("fazhi_pipeline", "dagster", "dbt"),
}


def _forbidden(name: str, banned: tuple[str, ...]) -> bool:
    """`name` (a dotted module) is one of `banned` or below it; dagster/dbt include
    their families (dagster_dbt, dagster_webserver, dbt_common, ...)."""
    top = name.split(".")[0]
    return any(top == b or (b in ("dagster", "dbt") and top.startswith(b + "_")) for b in banned)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ORCHESTRATION).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in `source`, relative ones resolved against `module`."""
    package = module if is_package else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            # `from pkg import sub` may import the module pkg.sub: check both
            found.append((node.lineno, prefix))
            found += [(node.lineno, f"{prefix}.{alias.name}") for alias in node.names if alias.name != "*"]
        elif (
            isinstance(node, ast.Call)
            and (
                (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                or (isinstance(node.func, ast.Name) and node.func.id in ("import_module", "__import__"))
            )
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def _modules(package: str) -> list[Path]:
    return sorted((ORCHESTRATION / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_module_imports_against_the_direction(package):
    modules = _modules(package)
    assert len(modules) > 5, f"no modules found under {ORCHESTRATION / package}"
    wrong = [
        f"{path.relative_to(ORCHESTRATION)}:{line}: {name}"
        for path in modules
        for line, name in imported_names(
            path.read_text(encoding="utf-8"), _module_name(path), is_package=path.name == "__init__.py"
        )
        if _forbidden(name, FORBIDDEN[package])
    ]
    assert not wrong, f"{package} must not import {', '.join(FORBIDDEN[package])}:\n" + "\n".join(wrong)


def test_the_reading_modules_moved_out_of_the_parser():
    """Reading the folder, decoding and web pages live in fazhi_read; no copy or re-export is left in fazhi_parse."""
    for name in ("folder.py", "decode.py", "html.py", "chrome.py", "schema.py", "rules/chrome.csv"):
        assert (ORCHESTRATION / "fazhi_read" / name).is_file(), name
    for name in ("ingest.py", "decode.py", "html_text.py", "chrome.py", "rules/chrome.csv"):
        assert not (ORCHESTRATION / "fazhi_parse" / name).exists(), name
    parser_imports = {
        name
        for path in _modules("fazhi_parse")
        for _, name in imported_names(path.read_text(encoding="utf-8"), _module_name(path), path.name == "__init__.py")
    }
    assert "fazhi_read.folder" not in parser_imports  # the parser reads text, not the folder


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        ("import dagster as dg", "fazhi_read.x", ["dagster"]),
        ("def f():\n    from fazhi_parse.text import to_simplified", "fazhi_read.x", ["fazhi_parse.text", "fazhi_parse.text.to_simplified"]),
        ("from .. import ocr", "fazhi_read.readers.pdf", ["fazhi_read", "fazhi_read.ocr"]),
        ("from .decode import decode_bytes", "fazhi_read.folder", ["fazhi_read.decode", "fazhi_read.decode.decode_bytes"]),
        ("from . import detect", "fazhi_read", ["fazhi_read", "fazhi_read.detect"]),
        ("importlib.import_module('dbt.cli.main')", "fazhi_parse.x", ["dbt.cli.main"]),
    ],
)
def test_imports_are_found_and_resolved(source, module, expected):
    assert [name for _, name in imported_names(source, module, is_package=module == "fazhi_read")] == expected


@pytest.mark.parametrize(
    ("name", "banned", "forbidden"),
    [
        ("dagster_dbt", ("dagster",), True),
        ("dbt_common.events", ("dbt",), True),
        ("fazhi_parse.text", ("fazhi_parse",), True),
        ("fazhi_parser", ("fazhi_parse",), False),
        ("dbtx", ("dbt",), False),
        ("fazhi_read.decode", ("fazhi_parse", "fazhi_pipeline", "dagster", "dbt"), False),
    ],
)
def test_forbidden_names(name, banned, forbidden):
    assert _forbidden(name, banned) is forbidden


def test_importing_every_module_loads_nothing_against_the_direction():
    """Each package's modules, imported in a fresh interpreter, bring in none of their forbidden packages."""
    script = """
import importlib, json, pkgutil, sys
package, = sys.argv[1:]
top = importlib.import_module(package)
for info in pkgutil.walk_packages(top.__path__, package + "."):
    if not info.name.endswith("__main__"):
        importlib.import_module(info.name)
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""
    for package, banned in FORBIDDEN.items():
        out = subprocess.run(
            [sys.executable, "-c", script, package], capture_output=True, text=True, check=True, timeout=300
        ).stdout
        loaded = json.loads(out.strip().splitlines()[-1])
        assert package in loaded
        assert not [name for name in loaded if _forbidden(name, banned)], (package, loaded)
