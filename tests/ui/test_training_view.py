"""The 练习 tab with real widgets: a conversation that reacts, quiz cards on a fake clock, progress,
an exam with a time limit, the trainer's 培训看板 and publishing to a real share folder."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.core.settings import Settings
from app.core.sync.engine import init_share
from app.core.training.conversation import ESCALATE
from app.core.vocab import AGENT, MANAGER
from app.ui.tasks import TaskRunner
from app.ui.training_view import PAGE_DRILL, PAGE_EXAM, PAGE_PROGRESS, PAGE_QUIZ, TrainingView
from tests.core.training_world import FakeClock, bundled, trainee_at
from tests.ui.conftest import type_text


def workspace(mode: str = "off"):
    ws = bundled()
    return replace(ws, training=replace(ws.training, settings=replace(ws.training.settings, publish=mode)))


@pytest.fixture
def view(qtbot, zhida_home):
    runner = TaskRunner(max_threads=1)
    clock = FakeClock()
    widget = TrainingView(runner, clock=clock)
    qtbot.addWidget(widget)
    widget.configure(Settings(), zhida_home)
    widget.set_workspace(workspace())
    widget.resize(420, 760)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget, clock
    runner.close()


def test_a_forbidden_reply_makes_the_customer_escalate(qtbot, view):
    widget, _ = view
    page = widget.drill_page
    widget.select_drill("conv-damaged-third-time")
    drill = widget.current_drill()
    assert widget.customer.text() == drill.message and "耐心 ●●" in page.meta.text()
    widget.reply.setFocus()
    type_text(widget.reply, "这是物流的问题,你自己看说明。")
    with qtbot.waitSignal(page.turn_scored, timeout=20000) as signal:
        qtbot.keyClick(widget.reply, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert signal.args[0].reaction == ESCALATE
    assert widget.customer.text() == drill.turns[0].escalate
    assert "耐心 ●○" in page.meta.text() and "第 2/3 轮" in page.meta.text()
    assert page.transcript.isVisible() and "你自己看说明" in page.transcript.toPlainText()
    assert "情绪升级" in widget.result.toPlainText() and widget.reply.toPlainText() == ""


def test_a_card_answered_wrong_comes_back_before_one_answered_right(qtbot, view):
    widget, clock = view
    quiz = widget.quiz_page
    widget.pages.setCurrentIndex(PAGE_QUIZ)
    qtbot.waitUntil(lambda: quiz.state is not None, timeout=10000)
    first = quiz.state.card
    assert first.kind == "fact" and quiz.answer.isVisible()
    type_text(quiz.answer, "不知道")
    with qtbot.waitSignal(quiz.answered, timeout=10000):
        qtbot.keyClick(quiz.answer, Qt.Key.Key_Return)
    assert "答错了" in quiz.feedback.text()
    qtbot.keyClick(quiz.next_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: quiz.state is not None and quiz.state.card.id != first.id, timeout=10000)
    second = quiz.state.card
    assert second.kind == "truefalse" and second.truth
    with qtbot.waitSignal(quiz.answered, timeout=10000):
        qtbot.keyClick(quiz, Qt.Key.Key_1)  # 对
    assert "答对了" in quiz.feedback.text()
    clock.advance(minutes=5)
    qtbot.keyClick(quiz.next_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: quiz.state is not None and quiz.last is None, timeout=10000)
    assert quiz.state.card.id == first.id  # due again after a minute; the right one is not
    due = {s.card.id for s in widget.trainee.queue()}
    assert first.id in due and second.id not in due


def test_a_scored_drill_shows_on_the_progress_page_with_a_suggestion(qtbot, view):
    widget, _ = view
    widget.select_drill("inquiry-refund-time")
    widget.reply.setFocus()
    type_text(widget.reply, "您好,退款一般要15个工作日。")
    with qtbot.waitSignal(widget.scored, timeout=20000) as signal:
        qtbot.mouseClick(widget.submit_button, Qt.MouseButton.LeftButton)
    assert "事实准确" in signal.args[0].capped_by and "与知识库不符" in widget.result.toPlainText()
    widget.pages.setCurrentIndex(PAGE_PROGRESS)
    progress = widget.progress_page
    qtbot.waitUntil(lambda: len(progress.chart.points) == 1 and progress.go_button.isEnabled(), timeout=10000)
    assert "练习 1 次" in progress.summary.text() and "事实准确" in progress.weak.text()
    suggested = progress.progress.suggestion
    qtbot.mouseClick(progress.go_button, Qt.MouseButton.LeftButton)
    assert widget.pages.currentIndex() == PAGE_DRILL and widget.current_drill().id == suggested.id


def test_the_exam_hands_itself_in_when_time_is_up(qtbot, view, tmp_path):
    widget, clock = view
    widget.pages.setCurrentIndex(PAGE_EXAM)
    exam_page = widget.exam_page
    assert exam_page.start_button.isEnabled() and "限时 30 分钟" in exam_page.info.text()
    qtbot.mouseClick(exam_page.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: exam_page.session is not None, timeout=10000)
    assert "剩余 30:00" in exam_page.clock_label.text() and exam_page.question.isVisible()
    type_text(exam_page.answer, "退款一般1-3个工作日到账,我们马上为您核实处理。")
    qtbot.mouseClick(exam_page.next_button, Qt.MouseButton.LeftButton)
    clock.advance(minutes=31)
    with qtbot.waitSignal(exam_page.finished, timeout=30000) as signal:
        exam_page._tick()  # the countdown's next second
    result = signal.args[0]
    assert result.over_time and not result.passed  # handed in at the limit: late, and not a pass
    assert result.items[0]["answered"] and not result.items[0]["late"] and result.items[0]["score"] > 0
    assert "考试成绩单" in exam_page.report.toPlainText() and exam_page.export_button.isVisible()
    exam_page.export_to(tmp_path / "exam.md")
    assert "新人第一周考核" in (tmp_path / "exam.md").read_text(encoding="utf-8")


def test_only_the_knowledge_manager_sees_the_board_with_the_published_trainees(qtbot, view, tmp_path):
    widget, clock = view
    share = tmp_path / "share"
    share.mkdir()
    init_share(share)
    other = trainee_at(tmp_path / "other-home", clock, workspace("named"))
    other.store.set_name("李雪")
    drill = other.library.drill("inquiry-refund-time")
    other.record(drill, other.conversation(drill).answer("退款一般1-3个工作日到账。").score)
    other.publish(share)
    assert [widget.pages.tabText(i) for i in range(widget.pages.count())] == ["演练", "卡片", "进度", "考试"]
    widget.configure(Settings(role=MANAGER, shared_folder=str(share)), None)
    assert widget.pages.tabText(widget.pages.count() - 1) == "看板"
    board = widget.board_page
    qtbot.waitUntil(lambda: board.table.rowCount() == 1, timeout=10000)
    assert board.table.item(0, 0).text() == "李雪" and "1 位学员" in board.weakest.text()
    widget.configure(Settings(role=AGENT, shared_folder=str(share)), None)
    assert widget.pages.indexOf(board) == -1


def test_a_team_that_opted_in_gets_the_trainees_progress_on_the_share(qtbot, view, tmp_path, zhida_home):
    widget, _ = view
    share = tmp_path / "share"
    share.mkdir()
    init_share(share)
    widget.configure(Settings(shared_folder=str(share)), zhida_home)
    widget.set_workspace(workspace("pseudonymous"))
    widget.select_drill("inquiry-refund-time")
    widget.reply.setPlainText("退款一般1-3个工作日原路退回,周末顺延。")
    with qtbot.waitSignal(widget.published, timeout=20000) as signal:
        widget.submit()
    path = Path(signal.args[0])
    assert path.name == "progress.json" and path.is_file() and path.parent.parent.name == "training"
    assert "匿名共享" in widget.progress_page.sharing.text()
