"""`zhida train`: list drills, show one, score a reply (human and JSON), clear errors."""

from __future__ import annotations

import io
import json
import sys

from app.cli import main


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(["train", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_lists_drills_with_id_type_and_title(repo_root, capsys):
    code, out, _ = run(["--content", str(repo_root)], capsys)
    assert code == 0
    assert any(line.split()[:2] == ["complaint-damaged-expose", "投诉"] for line in out.splitlines())


def test_drill_id_prints_the_customer_message(repo_root, capsys):
    code, out, _ = run(["inquiry-refund-time", "--content", str(repo_root)], capsys)
    assert code == 0 and "退款一般多久能到账" in out


def test_reply_prints_score_items_with_marks_and_the_model_answer(repo_root, capsys):
    code, out, _ = run(
        ["complaint-damaged-expose", "--reply", "我不知道,你自己看说明", "--content", str(repo_root)], capsys
    )
    assert code == 0
    assert "得分 score: 0/100 需加强" in out
    assert "✗ 禁忌话术" in out and "我帮您查询一下" in out and "✓ 隐私" in out
    assert "参考答案 model answer" in out


def test_json_document_from_a_gbk_reply_file(repo_root, tmp_path, capsys):
    reply = tmp_path / "reply.txt"
    reply.write_bytes("退款审核通过后一般1-3个工作日原路退回。".encode("gbk"))
    code, out, _ = run(
        ["inquiry-refund-time", "--reply-file", str(reply), "--json", "--content", str(repo_root)], capsys
    )
    data = json.loads(out)
    assert code == 0 and list(data) == ["drill", "total", "grade", "items", "findings", "model_answer"]
    assert data["drill"]["id"] == "inquiry-refund-time" and 0 < data["total"] < 90
    assert set(data["items"][0]) == {"name", "points", "max_points", "ok", "why", "better"}
    assert next(i for i in data["items"] if i["name"] == "关键信息")["ok"] is True


def test_reply_from_stdin(repo_root, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8"))
    code, out, _ = run(["inquiry-refund-time", "--reply-file", "-", "--json", "--content", str(repo_root)], capsys)
    assert code == 0 and json.loads(out)["total"] == 0


def test_unknown_drill_is_one_line_and_exit_2(repo_root, capsys):
    code, out, err = run(["no-such-drill", "--content", str(repo_root)], capsys)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "no-such-drill" in err and "Traceback" not in err


def test_missing_reply_file_is_one_line(repo_root, tmp_path, capsys):
    code, _, err = run(
        ["inquiry-refund-time", "--reply-file", str(tmp_path / "nope.txt"), "--content", str(repo_root)], capsys
    )
    assert code == 1 and "nope.txt" in err and "Traceback" not in err
