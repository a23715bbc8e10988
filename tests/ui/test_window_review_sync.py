"""The window's sync goes through review mode like `zhida sync --publish`: a real share, two managers, an agent."""

from __future__ import annotations

from pathlib import Path

from app.core.authoring.review_sync import enable_review
from app.core.authoring.workflow import Authoring
from app.core.settings import Settings
from app.core.sync.engine import init_share, sync
from app.core.vocab import MANAGER
from app.ui.main_window import MainWindow
from tests.conftest import article

REFUND = article(
    "refund-time", title="退款多久到账?", similar="[钱什么时候退回来]", body="## 结论\n退款1-3个工作日到账。\n"
)


def test_a_managers_window_sync_keeps_an_unapproved_edit_of_a_live_article_from_agents(
    qtbot, tmp_path: Path, make_root, monkeypatch
):
    share = tmp_path / "share"
    share.mkdir()
    homes = {who: tmp_path / f"home-{who}" for who in ("zhang", "li", "agent")}
    roots = {"zhang": make_root({"kb/returns/refund.md": REFUND}, name="zhang")}
    roots["li"], roots["agent"] = make_root({}, name="li"), make_root({}, name="agent")
    init_share(share)
    enable_review(share)
    assert not sync(roots["zhang"], share, publish=True, home=homes["zhang"]).failed  # the published baseline
    for who in ("li", "agent"):
        assert not sync(roots[who], share, publish=who == "li", home=homes[who]).failed

    monkeypatch.setenv("ZHIDA_HOME", str(homes["zhang"]))
    win = MainWindow(roots["zhang"], Settings(role=MANAGER, shared_folder=str(share)), home=homes["zhang"])
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.ready, timeout=30000):
        win.start_loading()
    win.setup_sync()
    path = roots["zhang"] / "kb/returns/refund.md"
    path.write_text(REFUND.replace("退款1-3个工作日到账。", "退款马上到账。"), encoding="utf-8")  # an outside editor
    with qtbot.waitSignal(win.sync.synced, timeout=30000) as done:
        win.sync_now_action.trigger()  # ⟳ › 立即同步
    report = done.args[0]

    assert report.published == [] and path.read_text(encoding="utf-8") == REFUND  # the live text is back
    assert "待审核" in win.statusBar().currentMessage()  # the manager is told where the edit went
    assert not sync(roots["agent"], share, home=homes["agent"]).failed
    assert "马上到账" not in (roots["agent"] / "kb/returns/refund.md").read_text(encoding="utf-8")
    (pending,) = Authoring(roots["li"], homes["li"], share).board.pending()  # the second manager sees it
    assert pending.path == "kb/returns/refund.md" and "马上到账" in (pending.text or "")
    win.shutdown()
