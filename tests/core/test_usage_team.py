"""Several ZHIDA_HOMEs on one share: agents search and miss, the manager sees the gap ranked, writes the
article, agents pull and find it; personal data never reaches the share; a flag travels there and back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from app.core.settings import Settings, save_settings
from app.core.usage.actions import new_article
from app.core.usage.log import UsageLog
from app.core.usage.records import RESOLVE_FLAG
from app.core.usage.team import team_flags
from app.core.vocab import FLAG_ARTICLE, FLAG_RESOLVED, MANAGER, PUBLISHED
from tests.conftest import article

PHONE = "13912345678"


@pytest.fixture
def team(tmp_path: Path, make_root, monkeypatch, capsys):
    """A share, a knowledge manager 'm' and agents a1..a3, each with its own ZHIDA_HOME and content root."""
    share = tmp_path / "share"
    share.mkdir()
    names = ("m", "a1", "a2", "a3")
    homes = {n: tmp_path / f"home-{n}" for n in names}
    for n, home in homes.items():
        home.mkdir()
        save_settings(Settings(role=MANAGER if n == "m" else "坐席", shared_folder=str(share)), home=home)
    roots = {
        "m": make_root(
            {"kb/refund.md": article("refund", title="退款多久到账?", category="退换货", review_by="2020-01-01")},
            name="root-m",
        )
    }
    for n in names[1:]:
        roots[n] = make_root({}, name=f"root-{n}")

    def run(who: str, *args: str) -> int:
        monkeypatch.setenv("ZHIDA_HOME", str(homes[who]))
        capsys.readouterr()
        return main([*args, "--content", str(roots[who])])

    def sync(who: str, *extra: str) -> int:
        return run(who, "sync", "--shared", str(share), *extra)

    assert sync("m", "--init", "--publish", "--publisher", "km") == 0
    for n in names[1:]:
        assert sync(n) == 0
    return share, homes, roots, run, sync


def _files(share: Path) -> list[Path]:
    return [p for p in share.rglob("*") if p.is_file()]


def test_a_gap_is_ranked_turned_into_an_article_and_then_found(team, capsys, monkeypatch):
    share, homes, roots, run, sync = team
    for n in ("a1", "a2", "a3"):
        assert run(n, "search", "积分怎么兑换礼品") == 0
    assert run("a1", "search", "积分 如何兑换礼品?") == 0  # the same question, typed another way
    assert run("a2", "search", "发票抬头写错了") == 0
    for n in ("a1", "a2", "a3"):
        assert sync(n) == 0
    assert list((share / ".zhida" / "usage").glob("*/days/*.json"))

    assert run("m", "report", "--json") == 0
    report = json.loads(capsys.readouterr().out)
    gaps = report["gaps"]
    assert gaps[0]["text"] == "积分兑换礼品" and gaps[0]["agents"] == 3 and gaps[0]["count"] == 4
    hidden = next(g for g in gaps if g["agents"] == 1)
    assert hidden["text"] is None  # one agent only: the text is not shown
    assert report["totals"]["searches"] == 5 and report["totals"]["no_result"] == 5
    assert report["stale_hot"][0]["id"] == "refund"

    rel = new_article(
        roots["m"],
        "积分怎么兑换礼品?",
        category="会员",
        similar=[gaps[0]["text"]],
        conclusion="在【我的-积分商城】选择礼品兑换,积分即时扣除。",
        status=PUBLISHED,
    )
    assert rel.startswith("kb/") and (roots["m"] / rel).exists()
    assert sync("m", "--publish") == 0
    assert sync("a1") == 0
    assert run("a1", "search", "积分怎么兑换礼品", "--json", "--no-log") == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert hits and hits[0]["path"] == rel


def test_a_phone_number_typed_into_search_never_reaches_the_share(team, capsys):
    share, homes, roots, run, sync = team
    for query in (f"手机号{PHONE}收不到验证码", "手机号 139 1234 5678 换绑", "邮箱 zhang.san@example.com 登不上"):
        for n in ("a1", "a2", "a3"):
            assert run(n, "search", query) == 0
    UsageLog(homes["a1"]).record_flag(FLAG_ARTICLE, "refund", f"客户电话{PHONE}说到账慢")
    UsageLog(homes["a1"]).record_gap(f"客户 {PHONE} 问积分", "咨询")
    for n in ("a1", "a2", "a3"):
        assert sync(n) == 0
    blob = b"".join(p.read_bytes() for p in _files(share))
    for secret in (PHONE, "1234 5678", "zhang.san", "5678"):
        assert secret.encode() not in blob, secret
    assert run("m", "report", "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["private_searches"] == 9 and report["totals"]["searches"] == 9
    assert report["flags"][0]["comment"].startswith("客户电话***")


def test_a_flag_reaches_the_owner_and_the_answer_comes_back(team, capsys):
    share, homes, roots, run, sync = team
    agent = UsageLog(homes["a2"])
    flag = agent.record_flag(FLAG_ARTICLE, "refund", "到账时间已改为1-5个工作日", title="退款多久到账?")
    assert sync("a2") == 0
    assert run("m", "report", "--json") == 0
    flags = json.loads(capsys.readouterr().out)["flags"]
    assert [(f["id"], f["status"], f["comment"]) for f in flags] == [(flag.id, "open", "到账时间已改为1-5个工作日")]

    manager = UsageLog(homes["m"])
    (seen,) = team_flags(share, None, manager)  # what the workbench shows the article's owner
    assert seen.article == "refund" and seen.status == "open" and seen.comment == "到账时间已改为1-5个工作日"
    manager.record_decision(RESOLVE_FLAG, flag.id, {"status": FLAG_RESOLVED, "note": "已更新为1-5个工作日"})
    assert team_flags(share, None, manager)[0].status == FLAG_RESOLVED  # at once, before the next sync
    assert sync("m") == 0
    assert sync("a2") == 0
    out = capsys.readouterr().out
    assert "已更新为1-5个工作日" in out
    mine = agent.flags()[0]
    assert mine.status == FLAG_RESOLVED and mine.note == "已更新为1-5个工作日"
    assert run("m", "report", "--json") == 0
    assert json.loads(capsys.readouterr().out)["flags"][0]["status"] == FLAG_RESOLVED
