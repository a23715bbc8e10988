"""The wheel carries every package and the bundled content (the full install is tools/wheel_smoke.py in CI)."""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _setuptools() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_every_package_of_the_tree_is_listed_for_the_wheel():
    listed = set(_setuptools()["packages"])
    on_disk = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "app").rglob("__init__.py")}
    assert on_disk - listed == set(), "add the new package to [tool.setuptools] packages in pyproject.toml"
    assert {"app.bundled.kb", "app.bundled.scripts_library"} <= listed


def test_the_package_data_globs_cover_every_bundled_content_file():
    config = _setuptools()
    data = config["package-data"]
    for package, folder in config["package-dir"].items():
        files = [p for p in (REPO / folder).rglob("*") if p.is_file()]
        assert files
        uncovered = [
            p
            for p in files
            if not any(p.relative_to(REPO / folder).match(g.replace("**/", "")) or p.match(g) for g in data[package])
        ]
        assert uncovered == [], f"{package}: not shipped in the wheel: {uncovered[:3]}"
