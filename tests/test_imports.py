"""The package's modules import each other without a cycle.

A cycle (even through an import inside a function) means two modules each need
the other: neither can be read, tested or changed on its own.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import workreport

PACKAGE = Path(workreport.__file__).parent


def module_name(path: Path) -> str:
    """``render/docx.py`` → ``workreport.render.docx``; a package is its ``__init__``."""
    parts = ["workreport", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, name: str, modules: set[str]) -> set[str]:
    """The package's modules that ``path`` imports, at the top or inside a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from . import safety` names a module; `from .load import FILE` a name in one
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            # the nearest enclosing module of the package: `a.b.NAME` → `a.b`
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
    modules = set(files)
    return {name: imported(path, name, modules) for name, path in files.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as ``[a, b, …, a]``, or None (depth-first search, white/grey/black)."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "grey"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "grey":
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = "black"
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_graph_sees_imports_of_every_form():
    graph = import_graph()
    assert "workreport.safety" in graph["workreport.load"]  # `from . import safety` in a function
    assert "workreport.config" in graph["workreport.render.docx"]  # `from ..config import …`
    assert "workreport.figures" in graph["workreport.render.values"]  # inside a function


def test_find_cycle_reports_the_loop():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_the_package_has_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def folder_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph with each subpackage's modules as one node: ``workreport.render.docx`` →
    ``workreport.render``, so a folder is a layer that imports nothing that imports it."""

    def folder(name: str) -> str:
        parts = name.split(".")
        return ".".join(parts[:2])

    out: dict[str, set[str]] = {}
    for name, targets in graph.items():
        node = folder(name)
        out.setdefault(node, set()).update(folder(t) for t in targets if folder(t) != node)
    return out


def test_the_folders_have_no_import_cycle():
    graph = folder_graph(import_graph())
    assert "workreport.render" in graph["workreport.draft"]
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle between folders: " + " → ".join(cycle or [])


def _python(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args, "-c", code], capture_output=True, text=True, timeout=120
    )


def test_importing_the_package_changes_neither_pandas_nor_click():
    # docs/rules.md, 命令行: a library imported into another program leaves its pandas and Click alone;
    # the options are set where a run or the command line starts
    code = """
import importlib, pkgutil, gettext
import click, click.core, click.exceptions
import pandas as pd
before = pd.get_option("mode.string_storage")
import workreport
for m in pkgutil.walk_packages(workreport.__path__, "workreport."):
    if m.name != "workreport.__main__":
        importlib.import_module(m.name)
assert pd.get_option("mode.string_storage") == before, "pandas"
assert click.core._ is gettext.gettext and click.exceptions._ is gettext.gettext, "click"
from click.testing import CliRunner
from workreport.cli import cli
result = CliRunner().invoke(cli, ["build"])
assert "缺少" in result.output, result.output
assert click.core._ is gettext.gettext, "click after a run"
print("ok")
"""
    done = _python(code)
    assert done.stdout.strip() == "ok", done.stderr


HEAVY = ("pandas", "numpy", "openpyxl", "docx", "jinja2", "lxml")


@pytest.mark.parametrize(
    "args",
    [["--help"], ["build", "--help"], ["build"], ["stats"], ["stats", "--bogus"], ["nosuch"]],
)
def test_help_and_usage_errors_import_nothing_heavy(args):
    # the clerk's first try answers at once (issue 30): Click and our own small modules only
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "workreport", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    assert {"click", "workreport.cli"} <= imported  # the import times were read at all
    assert not imported & set(HEAVY), sorted(imported & set(HEAVY))
    assert done.returncode in (0, 2)
