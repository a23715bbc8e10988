"""「练习」: drills and conversations, quiz cards, progress, exams — and, for the 知识管理员, the 培训看板.

One `Trainee` (app.core.training.trainee) per loaded workspace does the work; each page hands it to the
task runner. After anything is recorded the trainee's summary is published to the share when the team
opted in (off the UI thread; a failure is shown, never raised).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.core.training.settings import OFF, PUBLISH_MODES
from app.core.training.store import Clock, utc_now
from app.core.training.trainee import Trainee
from app.core.vocab import MANAGER
from app.ui.training_board import BoardPage
from app.ui.training_drill import DrillPage, score_html
from app.ui.training_exam import ExamPage
from app.ui.training_progress import ProgressPage, sharing_text
from app.ui.training_quiz import QuizPage

PAGE_DRILL, PAGE_QUIZ, PAGE_PROGRESS, PAGE_EXAM, PAGE_BOARD = range(5)
__all__ = ["TrainingView", "score_html"]


class TrainingView(QWidget):
    """The 练习 tab: 演练 · 卡片 · 进度 · 考试 (· 看板 for the 知识管理员)."""

    scored = Signal(object)  # a drill's Score, once shown
    published = Signal(str)  # where the progress went, or why not

    def __init__(self, runner: Any, parent: QWidget | None = None, clock: Clock = utc_now):
        super().__init__(parent)
        self.runner = runner
        self.clock = clock
        self.workspace: Any = None
        self.trainee: Trainee | None = None
        self.home: Path | None = None
        self.share: Path | None = None
        self.trainer = False
        self.drill_page = DrillPage(runner)
        self.quiz_page = QuizPage(runner)
        self.progress_page = ProgressPage(runner)
        self.exam_page = ExamPage(runner)
        self.board_page = BoardPage(runner)
        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        for page, name in (
            (self.drill_page, "演练"),
            (self.quiz_page, "卡片"),
            (self.progress_page, "进度"),
            (self.exam_page, "考试"),
        ):
            self.pages.addTab(page, name)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self.drill_page.scored.connect(self.scored)
        for page in (self.drill_page, self.quiz_page, self.exam_page):
            page.recorded.connect(self._recorded)
        self.progress_page.practise.connect(self.practise)
        self.progress_page.name_changed.connect(self._rename)
        self.pages.currentChanged.connect(self._page_changed)

    # ---- the API the window uses (and the drill page's widgets, as before) -----------------------------
    @property
    def drills(self) -> list[Any]:
        """The drills of the loaded workspace."""
        return self.drill_page.drills

    @property
    def score(self) -> Any:
        """The last drill score shown."""
        return self.drill_page.score

    @property
    def picker(self) -> Any:
        """The drill picker."""
        return self.drill_page.picker

    @property
    def customer(self) -> Any:
        """What the customer says now."""
        return self.drill_page.customer

    @property
    def reply(self) -> Any:
        """The trainee's reply box."""
        return self.drill_page.reply

    @property
    def submit_button(self) -> Any:
        """提交评分."""
        return self.drill_page.submit_button

    @property
    def result(self) -> Any:
        """The score and feedback."""
        return self.drill_page.result

    def select_drill(self, drill_id: str) -> None:
        """Switch to a drill by id."""
        self.drill_page.select_drill(drill_id)

    def next_drill(self) -> None:
        """The next drill in the list."""
        self.drill_page.next_drill()

    def current_drill(self) -> Any:
        """The drill being practised."""
        return self.drill_page.current_drill()

    def try_again(self) -> None:
        """Start the current drill over."""
        self.drill_page.try_again()

    def submit(self) -> None:
        """Score the reply."""
        self.drill_page.submit()

    def practise(self, drill_id: str) -> None:
        """Open a drill on the 演练 page (the progress page's suggestion)."""
        self.pages.setCurrentIndex(PAGE_DRILL)
        self.drill_page.select_drill(drill_id)
        self.drill_page.reply.setFocus()

    def configure(self, settings: Any, home: Path | None = None) -> None:
        """Follow the settings: the shared folder (publishing, the board) and the role (the board is the trainer's)."""
        self.home = home
        folder = (settings.shared_folder or "").strip()
        self.share = Path(folder).expanduser() if folder else None
        trainer = settings.role == MANAGER
        if trainer != self.trainer:
            self.trainer = trainer
            if trainer:
                self.pages.addTab(self.board_page, "看板")
            else:
                self.pages.removeTab(self.pages.indexOf(self.board_page))
        self._show_sharing()

    def set_workspace(self, workspace: Any) -> None:
        """A (re)loaded workspace: every page gets the trainee on its drills, rubric and cards."""
        self.workspace = workspace
        self.trainee = Trainee.of(workspace, self.home, self.clock)
        for page in (self.drill_page, self.quiz_page, self.progress_page, self.exam_page):
            page.set_trainee(self.trainee)
        self._show_sharing()

    # ---- internals ------------------------------------------------------------------------------------
    def _mode_text(self) -> str:
        mode = self.trainee.publish_mode if self.trainee is not None else OFF
        return f"团队设置:{PUBLISH_MODES.get(mode, mode)}"

    def _show_sharing(self, last: str = "") -> None:
        mode = self.trainee.publish_mode if self.trainee is not None else OFF
        self.progress_page.set_sharing(sharing_text(mode, str(self.share or ""), last))
        if self.trainer:
            self.board_page.set_share(self.share, self.clock, self._mode_text())

    def _page_changed(self, index: int) -> None:
        if index == PAGE_PROGRESS:
            self.progress_page.refresh()
        elif index == PAGE_QUIZ and self.quiz_page.state is None:
            self.quiz_page.next_card()
        elif self.pages.widget(index) is self.board_page:
            self.board_page.refresh()

    def _rename(self, name: str) -> None:
        if self.trainee is not None and name.strip():
            store = self.trainee.store
            self.runner.submit(lambda: store.set_name(name), lambda _r: self._recorded())

    def _recorded(self) -> None:
        """Something was added to the logs: refresh progress, publish when the team opted in."""
        if self.pages.currentIndex() == PAGE_PROGRESS:
            self.progress_page.refresh()
        trainee, share = self.trainee, self.share
        if trainee is None or share is None or trainee.publish_mode == OFF:
            return

        def done(path: Any) -> None:
            when = f"{trainee.clock().astimezone():%H:%M}"
            self._show_sharing(f"上次发布 {when}。")
            self.published.emit(str(path))

        def failed(message: str) -> None:
            self._show_sharing(f"发布失败:{message}")
            self.published.emit(f"发布失败:{message}")

        self.runner.submit(lambda: trainee.publish(share), done, failed)
