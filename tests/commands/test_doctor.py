"""`zhida doctor`: every problem of a newcomer's machine is named with its fix; a healthy one passes."""

from __future__ import annotations

import json

from app.cli import main
from app.core.settings import Settings, save_settings
from tests.conftest import article


def run_doctor(capsys, *args: str) -> tuple[int, dict]:
    code = main(["doctor", "--json", *args])
    return code, {c["name"]: c for c in json.loads(capsys.readouterr().out)["checks"]}


def test_a_healthy_machine_passes_and_names_the_cjk_font(make_root, capsys, zhida_home):
    root = make_root({"kb/a.md": article("a")})
    assert main(["index", "--content", str(root)]) == 0
    capsys.readouterr()
    code, checks = run_doctor(capsys, "--content", str(root))
    assert code == 0
    assert checks["中文字体"]["level"] == "ok" and checks["中文字体"]["detail"]
    assert checks["搜索索引"]["level"] == "ok" and checks["知识库"]["level"] == "ok"


def test_each_problem_comes_with_its_fix(make_root, tmp_path, capsys, zhida_home):
    root = make_root({"kb/a.md": article("a"), "kb/bad.md": "---\nid: [\n---\n"})
    save_settings(Settings(shared_folder=str(tmp_path / "unmounted-share")), zhida_home)
    code, checks = run_doctor(capsys, "--content", str(root))
    assert code == 1
    assert checks["团队共享文件夹"]["level"] == "error" and "网络盘" in checks["团队共享文件夹"]["fix"]
    assert checks["知识库"]["level"] == "warning" and checks["知识库"]["fix"].startswith("zhida validate")
    assert checks["搜索索引"]["level"] == "warning" and checks["搜索索引"]["fix"] == "zhida index"


def test_a_missing_content_folder_is_an_error_with_the_fix(tmp_path, capsys):
    code, checks = run_doctor(capsys, "--content", str(tmp_path / "nowhere"))
    assert code == 1 and checks["知识库"]["level"] == "error" and "设置" in checks["知识库"]["fix"]


def test_the_human_output_prints_a_fix_line_under_each_problem(tmp_path, capsys):
    assert main(["doctor", "--content", str(tmp_path / "nowhere")]) == 1
    out = capsys.readouterr().out
    assert "✖ 知识库:" in out and "\n    修复:" in out
