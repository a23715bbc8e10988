"""Review mode for a share through the CLI: two managers (two ZHIDA_HOMEs) and one agent on one share."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from app.core.settings import Settings, save_settings
from tests.conftest import article

OLD = article(
    "refund-time", title="退款多久到账?", body="## 结论\n退款1-3个工作日到账。\n", similar="[钱什么时候退回来]"
)
NEW_BODY = "## 结论\n退款审核通过后1-3个工作日原路退回,节假日顺延。\n"


@pytest.fixture
def team(tmp_path: Path, make_root, monkeypatch):
    """A share with review on; managers zhang and li, agent wang, each with a home and a content root."""
    share = tmp_path / "share"
    share.mkdir()
    homes = {who: tmp_path / f"home-{who}" for who in ("zhang", "li", "wang")}
    for who, home in homes.items():
        home.mkdir()
        save_settings(Settings(role="坐席" if who == "wang" else "知识管理员", shared_folder=str(share)), home=home)
    roots = {
        "zhang": make_root({"kb/returns/refund.md": OLD}, name="zhang"),
        "li": make_root({}, name="li"),
        "wang": make_root({}, name="wang"),
    }

    def run(who: str, *args: str) -> int:
        monkeypatch.setenv("ZHIDA_HOME", str(homes[who]))
        return main([*args, "--content", str(roots[who])])

    assert run("zhang", "sync", "--shared", str(share), "--init", "--review", "--publish", "--publisher", "zhang") == 0
    assert run("li", "sync", "--shared", str(share), "--publish", "--publisher", "li") == 0
    assert run("wang", "sync", "--shared", str(share)) == 0
    return share, roots, homes, run


def _json(capsys) -> dict:
    return json.loads(capsys.readouterr().out)


def test_an_edit_to_a_published_article_waits_for_a_second_manager(team, capsys):
    share, roots, homes, run = team
    path = roots["zhang"] / "kb/returns/refund.md"
    edited = OLD.replace("## 结论\n退款1-3个工作日到账。\n", NEW_BODY)
    path.write_text(edited, encoding="utf-8")  # an outside editor
    capsys.readouterr()
    assert run("zhang", "sync", "--shared", str(share), "--publish", "--json") == 0
    report = _json(capsys)
    assert report["published"] == [] and any("待审核" in n for n in report["notices"])
    assert path.read_text(encoding="utf-8") == OLD  # the live text is back; the edit is kept as a revision
    assert run("wang", "sync", "--shared", str(share)) == 0
    assert "原路退回" not in (roots["wang"] / "kb/returns/refund.md").read_text(encoding="utf-8")

    capsys.readouterr()
    assert run("zhang", "review", "list", "--json") == 0
    (rev,) = _json(capsys)["revisions"]
    assert rev["path"] == "kb/returns/refund.md" and rev["state"] == "pending"
    assert run("zhang", "review", "approve", rev["id"]) == 1  # no self-approval
    assert "second" in capsys.readouterr().err

    assert run("li", "review", "list", "--json") == 0
    assert [r["id"] for r in _json(capsys)["revisions"]] == [rev["id"]]
    assert run("li", "review", "show", rev["id"]) == 0
    assert "+退款审核通过后1-3个工作日原路退回" in capsys.readouterr().out
    assert run("li", "review", "approve", rev["id"], "--comment", "好") == 0
    capsys.readouterr()
    assert run("li", "sync", "--shared", str(share), "--publish", "--json") == 0
    assert _json(capsys)["published"] == ["kb/returns/refund.md"]

    assert run("wang", "sync", "--shared", str(share)) == 0
    assert "原路退回" in (roots["wang"] / "kb/returns/refund.md").read_text(encoding="utf-8")
    capsys.readouterr()
    assert run("wang", "search", "退款多久到账", "--json") == 0
    hits = _json(capsys)["hits"]
    assert hits[0]["id"] == "refund-time" and "原路退回" in hits[0]["snippet"]
    assert run("zhang", "sync", "--shared", str(share), "--publish") == 0
    assert "原路退回" in path.read_text(encoding="utf-8")
    capsys.readouterr()
    assert run("zhang", "review", "list", "--all", "--json") == 0
    (done,) = _json(capsys)["revisions"]
    assert done["state"] == "approved" and done["comment"] == "好"


def test_reject_needs_a_comment_and_keeps_the_live_text(team, capsys):
    share, roots, homes, run = team
    path = roots["zhang"] / "kb/returns/refund.md"
    path.write_text(OLD.replace("1-3个工作日", "马上"), encoding="utf-8")
    run("zhang", "sync", "--shared", str(share), "--publish")
    capsys.readouterr()
    run("li", "review", "list", "--json")
    (rev,) = _json(capsys)["revisions"]
    assert run("li", "review", "reject", rev["id"]) == 1
    assert "comment" in capsys.readouterr().err
    assert run("li", "review", "reject", rev["id"][:5], "--comment", "不能承诺马上到账") == 0
    capsys.readouterr()
    run("zhang", "review", "list", "--all", "--json")
    (seen,) = _json(capsys)["revisions"]
    assert seen["state"] == "rejected" and seen["comment"] == "不能承诺马上到账"
    assert path.read_text(encoding="utf-8") == OLD


def test_zhida_new_creates_a_draft_with_a_pinyin_id_and_history_lists_it(team, capsys):
    share, roots, homes, run = team
    capsys.readouterr()
    assert run("zhang", "new", "article", "--title", "怎么开电子发票?", "--category", "发票", "--json") == 0
    made = _json(capsys)
    assert made["id"].replace("-", "") == "zenmekaidianzifapiao" and made["result"] == "saved"
    text = (roots["zhang"] / made["path"]).read_text(encoding="utf-8")
    assert "status: draft" in text and "## 结论" in text
    assert run("zhang", "validate") == 1  # a draft with empty sections is reported until it is written
    assert "headings but no text" in capsys.readouterr().out
    assert run("zhang", "new", "article", "--title", "怎么开电子发票?", "--body", "## 结论\n订单详情页申请。") == 0
    assert f"{made['id']}-2" in capsys.readouterr().out
    assert (
        run("zhang", "new", "script", "--title", "开场问候", "--text", "您好,请问有什么可以帮您?", "--stage", "开场")
        == 0
    )
    capsys.readouterr()
    assert run("zhang", "history", "--json") == 0
    versions = _json(capsys)["versions"]
    assert {v["path"] for v in versions} >= {made["path"]}


def test_validate_quality_reports_near_duplicates_and_checker_findings(make_root, capsys):
    root = make_root(
        {
            "kb/a.md": article("a", title="退款多久到账?"),
            "kb/b.md": article("b", title="退款多久能到账", body="## 结论\n我不知道,您自己去问银行。\n"),
            "scripts_library/rules/evasive.yaml": (
                Path(__file__).parents[2] / "scripts_library/rules/evasive.yaml"
            ).read_text(encoding="utf-8"),
        }
    )
    assert main(["validate", "--content", str(root)]) == 1  # the plain run already blocks a 禁忌 phrase
    plain = capsys.readouterr().out
    assert "kb/b.md:6: error: article 'b' (结论): 「我不知道」" in plain and "near-duplicate" not in plain
    assert main(["validate", "--content", str(root), "--quality"]) == 1
    out = capsys.readouterr().out
    assert "near-duplicate" in out and "kb/b.md" in out
    assert out.count("(结论): 「我不知道」") == 1 and "checker: “我不知道”" not in out  # reported once
