"""`zhida train [quiz|drill|progress|exam]`: drills and conversations, cards, progress and exams, human and JSON."""

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
    assert code == 0 and list(data) == ["drill", "total", "grade", "items", "findings", "model_answer", "capped_by"]
    assert data["drill"]["id"] == "inquiry-refund-time" and 0 < data["total"] < 90
    assert set(data["items"][0]) == {"name", "points", "max_points", "ok", "why", "better", "kind"}
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


def test_a_conversation_takes_one_reply_per_turn_and_says_how_the_customer_reacted(repo_root, capsys):
    code, out, _ = run(
        [
            "drill",
            "conv-damaged-third-time",
            "--reply",
            "这是物流的问题,你自己看说明。",
            "--reply",
            "请耐心等待。",
            "--json",
            "--content",
            str(repo_root),
        ],
        capsys,
    )
    data = json.loads(out)
    assert code == 0 and data["finished"] is True and len(data["turns"]) == 2
    assert [t["reaction"] for t in data["turns"]] == ["escalate", "left"]
    assert "客户耐心" in data["capped_by"] and data["total"] <= 59


def test_quiz_shows_the_due_cards_and_records_an_answer(repo_root, capsys, zhida_home):
    code, out, _ = run(["quiz", "--json", "--content", str(repo_root)], capsys)
    due = json.loads(out)["due"]
    assert code == 0 and due and {"id", "kind", "prompt"} <= set(due[0])
    card = next(c for c in due if c["kind"] == "truefalse")
    code, out, _ = run(["quiz", "--card", card["id"], "--answer", "对", "--json", "--content", str(repo_root)], capsys)
    answered = json.loads(out)
    assert code == 0 and answered["answer"] in ("对", "错") and answered["due"]
    assert (zhida_home / "training" / "reviews.jsonl").read_text(encoding="utf-8").count("\n") == 1
    code, _, err = run(["quiz", "--card", "nope", "--answer", "x", "--content", str(repo_root)], capsys)
    assert code == 1 and "nope" in err and "Traceback" not in err


def test_progress_after_a_drill_lists_the_attempt_and_suggests_the_next_drill(repo_root, capsys):
    run(
        ["drill", "inquiry-refund-time", "--reply", "退款一般1-3个工作日原路退回。", "--content", str(repo_root)],
        capsys,
    )
    code, out, _ = run(["progress", "--json", "--content", str(repo_root)], capsys)
    data = json.loads(out)
    assert code == 0 and [a["drill"] for a in data["attempts"]] == ["inquiry-refund-time"]
    assert data["suggestion"]["drill"] and data["publish_mode"] == "off"
    code, out, _ = run(["progress", "--content", str(repo_root)], capsys)
    assert "练习 1 次" in out and "下一题建议" in out


def test_an_exam_from_an_answers_file_is_scored_recorded_and_exported(repo_root, tmp_path, capsys):
    answers = tmp_path / "answers.json"
    answers.write_text(
        json.dumps({"return-refund-arrival-time#myth1": "错", "inquiry-refund-time": "1-3个工作日"}), "utf-8"
    )
    summary = tmp_path / "summary.md"
    code, out, _ = run(
        [
            "exam",
            "onboarding-week1",
            "--answers",
            str(answers),
            "--export",
            str(summary),
            "--json",
            "--content",
            str(repo_root),
        ],
        capsys,
    )
    data = json.loads(out)
    assert code == 0 and data["exam"] == "onboarding-week1" and data["passed"] is False
    assert sum(1 for i in data["items"] if i["answered"]) == 2
    assert "新人第一周考核" in summary.read_text(encoding="utf-8")
    code, out, _ = run(["exam", "--json", "--content", str(repo_root)], capsys)
    assert code == 0 and json.loads(out)["exams"][0]["id"] == "onboarding-week1"
    code, _, err = run(["exam", "nope", "--content", str(repo_root)], capsys)
    assert code == 2 and "nope" in err


def test_the_team_board_from_a_share(repo_root, tmp_path, capsys):
    from app.core.sync.engine import init_share

    share = tmp_path / "share"
    share.mkdir()
    init_share(share)
    code, out, _ = run(["progress", "--team", "--shared", str(share), "--json", "--content", str(repo_root)], capsys)
    assert code == 0 and json.loads(out)["trainees"] == []
    code, _, err = run(["progress", "--team", "--shared", str(tmp_path / "none"), "--content", str(repo_root)], capsys)
    assert code == 1 and "shared folder not found" in err
