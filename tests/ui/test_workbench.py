"""The 知识管理 tab through real widgets, real files and real shares (two managers' homes and an agent's)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QPushButton

from app.core.authoring.review_sync import enable_review, reviewed_sync
from app.core.authoring.versions import VersionStore
from app.core.settings import Settings
from app.core.sync.engine import init_share, sync
from app.core.workspace import load_workspace
from app.ui.main_window import MainWindow
from app.ui.workbench import WorkbenchPanel
from tests.conftest import REPO_ROOT, article
from tests.ui.conftest import type_text

RULES = (REPO_ROOT / "scripts_library/rules/evasive.yaml").read_text(encoding="utf-8")
REFUND = article(
    "refund-time",
    title="退款多久到账?",
    similar="[钱什么时候退回来, 退款一直没到账]",
    body="## 结论\n退款1-3个工作日原路退回。\n",
)
INVOICE = article("invoice-open", title="怎么开电子发票?", body="## 结论\n在订单详情申请电子发票。\n")


@pytest.fixture
def root(make_root) -> Path:
    return make_root(
        {"kb/returns/refund.md": REFUND, "kb/invoice/invoice.md": INVOICE, "scripts_library/rules/evasive.yaml": RULES}
    )


def _panel(qtbot, root: Path, home: Path, share: Path | None = None) -> WorkbenchPanel:
    panel = WorkbenchPanel(home=home, share=share)
    qtbot.addWidget(panel, before_close_func=lambda w: w.shutdown())
    panel.resize(1400, 900)
    panel.show()
    panel.set_workspace(load_workspace(root, home=home))
    panel.runner.wait()
    qtbot.waitUntil(lambda: panel.neardup is not None)
    return panel


def _click(panel: WorkbenchPanel, label: str) -> None:
    """Click a button of the gate bar by its label."""
    for button in panel.gate.findChildren(QPushButton):
        if button.text() == label and button.isVisible():
            button.click()
            return
    raise AssertionError(f"no gate button {label!r}: {panel.gate.label.text()}")


def _saved(qtbot, panel: WorkbenchPanel) -> None:
    with qtbot.waitSignal(panel.saved, timeout=15000):
        pass


def test_create_edit_preview_lint_override_and_save(qtbot, root, zhida_home):
    panel = _panel(qtbot, root, zhida_home)
    panel.open_new_article()
    type_text(panel.article.title, "会员积分怎么用")
    item_id = panel.article.item_id.text()  # word breaks follow the segmenter's (growing) dictionary
    assert item_id.replace("-", "") == "huiyuanjifenzenmeyong" and "-" in item_id
    panel.article.category.setCurrentText("会员")
    panel.article.body.clear()
    panel.article.insert_section("结论")
    type_text(panel.article.body, "积分一年有效。我不知道别的。")
    qtbot.waitUntil(lambda: "我不知道别的" in panel.article.preview.toPlainText(), timeout=5000)
    assert panel.article.preview.toPlainText().startswith("结论")  # rendered, not raw Markdown
    with qtbot.waitSignal(panel.linted, timeout=5000):
        panel.lint_now()
    errors = [f for f in panel.article.body.findings if f.level == "error"]
    assert errors and panel.article.body.toPlainText()[errors[0].start : errors[0].end] == errors[0].text
    panel.save_current()
    assert panel.gate.isVisible() and "错误" in panel.gate.label.text()
    assert not list((root / "kb").rglob(f"{item_id}.md"))
    panel.gate.note.setText("客户原话引用")
    _click(panel, "仍然保存(记录原因)")
    _saved(qtbot, panel)
    saved = root / panel.rel
    assert saved.read_text(encoding="utf-8").startswith(f"---\nid: {item_id}\ntitle: 会员积分怎么用\n")
    (version,) = VersionStore(root, zhida_home).versions(panel.rel)
    assert "仍然保存:客户原话引用" in version.note and "我不知道" in version.note


def test_typing_through_an_input_method_keeps_every_character(qtbot, root, zhida_home):
    panel = _panel(qtbot, root, zhida_home)
    panel.open_new_article()
    editor = panel.article.body
    editor.setFocus()
    editor.clear()
    QApplication.sendEvent(editor, QInputMethodEvent("tuikuan", []))  # composing: not text yet
    commit = QInputMethodEvent()
    commit.setCommitString("退款")
    QApplication.sendEvent(editor, commit)
    type_text(editor, "很快")
    panel.lint_now()
    panel.runner.wait()
    qtbot.wait(50)
    assert editor.toPlainText() == "退款很快"


def test_an_outside_edit_while_open_prompts_compare_and_merge(qtbot, root, zhida_home):
    panel = _panel(qtbot, root, zhida_home)
    assert panel.open_item("article", "refund-time")
    panel.article.similar.add("退款什么时候到")
    path = root / "kb/returns/refund.md"
    path.write_text(REFUND.replace("原路退回", "原路退回(外部修改)"), encoding="utf-8")

    def merge() -> None:
        dialog = getattr(panel, "outside_dialog", None)
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(50, merge)
            return
        assert dialog.diff.summary.text() != "两个版本相同"
        dialog.merge.setPlainText(dialog.merge.toPlainText().replace("原路退回", "原路退回(合并)"))
        dialog._decide("merged")

    QTimer.singleShot(50, merge)
    panel.watch_timer.stop()  # this test is about the check at save time (the watcher has its own test)
    panel.flow.passed = {"regression", "duplicate"}
    panel.flow.run()
    _saved(qtbot, panel)
    text = path.read_text(encoding="utf-8")
    assert "原路退回(合并)" in text and "退款什么时候到" in text


def test_unsaved_work_is_offered_back_after_a_crash(qtbot, root, zhida_home):
    panel = _panel(qtbot, root, zhida_home)
    assert panel.open_item("article", "refund-time")
    type_text(panel.article.title, "(含节假日)")
    qtbot.waitUntil(lambda: bool(panel.autosave.pending()), timeout=5000)
    panel.runner.close()  # the process dies: no save, no shutdown
    again = _panel(qtbot, root, zhida_home)
    assert again.gate.isVisible() and "未保存" in again.gate.label.text()
    _click(again, "恢复")
    assert again.article.title.text() == "退款多久到账?(含节假日)"
    assert "含节假日" not in (root / "kb/returns/refund.md").read_text(encoding="utf-8")


def test_restore_an_older_version_makes_a_new_version(qtbot, root, zhida_home):
    panel = _panel(qtbot, root, zhida_home)
    assert panel.open_item("article", "refund-time")
    panel.flow.passed = set()
    panel.article.title.setText("退款几天到账?")
    panel.flow.passed = {"regression"}
    panel.flow.run()
    if panel.gate.isVisible():
        _click(panel, "仍然保存")
    _saved(qtbot, panel)
    store = VersionStore(root, zhida_home)
    (first,) = store.versions("kb/returns/refund.md")
    panel.article.title.setText("退款要几天?")
    panel.flow.passed = {"regression", "duplicate"}
    panel.flow.run()
    _saved(qtbot, panel)
    panel.show_versions()
    dialog = panel.versions_dialog
    assert dialog.list.count() == 2
    dialog.list.setCurrentRow(1)  # the older one
    assert dialog.diff.summary.text().endswith("处不同")
    dialog._restore()
    assert panel.article.title.text() == "退款几天到账?"
    panel.flow.passed = {"regression", "duplicate"}
    panel.flow.run()
    _saved(qtbot, panel)
    versions = store.versions("kb/returns/refund.md")
    assert len(versions) == 3 and versions[-1].hash == first.hash and "恢复自版本" in versions[-1].note


def test_a_near_duplicate_title_offers_merging_as_similar_question(qtbot, root, zhida_home):
    panel = _panel(qtbot, root, zhida_home)
    panel.open_new_article()
    type_text(panel.article.title, "退款多久能到账?")
    panel.article.body.setPlainText("## 结论\n一到三天。\n")
    panel.save_current()
    assert "可能重复" in panel.gate.label.text() and "refund-time" in panel.gate.label.text()
    _click(panel, "合并为相似问法")
    assert panel.item_id == "refund-time"
    assert "退款多久能到账?" in panel.article.similar.values()
    assert not list((root / "kb").rglob("tuikuan-duojiu-neng*"))


def test_a_regression_warning_before_publishing(qtbot, root, zhida_home):
    panel = _panel(qtbot, root, zhida_home)
    assert panel.open_item("article", "refund-time")
    panel.article.title.setText("会员积分规则")
    panel.article.similar.set_values([])
    panel.article.body.setPlainText("## 结论\n积分一年有效。\n")
    panel.save_current()
    qtbot.waitUntil(lambda: panel.gate.isVisible() and "搜索回归" in panel.gate.label.text(), timeout=20000)
    assert "退款多久到账?" in panel.gate.label.text()
    assert "积分" not in (root / "kb/returns/refund.md").read_text(encoding="utf-8")
    _click(panel, "仍然保存")
    _saved(qtbot, panel)


def test_pending_revision_is_approved_by_a_second_manager_then_the_agent_gets_it(qtbot, tmp_path, make_root):
    share = tmp_path / "share"
    share.mkdir()
    homes = {who: tmp_path / f"home-{who}" for who in ("zhang", "li", "agent")}
    roots = {"zhang": make_root({"kb/returns/refund.md": REFUND}, name="zhang")}
    roots["li"], roots["agent"] = make_root({}, name="li"), make_root({}, name="agent")
    init_share(share)
    enable_review(share)
    assert not sync(roots["zhang"], share, publish=True, home=homes["zhang"]).failed
    for who in ("li", "agent"):
        assert not sync(roots[who], share, publish=who == "li", home=homes[who]).failed

    zhang = _panel(qtbot, roots["zhang"], homes["zhang"], share)
    assert zhang.open_item("article", "refund-time")
    zhang.article.body.setPlainText("## 结论\n退款审核通过后1-3个工作日原路退回,节假日顺延。\n")
    zhang.flow.passed = {"regression"}
    zhang.flow.run()
    _saved(qtbot, zhang)
    assert "节假日" not in (roots["zhang"] / "kb/returns/refund.md").read_text(encoding="utf-8")
    reviewed_sync(sync, roots["zhang"], share, publish=True, home=homes["zhang"])

    agent_sees = lambda: (roots["agent"] / "kb/returns/refund.md").read_text(encoding="utf-8")  # noqa: E731
    sync(roots["agent"], share, home=homes["agent"])
    assert "节假日" not in agent_sees()
    before = load_workspace(roots["agent"], home=homes["agent"])
    assert before.index.search("节假日顺延") == []  # agents search the published text only
    before.index.close()

    li = _panel(qtbot, roots["li"], homes["li"], share)
    with qtbot.waitSignal(li.reviews_shown, timeout=5000):
        li.refresh_reviews()
    assert li.review.list.count() == 1 and li.review.approve.isEnabled()
    assert "节假日顺延" in li.review.diff.right.toPlainText()
    li.review.comment.setText("可以发布")
    with qtbot.waitSignal(li.publish_requested, timeout=5000):
        li.review.approve.click()
    report = reviewed_sync(sync, roots["li"], share, publish=True, home=homes["li"])
    assert report.published == ["kb/returns/refund.md"]

    sync(roots["agent"], share, home=homes["agent"])
    assert "节假日顺延" in agent_sees()
    agent = load_workspace(roots["agent"], home=homes["agent"])
    assert agent.index.search("退款多久到账")[0].id == "refund-time"
    assert [h.id for h in agent.index.search("节假日顺延")][:1] == ["refund-time"]
    agent.index.close()


def test_only_a_knowledge_manager_sees_the_tab(qtbot, root, zhida_home):
    for role, expected in (("坐席", False), ("知识管理员", True)):
        window = MainWindow(root, Settings(role=role), home=zhida_home)
        qtbot.addWidget(window)
        labels = [window.tabs.tabText(i) for i in range(window.tabs.count())]
        assert ("知识管理" in labels) is expected
        window.shutdown()
    assert Qt.Key.Key_S  # Ctrl+S saves (bound on the panel)
