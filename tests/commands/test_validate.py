"""`zhida validate` as a knowledge manager and CI use it: exit codes, one line per problem, JSON."""

from __future__ import annotations

import json
import subprocess
import sys

from app.cli import main
from tests.conftest import article


def test_bundled_content_validates_clean(repo_root, capsys):
    assert main(["validate", "--content", str(repo_root)]) == 0
    assert "error" not in capsys.readouterr().out


def test_bundled_content_meets_the_sample_size(repo_root):
    from app.core.content.loader import load_content

    content = load_content(repo_root)
    assert len(content.articles) >= 60 and len(content.categories()) >= 8
    assert len(content.scripts) >= 150
    assert {s.type for s in content.scripts} >= {"咨询", "投诉", "建议", "故障"}
    assert all(len(a.similar) >= 2 for a in content.articles)
    assert all(a.section(name) for a in content.articles for name in ("结论", "说明", "操作步骤", "常见误区"))


def test_errors_exit_1_with_path_line_level_message(make_root, capsys, monkeypatch):
    root = make_root({"kb/a.md": article("a", type="闲聊"), "kb/b.md": article("b")})
    monkeypatch.chdir(root)
    assert main(["validate", "--content", str(root)]) == 1
    out = [line for line in capsys.readouterr().out.splitlines() if "kind: rules" not in line]  # no rules: warned
    assert out == ["kb/a.md:4: error: unknown type '闲聊': use one of 咨询 / 投诉 / 建议 / 故障"]


def test_warnings_alone_exit_0(make_root):
    root = make_root({"kb/a.md": article("a").encode("gbk")})
    assert main(["validate", "--content", str(root)]) == 0


def test_json_output_has_counts_and_problems(make_root, capsys):
    root = make_root(
        {"kb/a.md": article("a", related="[zz]"), "scripts_library/s.yaml": "- id: s\n  title: t\n  text: 您好\n"}
    )
    assert main(["validate", "--content", str(root), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["articles"] == 1 and data["scripts"] == 1
    assert [p for p in data["problems"] if "kind: rules" not in p["message"]] == [
        {"path": "kb/a.md", "line": 4, "level": "error", "message": "related id 'zz' does not exist"}
    ]


def test_missing_content_folder_is_one_line_not_a_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "app", "validate", "--content", str(tmp_path / "gone")],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"zhida: error: content folder not found: {tmp_path / 'gone'}"]
    assert "Traceback" not in result.stderr


def test_no_traceback_for_any_broken_content(make_root):
    root = make_root(
        {
            "kb/a.md": b"\x00\x01binary",
            "kb/b.md": "---\n: : :\n---\n",
            "kb/c.md": "---\n- a list\n---\nbody\n",
            "kb/d.md": "---\nid: {a: 1}\ntitle: [1, 2]\ntags: {x: y}\nrelated: 5\nupdated: tomorrow\n---\n## 结论\nx\n",
            "scripts_library/s.yaml": "- 1\n- [a]\n- id: x\n  variants: [1]\n  text: {a: b}\n",
            "scripts_library/t.yaml": "\t\tbad: [\n",
            "scripts_library/u.yaml": "kind: mystery\n",
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "app", "validate", "--content", str(root)],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert {line.split(":")[0] for line in lines} >= {
        "kb/a.md",
        "kb/b.md",
        "kb/c.md",
        "kb/d.md",
        "scripts_library/s.yaml",
        "scripts_library/t.yaml",
    } or lines
