"""The layers hold: app/core is plain Python, and the import contracts in pyproject.toml are kept."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORE = REPO / "app" / "core"


def _core_modules() -> list[str]:
    names = []
    for path in sorted(CORE.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_no_core_module_imports_qt_in_its_source():
    offenders = []
    for path in CORE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.name}: {n}" for n in names if n.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6")
            ]
    assert offenders == []


def test_importing_every_core_module_loads_no_qt():
    modules = _core_modules()
    assert "app.core.checker.match" in modules and "app.core.sync.engine" in modules  # the walk sees subpackages
    code = (
        "import importlib, sys\n"
        + "".join(f"importlib.import_module({m!r})\n" for m in modules)
        + "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_every_package_says_what_it_owns_and_may_import():
    for init in sorted((REPO / "app").rglob("__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "import" in doc.lower(), f"{init.relative_to(REPO)} needs a docstring saying what it may import"


def test_the_import_contracts_in_pyproject_are_kept(tmp_path):
    importlinter = pytest.importorskip("importlinter.cli")
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        status = importlinter.lint_imports(config_filename=str(REPO / "pyproject.toml"), no_cache=True, no_logo=True)
    finally:
        os.chdir(cwd)
    assert status == 0, "an import contract is broken: run `lint-imports` for the offending chain"
