"""`zhida check` as an agent or a CI script uses it: marked output, JSON offsets, exit codes, clear errors."""

from __future__ import annotations

import io
import json
import sys

import pytest

from app.cli import main


def run_check(args: list[str], capsys, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8"))
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_error_finding_exits_1_and_marks_the_phrase_with_reason_and_suggestion(tmp_path, repo_root, capsys):
    draft = tmp_path / "draft.txt"
    draft.write_text("您好！\n我 不-知道，你自己看说明吧。\n", encoding="utf-8")
    code, out, err = run_check([str(draft), "--content", str(repo_root)], capsys)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("2:1: error 错误 [evasive-dont-know] 推诿: ")
    assert lines[1] == "    【我 不-知道】，你自己看说明吧。"
    assert lines[2] == "    一键修改 fix: 我帮您查询一下 / 我马上为您核实"  # proven by the rule's fixed: spec
    # a rewrite no spec proves is shown as a phrasing to copy, never offered as a one-click fix
    assert "    可以这样说 better: 我来为您说明一下 / 具体操作步骤是" in lines
    assert "errors" in err


def test_json_offsets_are_characters_of_the_input(tmp_path, repo_root, capsys):
    text = "亲，您好！手机１３８１２３４５６７８"
    draft = tmp_path / "draft.txt"
    draft.write_text(text, encoding="utf-8")
    code, out, _ = run_check([str(draft), "--json", "--audience", "外籍", "--content", str(repo_root)], capsys)
    data = json.loads(out)
    assert code == 1 and list(data) == ["findings"]
    for f in data["findings"]:
        assert set(f) == {"start", "end", "text", "rule", "level", "reason", "message", "suggestions", "better"}
        assert text[f["start"] : f["end"]] == f["text"]
    assert [(f["rule"], f["level"]) for f in data["findings"]] == [
        ("address-familiar-foreign", "error"),
        ("pii-mobile", "error"),
    ]
    assert data["findings"][1]["suggestions"][0] == "138****5678"


def test_clean_reply_from_stdin_exits_0(repo_root, capsys, monkeypatch):
    code, out, _ = run_check(
        ["-", "--json", "--content", str(repo_root)],
        capsys,
        stdin="您好，退款预计1-3个工作日原路退回。",
        monkeypatch=monkeypatch,
    )
    assert code == 0 and json.loads(out) == {"findings": []}


def test_audience_and_channel_change_the_verdict(tmp_path, repo_root, capsys):
    draft = tmp_path / "d.txt"
    draft.write_text("亲，请看下方链接", encoding="utf-8")
    code, out, _ = run_check([str(draft), "--json", "--content", str(repo_root)], capsys)
    assert code == 0
    code, out, _ = run_check(
        [str(draft), "--json", "--audience", "foreign", "--channel", "phone", "--content", str(repo_root)], capsys
    )
    assert code == 1
    assert {f["rule"] for f in json.loads(out)["findings"]} == {
        "address-familiar-foreign",
        "channel-phone-visual",
        "language-chinese-for-foreign",
    }


def test_gbk_file_is_read(tmp_path, repo_root, capsys):
    draft = tmp_path / "gbk.txt"
    draft.write_bytes("这不是我的问题".encode("gbk"))
    code, out, _ = run_check([str(draft), "--json", "--content", str(repo_root)], capsys)
    assert code == 1 and json.loads(out)["findings"][0]["rule"] == "evasive-not-my-job"


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing.txt"], "missing.txt: file not found"),
        (["-", "--audience", "火星人"], "unknown audience '火星人'"),
        (["-", "--channel", "fax"], "unknown channel 'fax'"),
    ],
)
def test_bad_input_is_one_line_without_traceback(args, message, repo_root, capsys):
    code = main(["check", *args, "--content", str(repo_root)])
    err = capsys.readouterr().err
    assert code != 0 and message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_rules_come_from_the_content_root(make_root, tmp_path, capsys):
    root = make_root(
        {
            "scripts_library/rules/r.yaml": "kind: rules\nrules:\n  - id: house\n    level: error\n    reason: 用语\n    message: m\n    phrases: [木有]\n"
        }
    )
    draft = tmp_path / "d.txt"
    draft.write_text("木有问题，我不知道，手机13812345678", encoding="utf-8")
    code, out, _ = run_check([str(draft), "--json", "--content", str(root)], capsys)
    # the root's own rule, plus the defaults every root is checked with (禁忌话术 and personal data)
    rules = [f["rule"] for f in json.loads(out)["findings"]]
    assert code == 1 and {"house", "evasive-dont-know", "pii-mobile"} <= set(rules) and rules[0] == "house"
