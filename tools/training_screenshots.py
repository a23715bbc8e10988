"""Screenshots of the 练习 tab: `python tools/training_screenshots.py` (offscreen; needs a CJK font).

Runs the real window on the bundled content with a throw-away $ZHIDA_HOME and a throw-away share.
Two weeks of practice are recorded first (on a fake clock, through the same Trainee the tab uses) so
the progress chart and the trainer's board have something to show. Saves, narrow (420×860) and wide
(1920×1080): a conversation mid-way, a quiz card answered, the progress page, an exam, the 培训看板.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("ZHIDA_FSYNC", "0")
REPO = Path(__file__).resolve().parent.parent
HERE = REPO / "resources" / "screenshots"
sys.path.insert(0, str(REPO))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtGui import QFont  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

REPLIES = [
    "您好,我帮您核实一下。",
    "非常理解您的心情,让您多次联系还没解决,我们非常重视。麻烦您拍一下破损的照片发给我,我马上核实,可以为您补发或退款,今天18点前给您回复。",
    "退款审核通过后一般1-3个工作日原路退回,周末可能顺延。您可以在【我的-退换/售后】查看进度。还有其他问题吗?",
    "非常抱歉给您带来困扰,支付结果没有及时同步,订单一般30分钟内自动更新,请先不要重复付款。",
]


class Clock:
    """A settable clock shared by the seeding and the window."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(signal, timeout_ms: int = 60000) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


def seed(workspace, home: Path, share: Path, clock: Clock, name: str, skill: int) -> None:
    """Two weeks of practice for one trainee (its own $ZHIDA_HOME), getting better, published to the share."""
    from app.core.training.cards import ORDER, RECALL, order_answer
    from app.core.training.scoring import score_case
    from app.core.training.trainee import Trainee

    trainee = Trainee.of(workspace, home, clock)
    trainee.store.set_name(name)
    start = clock.now
    drills = [d for d in trainee.library.drills if not d.is_conversation]
    for day in range(14):
        clock.now = start + timedelta(days=day, hours=2 + skill)
        for k in range(2):
            drill = drills[(day * 2 + k + skill) % len(drills)]
            conversation = trainee.conversation(drill)
            good = (day + k) % 4 < min(3, day * skill // 5)  # more good replies as the days go by
            reply = (
                score_case(conversation.case(), "", trainee.services).model_answer if good else REPLIES[k + skill % 2]
            )
            trainee.record(drill, conversation.answer(reply).score)
        deck = trainee.deck()
        for n, state in enumerate(deck.queue(clock.now)[: 4 + skill]):
            card = state.card
            right = (
                "记得"
                if card.kind == RECALL
                else order_answer(card, card.shuffled())
                if card.kind == ORDER
                else card.answer
            )
            trainee.answer_card(card.id, right if (n + day) % (2 + skill) else "不知道", 6.0 + 4 * n, deck)
    trainee.publish(share)


def main() -> None:
    home = Path(tempfile.mkdtemp(prefix="zhida-shots-"))
    os.environ["ZHIDA_HOME"] = str(home / "me")
    app = QApplication(sys.argv[:1])
    app.setFont(QFont("Noto Sans CJK SC", 10))
    from dataclasses import replace

    from app.core.paths import bundled_content_root
    from app.core.settings import Settings
    from app.core.sync.engine import init_share
    from app.core.workspace import load_workspace
    from app.ui.main_window import TAB_TRAINING, MainWindow
    from app.ui.training_view import PAGE_BOARD, PAGE_DRILL, PAGE_EXAM, PAGE_PROGRESS, PAGE_QUIZ

    share = home / "share"
    share.mkdir()
    init_share(share)
    clock = Clock(datetime(2026, 11, 2, 1, 0, tzinfo=UTC))
    workspace = load_workspace(bundled_content_root(), search=False)
    # The bundled team keeps progress private (opt-in): the screenshots show a team that publishes.
    workspace.training.settings = replace(workspace.training.settings, publish="named")
    for n, (name, skill) in enumerate((("李雪", 3), ("王强", 1), ("陈静", 2))):
        seed(workspace, home / f"trainee{n}", share, Clock(clock.now), name, skill)
    seed(workspace, home / "me", share, clock, "张明", 2)
    clock.now += timedelta(days=15)

    settings = Settings(role="知识管理员", shared_folder=str(share))
    win = MainWindow(bundled_content_root(), settings)
    win.training.clock = clock  # the window's trainee answers on the same fake clock
    win.resize(420, 860)
    win.show()
    win.start_loading()
    wait_for(win.ready)
    win.workspace.training.settings = workspace.training.settings
    win.training.set_workspace(win.workspace)
    win.tabs.setCurrentIndex(TAB_TRAINING)
    view = win.training
    wait(400)

    def shot(name: str) -> None:
        for size, suffix in (((420, 860), "narrow"), ((1920, 1080), "wide")):
            win.resize(*size)
            wait(250)
            win._give_room(results=False)  # as when the agent opens the tab: the training gets the height
            wait(250)
            win.grab().save(str(HERE / f"{name}-{suffix}.png"))
            print("saved", f"{name}-{suffix}")

    view.pages.setCurrentIndex(PAGE_DRILL)
    view.select_drill("conv-damaged-third-time")
    view.reply.setPlainText(
        "非常理解您的心情,让您多次联系还没解决,真的非常抱歉,这次由我全程跟进。您反映的问题我们非常重视。"
        "麻烦您拍一下破损处和外包装的照片发给我,我马上核实。"
    )
    view.submit()
    wait_for(view.drill_page.turn_scored)
    view.reply.setPlainText(
        "收到照片了。我们可以为您补发新的玻璃杯或者直接退款,您选哪种都可以,我会在今天18点前给您回复。"
    )
    wait(200)
    shot("10-training-conversation")

    view.pages.setCurrentIndex(PAGE_QUIZ)
    wait(600)
    page = view.quiz_page
    deck = view.trainee.deck()
    fact = next(s for s in deck.states.values() if s.card.id == "ship-shipping-time#fact")
    page._show_queue(page._seq, [fact, *deck.queue(clock.now)], deck.stats(clock.now), None)  # a fact card first
    shot("11-training-quiz")
    page.answer.setText("付款后48小时内发货")
    page.submit(page.answer.text())
    wait_for(page.answered)
    shot("11-training-quiz-answered")

    view.pages.setCurrentIndex(PAGE_PROGRESS)
    wait(800)
    shot("12-training-progress")

    view.pages.setCurrentIndex(PAGE_EXAM)
    view.exam_page.start()
    wait(1200)
    shot("13-training-exam")

    view.pages.setCurrentIndex(PAGE_BOARD)
    wait(800)
    shot("14-training-board")
    win.shutdown()


if __name__ == "__main__":
    main()
