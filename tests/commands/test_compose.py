"""`zhida compose`: the draft on the command line, as text or as one JSON document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from tests.conftest import article

PASSWORD = """\
## 结论
您可以在APP【我的-设置-账户安全】中修改密码。

## 说明
新密码需为8-20位。

## 操作步骤
1. 进入【我的-设置】。
"""

SCRIPTS = """\
- id: s-empathy
  title: 投诉共情
  type: 投诉
  stage: 共情
  text: "您的心情我完全理解,我们一定给您一个满意的答复。"
- id: s-promise
  title: 约定反馈时间
  type: 投诉
  stage: 跟进
  tags: [约定反馈时间]
  text: "我会在{反馈时间}前给您回复处理结果。"
"""


@pytest.fixture
def root(make_root) -> Path:
    return make_root(
        {
            "kb/password.md": article(
                "acct-change-password", title="如何修改登录密码?", body=PASSWORD, similar="[密码怎么改]"
            ),
            "kb/refund.md": article("refund-time", title="退款多久到账?"),
            "scripts_library/scripts.yaml": SCRIPTS,
        }
    )


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["compose", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_has_the_documented_keys_and_the_three_steps(root: Path, capsys) -> None:
    data = run_json(capsys, "--content", str(root), "--message", "密码怎么改?")
    assert set(data) == {"triage", "article", "slots", "text", "placeholders", "findings", "choice", "facts"}
    assert set(data["triage"]) == {"type", "priority", "emotion", "cues"}
    assert data["triage"]["type"] == "咨询"
    assert data["article"]["id"] == "acct-change-password"
    assert [s["name"] for s in data["slots"]][:3] == ["结论", "说明", "操作指引"]
    assert all(set(s) == {"name", "text", "source", "alternatives"} for s in data["slots"])
    assert data["slots"][0]["source"] == "article:acct-change-password#结论"
    assert data["text"].startswith("您可以在APP【我的-设置-账户安全】中修改密码。")
    assert isinstance(data["findings"], list)


def test_complaint_json_lists_cues_and_open_placeholders(root: Path, capsys) -> None:
    data = run_json(capsys, "--content", str(root), "--message", "多次催了都没人管,我要投诉!!!")
    triage = data["triage"]
    assert (triage["type"], triage["priority"], triage["emotion"]) == ("投诉", "high", "angry")
    assert {"多次", "投诉", "!!!"} <= {c["cue"] for c in triage["cues"]}
    assert data["slots"][0]["name"] == "共情"
    assert data["placeholders"] == ["反馈时间"]


def test_article_audience_and_channel_options(root: Path, capsys) -> None:
    data = run_json(
        capsys,
        "--content",
        str(root),
        "--message",
        "你好",
        "--article",
        "acct-change-password",
        "--audience",
        "老年",
        "--channel",
        "电话",
    )
    assert data["article"]["id"] == "acct-change-password"
    assert "【" not in data["text"] and "再说一遍" in data["text"]


def test_human_output_shows_triage_slots_and_reply(root: Path, capsys) -> None:
    assert main(["compose", "--content", str(root), "--message", "多次催了,我要投诉"]) == 0
    out = capsys.readouterr().out
    assert "类型 投诉" in out and "“多次”" in out
    assert "[1] 共情  ← script:s-empathy" in out
    assert "待填 placeholders: {反馈时间}" in out


def test_unknown_article_is_one_line_error(root: Path, capsys) -> None:
    assert main(["compose", "--content", str(root), "--message", "你好", "--article", "nope"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("zhida: error: article not found: nope") and err.count("\n") == 1


def test_empty_message_is_refused(root: Path, capsys) -> None:
    assert main(["compose", "--content", str(root), "--message", "  "]) == 1
    assert "--message is empty" in capsys.readouterr().err


def test_human_output_shows_a_findings_proven_fix_and_its_phrasing_to_copy(make_root, capsys) -> None:
    """A manager's article with 禁忌 phrases: the agent sees the one-click fix and, where no fix is safe, the
    phrasing to copy — not only the reason."""
    body = "## 结论\n这个我不知道，你自己看说明吧。\n"
    root = make_root({"kb/a.md": article("read-yourself", title="说明书在哪里?", body=body)})
    assert main(["compose", "--content", str(root), "--message", "说明书在哪里", "--article", "read-yourself"]) == 0
    out = capsys.readouterr().out
    assert "“我不知道”" in out and "一键修改 fix: 我帮您查询一下" in out
    assert "“你自己看说明”" in out and "可以这样说 better: 我来为您说明一下" in out
