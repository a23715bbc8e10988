"""The conflict dialog, the history view and the background sync controller, with real widgets."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from app.core.sync.resolve import conflict_texts, pending_conflicts
from app.ui.sync_controller import SyncController
from app.ui.sync_dialogs import ConflictDialog, HistoryView, diff_html, resolve_with_dialog
from app.ui.tasks import TaskRunner
from tests.core.sync_world import art, make_world


@pytest.fixture
def conflicted(tmp_path: Path):
    share, (m0, m1), (a0,) = make_world(tmp_path)
    m0.write("kb/x.md", art("x", "原文\n第二行"))
    m0.sync()
    m1.sync()
    m0.write("kb/x.md", art("x", "甲的版本\n第二行"))
    m1.write("kb/x.md", art("x", "乙的版本\n第二行"))
    m0.sync()
    (conflict,) = m1.sync().conflicts
    return share, m0, m1, a0, conflict


def test_diff_marks_only_the_changed_lines_and_keeps_columns_aligned():
    left, right, blocks = diff_html("一\n二\n三", "一\n贰\n三\n四")
    assert blocks == 2
    assert "background-color" in left and left.count("<div") == right.count("<div")
    assert "<div>一</div>" in left and "<div>一</div>" in right


def test_conflict_dialog_shows_both_versions_side_by_side_and_keeps_mine(qtbot, conflicted):
    share, m0, m1, a0, conflict = conflicted
    mine, theirs = conflict_texts(m1.root, conflict, home=m1.home)
    dialog = ConflictDialog(conflict, mine, theirs)
    qtbot.addWidget(dialog)
    assert "乙的版本" in dialog.mine_view.toPlainText() and "甲的版本" in dialog.theirs_view.toPlainText()
    assert "kb/x.md" in dialog.windowTitle()
    qtbot.mouseClick(dialog.keep_mine, Qt.MouseButton.LeftButton)
    assert dialog.choice == "mine" and dialog.result() == ConflictDialog.DialogCode.Accepted


def test_conflict_dialog_saves_an_edited_merge(qtbot, conflicted):
    share, m0, m1, a0, conflict = conflicted
    dialog = ConflictDialog(conflict, *conflict_texts(m1.root, conflict, home=m1.home))
    qtbot.addWidget(dialog)
    dialog.merge_edit.setPlainText(art("x", "甲乙合并"))
    qtbot.mouseClick(dialog.save_merge, Qt.MouseButton.LeftButton)
    assert dialog.choice == "merged" and "甲乙合并" in dialog.merged_text


def test_resolving_in_the_dialog_with_theirs_updates_the_file_and_clears_the_conflict(qtbot, conflicted):
    share, m0, m1, a0, conflict = conflicted

    def click_theirs() -> None:  # the dialog opens once both versions are read on the runner
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, click_theirs)
        else:
            dialog.keep_theirs.click()

    runner = TaskRunner()
    QTimer.singleShot(20, click_theirs)
    with qtbot.waitCallback(timeout=10000) as done:
        resolve_with_dialog(None, m1.root, share, conflict, home=m1.home, runner=runner, on_done=done)
    assert done.args == ["theirs"]
    assert "甲的版本" in m1.read("kb/x.md")
    assert pending_conflicts(m1.root, share, home=m1.home) == []
    assert m1.sync().exit_code == 0


def test_history_view_lists_replaced_versions_and_restores_one(qtbot, tmp_path):
    share, (m0, m1), (a0,) = make_world(tmp_path)
    m0.write("kb/x.md", art("x", "第一版"))
    m0.sync()
    a0.sync()
    m0.write("kb/x.md", art("x", "第二版"))
    m0.sync()
    a0.sync()
    view = HistoryView(a0.root, home=a0.home, confirm=False)
    qtbot.addWidget(view)
    assert view.table.rowCount() == 1
    assert view.table.item(0, 1).text() == "kb/x.md" and "覆盖" in view.table.item(0, 2).text()
    view.table.selectRow(0)
    assert "第一版" in view.preview.toPlainText() and view.restore_button.isEnabled()
    with qtbot.waitSignal(view.restored) as sig:
        qtbot.mouseClick(view.restore_button, Qt.MouseButton.LeftButton)
    assert sig.args == ["kb/x.md"] and "第一版" in a0.read("kb/x.md")
    assert view.table.rowCount() == 2 and "已恢复" in view.status.text()
    view.filter.setText("没有这个")
    assert view.table.rowCount() == 0


def test_controller_syncs_off_the_ui_thread_and_reports_conflicts(qtbot, conflicted):
    share, m0, m1, a0, conflict = conflicted
    ctl = SyncController(m1.root, share, publish=True, publisher="m1", home=m1.home, interval=3600)
    with qtbot.waitSignals([ctl.synced, ctl.conflicts_changed], timeout=10000):
        assert ctl.sync_now()
    assert [c.path for c in ctl.conflicts] == ["kb/x.md"]
    assert "1 个冲突待处理" in ctl.status_text() and "上次同步" in ctl.status_text()
    assert ctl.timer.isActive() and 2800 <= ctl.timer.interval() / 1000 <= 4400
    ctl.stop()


def test_controller_reports_a_missing_share_as_failure(qtbot, tmp_path):
    share, (m0,), _ = make_world(tmp_path, managers=1, agents=0)
    ctl = SyncController(m0.root, tmp_path / "unmounted", home=m0.home, interval=60)
    with qtbot.waitSignal(ctl.failed, timeout=10000) as sig:
        ctl.sync_now()
    assert "FORMAT" in sig.args[0] and "同步失败" in ctl.status_text()
    ctl.stop()


def test_controller_jitter_stays_within_bounds():
    ctl = SyncController(Path("."), Path("."), interval=60, jitter=0.2)
    delays = [ctl.next_delay() for _ in range(200)]
    assert min(delays) >= 48 and max(delays) <= 72 and len(set(delays)) > 1


def test_resolving_waits_for_a_running_sync_off_the_ui_thread_and_the_window_stays_responsive(qtbot, conflicted):
    import subprocess
    import sys
    import time as _time

    from tests.core.test_sync_hostile import HOLDER, REPO

    share, m0, m1, a0, conflict = conflicted
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(m1.root), str(m1.home), "1.5"], stdout=subprocess.PIPE, text=True, cwd=REPO
    )
    assert holder.stdout.readline().strip() == "held"  # a `zhida sync` in a terminal holds the client lock
    ticks = []
    beat = QTimer()
    beat.timeout.connect(lambda: ticks.append(_time.perf_counter()))
    beat.start(50)

    def click_theirs() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, click_theirs)
        else:
            dialog.keep_theirs.click()

    QTimer.singleShot(20, click_theirs)
    runner = TaskRunner()
    with qtbot.waitCallback(timeout=20000) as done:
        resolve_with_dialog(None, m1.root, share, conflict, home=m1.home, runner=runner, on_done=done)
    beat.stop()
    holder.wait()
    assert done.args == ["theirs"] and "甲的版本" in m1.read("kb/x.md")
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) > 10 and max(gaps) < 0.5  # the UI thread kept running while the decision waited


def test_a_failed_decision_is_shown_not_swallowed(qtbot, conflicted, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    share, m0, m1, a0, conflict = conflicted
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: shown.append(args[2]))
    done = []

    def click_theirs() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, click_theirs)
        else:
            dialog.keep_theirs.click()

    QTimer.singleShot(20, click_theirs)
    gone = share.parent / "unmounted"
    resolve_with_dialog(None, m1.root, gone, conflict, home=m1.home, runner=TaskRunner(), on_done=done.append)
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert done == [] and "处理冲突失败" in shown[0] and "FORMAT" in shown[0]


def test_local_edits_dialog_discards_an_agents_edit_for_the_team_version(qtbot, tmp_path):
    from app.ui.sync_dialogs import DISCARD, LocalEditsDialog

    share, (m0,), (a0,) = make_world(tmp_path, managers=1, agents=1)
    m0.write("kb/x.md", art("x", "团队的版本"))
    m0.sync()
    a0.sync()
    a0.write("kb/x.md", art("x", "坐席改错了"))
    dialog = LocalEditsDialog(a0.root, share, a0.home)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.list.count() == 1, timeout=10000)
    assert "kb/x.md" in dialog.list.item(0).text() and dialog.discard_button.text() == DISCARD
    dialog.list.item(0).setSelected(True)
    with qtbot.waitSignal(dialog.discarded, timeout=10000) as sig:
        qtbot.mouseClick(dialog.discard_button, Qt.MouseButton.LeftButton)
    assert sig.args == [["kb/x.md"]] and "团队的版本" in a0.read("kb/x.md")
    assert any(e.path == "kb/x.md" for e in a0.store().history())  # the agent's text is kept
    qtbot.waitUntil(lambda: dialog.list.count() == 0, timeout=10000)


def test_held_deletions_are_shown_and_confirming_applies_them(qtbot, tmp_path):
    import json as _json

    from app.ui.sync_dialogs import HeldDeletesDialog, review_held_deletes
    from tests.core.sync_world import forge

    share, (m0,), (a0,) = make_world(tmp_path, managers=1, agents=1)
    m0.write("kb/x.md", art("x", "一"))
    m0.write("kb/y.md", art("y", "二"))
    m0.sync()
    a0.sync()
    base = _json.loads(next((a0.home / "sync").rglob("state.json")).read_text(encoding="utf-8"))["base"]
    forge(share, "evil", {}, {r: {"h": None, "v": {**e["v"], "evil": 1}, "prev": e["h"]} for r, e in base.items()})
    ctl = SyncController(a0.root, share, home=a0.home, interval=3600)
    with qtbot.waitSignal(ctl.attention_changed, timeout=10000):
        ctl.sync_now()
    assert ctl.held_deletes == ["kb/x.md", "kb/y.md"] and "2 个删除待确认" in ctl.status_text()

    def confirm() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, HeldDeletesDialog):
            QTimer.singleShot(20, confirm)
        else:
            assert not dialog.reject_button.isVisible()  # agents cannot reject: they cannot publish
            dialog.confirm_button.click()

    QTimer.singleShot(20, confirm)
    with qtbot.waitSignal(ctl.synced, timeout=10000):
        assert review_held_deletes(None, ctl, manager=False) == "confirm"
    assert a0.files() == {} and ctl.held_deletes == []
    ctl.stop()


def test_controller_treats_another_process_syncing_as_busy_not_failed(qtbot, tmp_path):
    import subprocess
    import sys

    from tests.core.test_sync_hostile import HOLDER, REPO

    share, (m0,), _ = make_world(tmp_path, managers=1, agents=0)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(m0.root), str(m0.home), "30"], stdout=subprocess.PIPE, text=True, cwd=REPO
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        ctl = SyncController(m0.root, share, home=m0.home, interval=3600)
        with qtbot.waitSignal(ctl.synced, timeout=10000):
            ctl.sync_now()
        assert ctl.busy and ctl.last_error is None and "另一个同步正在进行" in ctl.status_text()
        assert 9 <= ctl.timer.interval() / 1000 <= 11  # retried soon
        ctl.stop()
    finally:
        holder.kill()
        holder.wait()


def test_history_view_restores_a_whole_batch_of_deletions(qtbot, tmp_path):
    share, (m0,), (a0,) = make_world(tmp_path, managers=1, agents=1)
    for name in "abc":
        m0.write(f"kb/{name}.md", art(name, name))
    m0.sync()
    a0.sync()
    for name in "ab":
        m0.delete(f"kb/{name}.md")
    m0.sync(confirm_deletes=True)
    a0.sync(confirm_deletes=True)
    assert sorted(a0.files()) == ["kb/c.md"]
    view = HistoryView(a0.root, home=a0.home, confirm=False)
    qtbot.addWidget(view)
    view.table.selectRow(0)
    assert view.batch_button.isEnabled()
    with qtbot.waitSignals([view.restored, view.restored], timeout=10000):
        qtbot.mouseClick(view.batch_button, Qt.MouseButton.LeftButton)
    assert sorted(a0.files()) == ["kb/a.md", "kb/b.md", "kb/c.md"] and "已恢复 2 个文件" in view.status.text()
