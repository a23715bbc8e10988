"""How the agent's window feeds team insights, in one place so main_window stays a few lines.

- `UsageRecorder`: a search counts on Enter, after 1.5 s on the results, or when a result is opened
  (`core.usage.tracker`); drafts are recorded with their article when copied; all writes off the UI thread.
- `share_after_sync`: after each sync, carry usage both ways (`core.usage.exchange`) and tell the agent
  when a flag was answered.
- `flag_article` / `gap_from_article` / `flag_draft` / `record_gap` / `save_case`: the feedback actions.
- `open_created_article`: a draft made on the 看板 from a content gap opens in the 知识管理 editor.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer

from app.core.usage.log import UsageLog
from app.core.usage.tracker import PAUSE_S, SearchTracker
from app.core.vocab import FLAG_ARTICLE, FLAG_DRAFT, FLAG_STATUSES, GENERAL_TYPE
from app.ui.insights_flags import FlagDialog
from app.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from app.core.content.model import Article


class UsageRecorder(QObject):
    """Counts searches the way a person means them and records them in the background."""

    def __init__(self, usage: UsageLog, runner: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.usage = usage
        self.runner = runner
        self.tracker = SearchTracker(self._record)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        # A coarse timer may fire up to 5 % early, before the tracker's pause has passed: the search was lost.
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(int(PAUSE_S * 1000))
        self.timer.timeout.connect(self.tracker.paused)
        self.last_query = ""
        self.current: Callable[[], str] | None = None  # the search box's text, when known

    def _record(self, query: str, hits: int) -> None:
        self.last_query = query
        usage = self.usage
        self.runner.submit(lambda: usage.record_search(query, hits), lambda _r: None)

    def shown(self, query: str, hits: int) -> None:
        """Results for `query` are on screen: count it after the pause unless Enter or an open comes first."""
        self.tracker.shown(query, hits)
        if query.strip() and (self.current is None or self.current() == query.strip()):
            self.timer.start()
        else:
            self.timer.stop()

    def typing(self) -> None:
        """The agent is still typing: results on screen are for a query they are already past."""
        self.timer.stop()

    def commit(self) -> None:
        """Enter or an opened result: the query on screen counts now."""
        self.timer.stop()
        self.tracker.commit()

    def draft_copied(self, draft: Any, message: str = "") -> None:
        """A built draft was copied: record it with its article, problem type and category (建议: the message)."""
        article = getattr(draft, "article", None)
        triage = getattr(draft, "triage", None)
        problem_type = getattr(triage, "type", "") or GENERAL_TYPE
        usage = self.usage
        self.runner.submit(
            lambda: usage.record_draft(
                article.id if article else None, problem_type, article.category if article else "", message
            ),
            lambda _r: None,
        )


def share_after_sync(window: Any) -> None:
    """After a sync: upload this client's usage and pick up answers to its flags (background lane)."""
    sync = getattr(window, "sync", None)
    if sync is None:
        return
    share, home = Path(sync.share_dir), window.home

    def run() -> Any:
        from app.core.usage.exchange import exchange_after_sync

        return exchange_after_sync(share, home)

    def done(report: Any) -> None:
        for flag in report.resolved:
            window.statusBar().showMessage(
                f"你对「{flag.title or flag.article}」的反馈{FLAG_STATUSES.label(flag.status)}:{flag.note}", 15000
            )
        board = getattr(window, "insights_board", None)
        if board is not None and board.isVisible():
            board.refresh()

    window.background.submit(
        run, done, lambda message: window.statusBar().showMessage(f"使用统计未上传:{message}", 8000)
    )


def flag_article(window: Any, article: Article | None) -> None:
    """「有误/过时」: ask for a comment, save the flag; the next sync carries it to the article's owner."""
    if article is None:
        return
    dialog = FlagDialog(FLAG_ARTICLE, article.title, window)
    if dialog.exec() != FlagDialog.DialogCode.Accepted:
        return
    window.usage.record_flag(FLAG_ARTICLE, article.id, dialog.text(), title=article.title)
    window.statusBar().showMessage(f"已记录反馈「{article.title}」,同步后文章负责人会看到", 6000)


def flag_draft(window: Any, draft: Any, text: str) -> None:
    """「草稿不好」 on a built draft: the flag goes to the owner of the article the draft was built on."""
    article = getattr(draft, "article", None)
    title = article.title if article else "(未匹配到文章)"
    dialog = FlagDialog(FLAG_DRAFT, title, window)
    if dialog.exec() != FlagDialog.DialogCode.Accepted:
        return
    window.usage.record_flag(FLAG_DRAFT, article.id if article else "", dialog.text(), title=title, draft=text)
    window.statusBar().showMessage("已记录「草稿不好」,同步后文章负责人会看到", 6000)


def save_case(window: Any, message: str, reply: str, problem_type: str = "", article_id: str = "") -> None:
    """「存为案例」: the agent checks message, reply, type and outcome; saved masked, shared at the next sync."""
    from app.ui.insights_cases import SaveCaseDialog

    dialog = SaveCaseDialog(message, reply, problem_type, window)
    if dialog.exec() != SaveCaseDialog.DialogCode.Accepted:
        return
    message, reply, kind, outcome = dialog.values()
    if not message.strip() or not reply.strip():
        window.statusBar().showMessage("客户消息和回复都不能为空,案例没有保存", 6000)
        return
    window.usage.save_case(message, reply, article_id, kind, outcome)
    window.statusBar().showMessage("已存为案例,同步后知识管理员会在案例库里看到", 6000)


def record_gap(window: Any, message: str, triage_type: str = "") -> None:
    """「记录为知识缺口」: the question had no good answer in the knowledge base."""
    if window.usage.record_gap(message, triage_type) is None:
        window.statusBar().showMessage("没有可记录的问题内容", 5000)
        return
    window.statusBar().showMessage("已记录为知识缺口,知识管理员会在数据看板里看到", 6000)


def gap_from_article(window: Any, article: Article | None) -> None:
    """「记录为知识缺口」 from the article view: the search that led here did not find the answer."""
    query = window.recorder.last_query or window.search_box.text().strip()
    if not query:
        window.statusBar().showMessage("先搜索,再把没找到答案的问题记录为知识缺口", 6000)
        return
    record_gap(window, query)


def install(window: Any) -> None:
    """Wire the feedback buttons (once) and show the 数据看板 tab to a knowledge manager (after settings too)."""
    from app.core.vocab import MANAGER

    view = window.article_view
    if not getattr(window, "_insights_wired", False):
        window._insights_wired = True
        window.search_box.textChanged.connect(lambda _t: window.recorder.typing())
        window.recorder.current = lambda: window.search_box.text().strip()
        view.flag_requested.connect(lambda: flag_article(window, view.article))
        view.gap_requested.connect(lambda: gap_from_article(window, view.article))
        builder = window.builder
        builder.bad_draft_requested.connect(lambda draft, text: flag_draft(window, draft, text))
        builder.case_requested.connect(lambda *case: save_case(window, *case))
        _feedback_keys(window)
    board = getattr(window, "insights_board", None)
    if window.settings.role == MANAGER and board is None:
        from app.ui.insights_board import InsightsBoard

        board = InsightsBoard(window.background, window.home)
        board.status.connect(lambda message: window.statusBar().showMessage(message, 8000))
        board.content_changed.connect(window.reload_content)
        board.article_created.connect(lambda rel: open_created_article(window, rel))
        window.insights_board = board
        window.tabs.addTab(board, "数据看板")
        window.tabs.currentChanged.connect(lambda i: _board_shown(window, window.tabs.widget(i) is board))
        window.search_box.textChanged.connect(lambda _t: _board_shown(window, False, refresh=False))
    elif window.settings.role != MANAGER and board is not None:
        window.tabs.removeTab(window.tabs.indexOf(board))
        board.deleteLater()
        window.insights_board = board = None
    workspace_loaded(window)


def open_created_article(window: Any, rel: str) -> None:
    """A draft article made from a content gap: show it in the 知识管理 editor (after the reload has read it)."""
    workbench = getattr(window, "workbench", None)
    if workbench is None:
        return  # the board's status line already names the new file

    def show() -> bool:
        window.tabs.setCurrentWidget(workbench)
        if not workbench.open_path(rel):
            return False
        workbench.article.body.setFocus()
        return True

    workspace = window.workspace
    if workspace is not None and any(a.path == rel for a in workspace.content.articles) and show():
        return

    def when_loaded() -> None:
        window.ready.disconnect(when_loaded)
        if not show():
            window.statusBar().showMessage(f"已新建 {rel},但未能在知识管理中打开(见“问题”页)", 8000)

    window.ready.connect(when_loaded)  # the board's content_changed reloads the workspace


def _feedback_keys(window: Any) -> None:
    """Ctrl+Shift+X 「这不对」 and Ctrl+Shift+Q 「记下来」, meaning what the shown tab offers: in 文章 有误/过时 and
    记录为知识缺口, in 回复 草稿不好 and 存为案例. Each pair is on only with its tab, so a key is never ambiguous."""
    from app.ui.keys import ARTICLE, REPLY, bind

    view, builder = window.article_view, window.builder

    def on_article(signal: Any) -> Callable[[], None]:
        return lambda: signal.emit() if view.article is not None else None

    pairs = (
        (view, "Ctrl+Shift+X", on_article(view.flag_requested), "有误/过时:告诉文章负责人这篇文章哪里不对", ARTICLE),
        (view, "Ctrl+Shift+Q", on_article(view.gap_requested), "记录为知识缺口(这篇文章没回答刚才搜索的问题)", ARTICLE),
        (builder, "Ctrl+Shift+X", builder.request_bad_draft, "草稿不好:告诉文章负责人这条草稿哪里不对", REPLY),
        (builder, "Ctrl+Shift+Q", builder.request_case, "存为案例:把客户消息和这条回复存进团队案例库", REPLY),
    )
    keys = [(tab, bind(window, k, fn, what, group)) for tab, k, fn, what, group in pairs]

    def scope(_index: int) -> None:
        for tab, shortcut in keys:
            shortcut.setEnabled(window.tabs.currentWidget() is tab)

    window.tabs.currentChanged.connect(scope)
    scope(window.tabs.currentIndex())


def _board_shown(window: Any, shown: bool, refresh: bool = True) -> None:
    """The board gets the whole window (results hidden); they come back as soon as the manager searches."""
    window.splitter.widget(0).setVisible(not shown)
    if shown and refresh and window.insights_board is not None:
        window.insights_board.refresh()


def workspace_loaded(window: Any) -> None:
    """Give the board the current share, content and retention setting."""
    board = getattr(window, "insights_board", None)
    if board is None:
        return
    folder = window.settings.shared_folder.strip()
    board.set_context(Path(folder) if folder else None, window.workspace, window.settings.usage_retention_days)
    if board.isVisible():
        board.refresh()
