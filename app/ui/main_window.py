"""The agent's window: search as you type, read, browse scripts, build and check a reply, copy.

Over 800 lines, not yet split: it wires every tab's widgets, the loader/search/background runners, sync
and the keys, while each tab's behaviour lives in its own module (builder, article_view, training_view,
workbench, insights_wiring, desk, keys). The seam to cut next is the loading pipeline (start_loading and
its steps), which would also let the heavy imports run on the loader thread instead of before the window
shows."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QMainWindow,
    QMenu,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.compose.slots import article_section_text
from app.core.content.model import Article, Script
from app.core.content.personal import personal_root
from app.core.settings import Settings, save_settings
from app.core.usage.log import UsageLog
from app.core.vocab import GENERAL_TYPE, MANAGER, SCRIPT_TYPES, TRAINEE
from app.core.workspace import Workspace, load_workspace, open_search, read_item
from app.ui import insights_wiring as insights
from app.ui.article_view import SECTION_KEYS, ArticleView
from app.ui.builder import BuilderPanel
from app.ui.desk import Desk
from app.ui.first_index import FirstIndexBuild, needs_first_build
from app.ui.followups_view import FollowUpDesk
from app.ui.help_overlay import HelpOverlay
from app.ui.keys import ARTICLE, DESK, OTHER, REPLY, SEARCH, SWITCH, bind, focus_first
from app.ui.plain import plain_label, plain_tip, warn
from app.ui.problems_view import ProblemsView
from app.ui.results import ResultsView, warm_up_fonts
from app.ui.script_browser import ScriptBrowser
from app.ui.search_box import SearchBox
from app.ui.semantic_status import SemanticStatus
from app.ui.settings_dialog import SettingsDialog
from app.ui.tasks import TaskRunner
from app.ui.training_view import TrainingView

if TYPE_CHECKING:
    from app.ui.personal_dialog import PersonalScriptDialog
    from app.ui.sync_controller import SyncController
    from app.ui.workbench import WorkbenchPanel

NARROW_WIDTH = 720
DEBOUNCE_MS = 120
TAB_ARTICLE, TAB_SCRIPTS, TAB_BUILDER, TAB_PROBLEMS, TAB_TRAINING = range(5)
KIND_FILTERS = (("全部", None), ("文章", "article"), ("话术", "script"))
TYPE_FILTERS = ("全部类型", *SCRIPT_TYPES)


def _without_gc(fn: Callable[[], Any]) -> Any:
    """Run a loader step with garbage collection paused, then freeze what it built.

    Parsing or indexing a large knowledge base allocates millions of objects; a full collection in the
    middle stops every thread, the UI too, for 100 ms or more. What loads lives for the session.
    """
    gc.disable()
    try:
        return fn()
    finally:
        gc.enable()
        gc.freeze()


class MainWindow(QMainWindow):
    """One window that works as a ~420 px side panel and full screen."""

    search_ready = Signal()  # the index is open: searching works (content may still be loading)
    personal_indexed = Signal(str)  # a script saved with 「存为个人话术」 is now searchable (its id)
    ready = Signal()  # content, index and checker are loaded
    load_progress = Signal(str, int, int)  # emitted from the loader thread, delivered on the UI thread
    results_shown = Signal(str)  # the query whose results are now on screen

    def __init__(self, content_root: Path, settings: Settings, home: Path | None = None):
        super().__init__()
        self.content_root = Path(content_root)
        self.settings = settings
        self.home = home
        self.workspace: Workspace | None = None
        self.index: Any = None
        self._search_ready_sent = False
        self.first_index: FirstIndexBuild | None = None  # the child process building a fresh home's index
        self._quitting = False
        self.usage = UsageLog(home)
        self.loader = TaskRunner(self, max_threads=1)
        self.searcher = TaskRunner(self, max_threads=1)
        self.background = TaskRunner(self, max_threads=1)
        self.semantic_status = SemanticStatus(self.statusBar(), self)  # vectors for the semantic retriever
        for runner in (self.loader, self.searcher, self.background):
            runner.error.connect(lambda message: self.statusBar().showMessage(f"后台任务出错:{message}", 10000))
        self._search_seq = 0
        self.personal_dialog: PersonalScriptDialog | None = None  # the open 「存为个人话术」 dialog, if any
        self._shown_seq = 0
        self.setWindowTitle("知答 Zhida")
        self._build()
        self.recorder = insights.UsageRecorder(self.usage, self.background, self)
        insights.install(self)  # 有误/过时, 记录为知识缺口, and the 数据看板 tab for a 知识管理员
        self._shortcuts()
        self._apply_settings(first=True)
        warm_up_fonts(self.results.font())

    # ---- construction -------------------------------------------------------------------------
    def _build(self) -> None:
        self.search_box = SearchBox()
        self.kind_filter = QComboBox()
        for label, _ in KIND_FILTERS:
            self.kind_filter.addItem(label)
        self.category_filter = QComboBox()
        self.category_filter.addItem("全部分类")
        self.type_filter = QComboBox()
        self.type_filter.addItems(list(TYPE_FILTERS))
        for combo in (self.kind_filter, self.category_filter, self.type_filter):
            combo.currentIndexChanged.connect(self._search_now)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        settings_button = QToolButton()
        settings_button.setText("⚙")
        settings_button.setToolTip("设置 (Ctrl+,)")
        settings_button.clicked.connect(self.open_settings)
        help_button = QToolButton()
        help_button.setText("?")
        help_button.setToolTip("键盘操作 (F1)")
        help_button.clicked.connect(lambda: self.help.toggle())

        top = QVBoxLayout()
        row1 = QHBoxLayout()
        row1.addWidget(self.search_box, 1)
        row1.addWidget(help_button)
        row1.addWidget(settings_button)
        row2 = QHBoxLayout()
        row2.addWidget(self.kind_filter)
        row2.addWidget(self.category_filter, 1)
        row2.addWidget(self.type_filter)
        top.addLayout(row1)
        top.addLayout(row2)
        # Summon and stay (hotkey, tray, clipboard offer, docking) and 待跟进: their own modules.
        self.followups = FollowUpDesk(self.home, self.background, self)
        self.followups.came_due.connect(self._follow_ups_due)
        self.desk = Desk(self)
        top.addWidget(self.desk.bar)

        self.results: ResultsView = ResultsView()
        self.empty_label = plain_label("正在加载知识库…")  # may quote the query
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("color: #888; padding: 12px;")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.empty_label)
        left_layout.addWidget(self.results, 1)

        self.article_view = ArticleView()
        self.script_browser = ScriptBrowser()
        self.builder = BuilderPanel(self.background)
        self.problems = ProblemsView()
        self.problems_list = self.problems.list
        self.training = TrainingView(self.background)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.article_view, "文章")
        self.tabs.addTab(self.script_browser, "话术库")
        self.tabs.addTab(self.builder, "回复")
        self.tabs.addTab(self.problems, "问题")
        self.tabs.addTab(self.training, "练习")
        self.workbench: WorkbenchPanel | None = None
        if self.settings.role == MANAGER:  # 知识管理 tab; imported only here: half a second an agent never needs
            from app.ui.workbench import install_workbench

            self.workbench = install_workbench(self)

        self.tabs.currentChanged.connect(self._tab_changed)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.tabs)
        self.splitter.setChildrenCollapsible(False)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 2)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.status_label = plain_label("正在加载…")  # may quote file names and load messages
        # A long status line must never widen the window: it is cut, and shown whole as the tooltip.
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.statusBar().addWidget(self.status_label, 1)
        self.sync_button = QToolButton()
        self.sync_button.setText("未设置同步")
        self.sync_button.setToolTip("团队共享文件夹同步:立即同步、处理冲突、同步历史")
        self.sync_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.sync_button.setAutoRaise(True)
        sync_menu = QMenu(self.sync_button)
        self.sync_now_action = sync_menu.addAction("立即同步", self.sync_now)
        self.conflicts_action = sync_menu.addAction("处理冲突…", self.resolve_conflicts)
        self.held_action = sync_menu.addAction("被拦下的删除…", self.review_held_deletes)
        self.local_edits_action = sync_menu.addAction("本地修改的团队文件…", self.open_local_edits)
        sync_menu.addAction("同步历史(恢复旧版本)…", self.open_history)
        self.sync_button.setMenu(sync_menu)
        self.statusBar().addPermanentWidget(self.followups.button)
        self.statusBar().addPermanentWidget(self.sync_button)
        self.sync: SyncController | None = None
        self.help: HelpOverlay = HelpOverlay(central)

        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self.debounce.timeout.connect(self._search_now)
        self.search_box.textChanged.connect(self._query_edited)
        self.search_box.navigate.connect(self._navigate)
        self.search_box.submitted.connect(self.open_current)
        self.search_box.copy_requested.connect(self.copy_current)
        self.results.activated.connect(lambda _i: self.open_current())
        self.results.clicked.connect(lambda _i: self.open_current(focus=False))
        self.article_view.send_section.connect(self._send_section)
        self.article_view.browser.link_clicked.connect(
            lambda url: self.statusBar().showMessage(f"链接不会在本应用中打开:{url}", 6000)
        )
        self.script_browser.copy_requested.connect(self.copy_script)
        self.script_browser.use_requested.connect(self._use_script)
        self.script_browser.favorite_toggled.connect(self._toggle_favorite)
        self.builder.copied.connect(self._draft_copied)
        self.builder.save_requested.connect(self.save_personal_script)
        self.builder.gap_requested.connect(self._record_gap)
        self.builder.status.connect(lambda msg: self.statusBar().showMessage(msg, 8000))
        self.load_progress.connect(self._show_progress)

    def _shortcuts(self) -> None:
        """Every window-wide key; F1 lists them (app/ui/keys.py). Tabs added before this get Ctrl+N too."""
        bind(self, "Ctrl+L", self.focus_search, "回到搜索框,选中已输入的文字", SEARCH)
        bind(self, "Ctrl+F", self.focus_search, "回到搜索框,选中已输入的文字", SEARCH)
        bind(self, "F1", lambda: self.help.toggle(), "显示 / 关闭本帮助", OTHER)
        bind(self, "Ctrl+,", self.open_settings, "设置", OTHER)
        bind(self, "Ctrl+G", self.compose_reply, "生成回复(回复页的客户消息为空时,用搜索框里的文字)", REPLY)
        bind(self, "Ctrl+D", self.script_browser._toggle_favorite, "收藏 / 取消收藏选中的话术", "话术库")
        for number in range(self.tabs.count()):
            name = self.tabs.tabText(number).split(" ")[0]
            bind(self, f"Ctrl+{number + 1}", partial(self._switch_tab, number), name, SWITCH)
        # Alt+1/2/3 send the open article's sections; only while the article tab is shown, so the reply
        # tab is free to give the same keys another meaning.
        self.section_shortcuts = [
            bind(self, keys, partial(self._send_section_number, n), f"把文章的「{name}」放入回复", ARTICLE)
            for n, (keys, name) in enumerate(zip(SECTION_KEYS, self.article_view.buttons), start=1)
        ]
        self.tabs.currentChanged.connect(self._enable_section_keys)
        self._enable_section_keys(self.tabs.currentIndex())
        bind(self, "Ctrl+Shift+V", self.desk.accept_offer, "搜索剪贴板提示里的文字", DESK)
        bind(self, "Ctrl+Shift+D", self.desk.dock_right, "停靠到屏幕右侧(全高)", DESK)
        bind(self, "Ctrl+Shift+F", self.followups.open_list, "待跟进列表:答应客户的回复", DESK)

    # ---- settings and geometry ----------------------------------------------------------------
    def _apply_settings(self, first: bool = False) -> None:
        font = self.font()
        font.setPointSize(self.settings.font_size)
        self.setFont(font)
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, self.settings.always_on_top)
        self.builder.set_defaults(self.settings.audience, self.settings.channel)
        self.training.configure(self.settings, self.home)  # the shared folder, and the 看板 for the 知识管理员
        self.desk.apply(self.settings)
        if first:
            if self.settings.window_geometry:
                self.restoreGeometry(QByteArray.fromBase64(self.settings.window_geometry.encode("ascii")))
            else:
                self.resize(420, 860)
        elif self.isVisible():
            self.show()  # changing window flags hides the window

    def open_settings(self) -> None:
        """Show the settings dialog; a new content folder reloads everything."""
        dialog = SettingsDialog(self.settings, self, hotkey_error=self.desk.hotkey_error)
        if dialog.exec() != SettingsDialog.DialogCode.Accepted:
            return
        new = dialog.result_settings()
        old_root = self.settings.content_root
        self.settings = new
        self._save_settings()
        self._apply_settings()
        if new.content_root != old_root:
            from app.core.settings import resolve_content_root

            self.content_root = resolve_content_root(None, self.home)
            self.start_loading()
        self.setup_sync()
        insights.install(self)

    def _save_settings(self) -> None:
        self.settings.window_geometry = self.saveGeometry().toBase64().data().decode("ascii")
        try:
            save_settings(self.settings, self.home)
        except OSError as exc:
            self.statusBar().showMessage(f"设置未能保存:{exc}", 8000)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self._save_settings()
        if self.desk.keeps_running and not self._quitting:
            event.ignore()  # the tray icon stays: the hotkey and the tray bring the window back
            self.hide()
            return
        self.shutdown()
        super().closeEvent(event)

    def quit_app(self) -> None:
        """Close for good (the tray's 「退出知答」), even with the tray icon on."""
        self._quitting = True
        self.close()
        QApplication.quit()

    def shutdown(self) -> None:
        """Drop queued work and wait for running tasks, so none reports to a window that is gone."""
        if self.sync is not None:
            self.sync.stop()
        if self.workbench is not None:
            self.workbench.shutdown()
        self.semantic_status.stop()
        if self.first_index is not None:
            self.first_index.stop()
        self.desk.shutdown()
        for runner in (self.loader, self.searcher, self.background):
            runner.close()

    # ---- sync with the team's shared folder ------------------------------------------------------
    def setup_sync(self) -> None:
        """Start (or restart) syncing with the shared folder chosen in the settings."""
        if self.sync is not None:
            self.sync.stop()
            self.sync.deleteLater()
            self.sync = None
        folder = self.settings.shared_folder.strip()
        self.sync_now_action.setEnabled(bool(folder))
        if not folder:
            self.sync_button.setText("未设置同步")
            return
        from app.ui.sync_controller import SyncController  # the sync engine loads only when it is used

        self.sync = SyncController(
            self.content_root,
            Path(folder),
            publish=self.settings.role == MANAGER,
            interval=float(self.settings.sync_interval_s),
            home=self.home,
            parent=self,
        )
        self.sync.synced.connect(self._synced)
        self.sync.synced.connect(lambda _r: insights.share_after_sync(self))
        self.sync.failed.connect(lambda _msg: self._show_sync_status())
        self.sync.conflicts_changed.connect(lambda _c: self._show_sync_status())
        self.sync.running_changed.connect(lambda _r: self._show_sync_status())
        self.sync.attention_changed.connect(self._show_sync_status)
        self._show_sync_status()
        self.sync.start(first_delay=3.0)

    def sync_now(self) -> None:
        """Sync right away (the menu, or after a settings change)."""
        if self.sync is not None:
            self.sync.sync_now()

    def _show_sync_status(self) -> None:
        if self.sync is None:
            return
        conflicts = self.sync.conflicts
        self.sync_button.setText(("⚠ " if conflicts or self.sync.last_error else "⟳ ") + self.sync.status_text())
        self.conflicts_action.setEnabled(bool(conflicts))
        self.conflicts_action.setText(f"处理冲突({len(conflicts)})…" if conflicts else "处理冲突…")
        self.held_action.setEnabled(bool(self.sync.held_deletes))
        self.local_edits_action.setText(f"本地修改的团队文件({len(self.sync.local_edits)})…")

    def _synced(self, report) -> None:
        self._show_sync_status()
        if report.pulled or report.deleted or report.moved:
            self.statusBar().showMessage(
                f"已从团队同步 {len(report.pulled) + len(report.deleted) + len(report.moved)} 个文件", 8000
            )
            self.reload_content()
        if report.notices:  # e.g. review mode kept an edit as a pending revision: the manager must know
            more = f"(另有 {len(report.notices) - 1} 条)" if len(report.notices) > 1 else ""
            self.statusBar().showMessage(f"同步:{report.notices[0]}{more}", 15000)

    def reload_content(self) -> None:
        """Re-read the content after sync changed files; the index update touches only those files."""
        root, home, index = self.content_root, self.home, self.index
        started = time.perf_counter()
        self.loader.submit(
            lambda: load_workspace(root, home, index), lambda ws: self._loaded(ws, started), self._load_failed
        )

    def resolve_conflicts(self) -> None:
        """Show each pending conflict side by side and apply the user's decision."""
        from app.ui.sync_dialogs import resolve_all

        if self.sync is None:
            return
        resolve_all(
            self,
            self.background,
            self.content_root,
            self.sync.share_dir,
            self.sync.conflicts,
            self.home,
            lambda decided: self.sync_now() if decided else None,
        )

    def review_held_deletes(self) -> None:
        """Confirm (or, as a manager, reject) the deletions sync held back."""
        from app.ui.sync_dialogs import review_held_deletes

        if self.sync is not None:
            review_held_deletes(self, self.sync, self.settings.role == MANAGER)

    def open_local_edits(self) -> None:
        """Team files changed here, each with 「放弃我的修改，用团队版本」."""
        from app.ui.sync_dialogs import LocalEditsDialog

        if self.sync is not None:
            dialog = LocalEditsDialog(self.content_root, self.sync.share_dir, self.home, self, self.background)
            dialog.discarded.connect(lambda _paths: self.reload_content())
            dialog.show()

    def open_history(self) -> None:
        """The history of everything sync replaced or deleted, with restore."""
        from app.ui.sync_dialogs import HistoryView

        view = HistoryView(self.content_root, self.home, parent=self, runner=self.background)
        view.setWindowFlag(Qt.WindowType.Window, True)
        view.resize(760, 520)
        view.restored.connect(lambda _p: self.reload_content())
        view.show()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        narrow = event.size().width() < NARROW_WIDTH
        wanted = Qt.Orientation.Vertical if narrow else Qt.Orientation.Horizontal
        if self.splitter.orientation() != wanted:
            self.splitter.setOrientation(wanted)
            total = self.splitter.height() if narrow else self.splitter.width()
            self.splitter.setSizes(
                [int(total * 0.45), int(total * 0.55)] if narrow else [int(total * 0.38), int(total * 0.62)]
            )
            if narrow and self.tabs.currentIndex() == TAB_BUILDER:
                self._give_room(results=False)
        if self.help.isVisible():
            self.help.setGeometry(self.centralWidget().rect())
        super().resizeEvent(event)

    # ---- loading --------------------------------------------------------------------------------
    def start_loading(self) -> None:
        """Open the index, then load content and checker, all off the UI thread; the window stays usable."""
        self.workspace = None
        self.index = None
        self._search_ready_sent = False
        self.status_label.setText("正在加载知识库…")
        self.empty_label.setText("正在加载知识库…")
        self.empty_label.show()
        root, home = self.content_root, self.home
        started = time.perf_counter()
        self.loader.submit(
            lambda: needs_first_build(root, home),
            lambda fresh: self._build_first_index(started) if fresh else self._open_search(started),
            lambda _msg: self._open_search(started),
        )

    def _build_first_index(self, started: float) -> None:
        """A fresh home: the first index is built by a child process so the window never stalls (#19)."""
        self.first_index = FirstIndexBuild(self.content_root, self.home, self)
        self.first_index.progress.connect(lambda done, total: self._show_progress("first-index", done, total))
        self.first_index.finished.connect(lambda _ok, _detail: self._open_search(started))
        self.status_label.setText("首次使用:正在建立搜索索引…")
        self.first_index.start()

    def _open_search(self, started: float) -> None:
        root, home = self.content_root, self.home
        self.loader.submit(
            lambda: _without_gc(lambda: open_search(root, home)),
            lambda result: self._search_opened(result, started),
            self._load_failed,
        )

    def _search_opened(self, result: tuple[Any, list[str]], started: float) -> None:
        index, messages = result
        self.index = index
        if index is not None:
            self.empty_label.setText("输入关键词开始搜索")
            self.status_label.setText("可以搜索了 · 正在加载全部内容…")
            self._search_ready_sent = True
            self.search_ready.emit()
            if self.search_box.text().strip():
                self._search_now()
        root, home = self.content_root, self.home
        last = [0.0]

        def progress(what: str, done: int, total: int) -> None:
            now = time.perf_counter()
            if now - last[0] > 0.2 or done == total:  # a few updates a second are plenty
                last[0] = now
                self.load_progress.emit(what, done, total)

        def load() -> Workspace:
            workspace = _without_gc(lambda: load_workspace(root, home, index, progress))
            workspace.messages[:0] = messages
            return workspace

        self.loader.submit(load, lambda ws: self._loaded(ws, started), self._load_failed)

    def _show_progress(self, what: str, done: int, total: int) -> None:
        if self.workspace is None:
            label = {
                "content": "正在读取知识库",
                "index": "正在更新搜索索引",
                "first-index": "首次使用:正在建立搜索索引",
            }.get(what, "正在加载")
            prefix = "可以搜索了 · " if self.index is not None else ""
            self.status_label.setText(f"{prefix}{label} {done}/{total}…")

    def _loaded(self, workspace: Workspace, started: float) -> None:
        self.workspace = workspace
        self.index = workspace.index
        if self.index is not None and hasattr(self.index, "set_usage"):
            self.index.set_usage(self.usage.use_counts())  # a mild boost for what this desk uses most
        content = workspace.content
        self.category_filter.blockSignals(True)
        self.category_filter.clear()
        self.category_filter.addItem("全部分类")
        self.category_filter.addItems(content.categories())
        self.category_filter.blockSignals(False)
        self._show_scripts(workspace)
        self.builder.set_workspace(workspace)
        first_load = self.training.workspace is None
        self.training.set_workspace(workspace)
        if first_load and self.settings.role == TRAINEE:
            self.tabs.setCurrentIndex(TAB_TRAINING)  # a new hire starts with practice; the search box keeps focus
        self._show_problems(workspace)
        errors = len(content.errors)
        note = f" · {errors} 个内容错误(见“问题”页)" if errors else ""
        extra = f" · {'; '.join(workspace.messages)}" if workspace.messages else ""
        self.status_label.setText(f"{len(content.articles)} 篇文章 · {len(content.scripts)} 条话术{note}{extra}")
        self.status_label.setToolTip(
            plain_tip(f"{self.status_label.text()} · 加载 {time.perf_counter() - started:.1f} 秒")
        )
        if self.index is not None:
            self.empty_label.setText("输入关键词开始搜索")
        else:
            self.empty_label.setText("搜索不可用(见“问题”页)")
        if not self._search_ready_sent and self.index is not None:
            self._search_ready_sent = True
            self.search_ready.emit()
        insights.workspace_loaded(self)
        self.ready.emit()
        self._search_now()
        self.semantic_status.start(self.index)

    def _show_scripts(self, workspace: Workspace) -> None:
        self.script_browser.set_scripts(
            workspace.content.scripts, self.usage.favorites(), self.usage.recent(), workspace.personal_scripts
        )

    def _load_failed(self, message: str) -> None:
        self.status_label.setText(f"知识库加载失败:{message}")
        self.empty_label.setText(f"知识库加载失败:{message}\n请在设置中检查知识库文件夹。")

    def _show_problems(self, workspace: Workspace) -> None:
        count = self.problems.set_problems(workspace.messages, workspace.problems)
        self.tabs.setTabText(TAB_PROBLEMS, f"问题 ({count})" if count else "问题")

    # ---- search -----------------------------------------------------------------------------------
    def focus_search(self) -> None:
        """Put the cursor in the search box with its text selected."""
        self.help.hide()
        self.search_box.setFocus()
        self.search_box.selectAll()

    def current_filters(self) -> dict[str, Any]:
        """The filters chosen above the results."""
        kind = KIND_FILTERS[self.kind_filter.currentIndex()][1]
        category = self.category_filter.currentText() if self.category_filter.currentIndex() > 0 else None
        doc_type = self.type_filter.currentText() if self.type_filter.currentIndex() > 0 else None
        return {"kind": kind, "category": category, "type": doc_type}

    def _search_now(self) -> None:
        self.debounce.stop()
        query = self.search_box.text().strip()
        self._search_seq += 1
        seq = self._search_seq
        index = self.index
        if index is None:
            return
        if not query:
            self._show_hits(seq, query, [])
            return
        filters = self.current_filters()

        def run() -> list[Any]:
            if seq != self._search_seq:
                return []  # a newer query is already waiting; skip the work
            return index.search(query, limit=30, **filters)

        self.searcher.submit(
            run,
            lambda hits: self._show_hits(seq, query, hits),
            lambda msg: self.statusBar().showMessage(f"搜索出错:{msg}", 8000),
        )

    def _show_hits(self, seq: int, query: str, hits: list[Any]) -> None:
        if seq != self._search_seq:
            return  # an older search never overwrites a newer one's results
        self._shown_seq = seq
        self.results.results_model.set_hits(hits)
        if hits:
            self.results.setCurrentIndex(self.results.results_model.index(0))
            self.empty_label.hide()
        else:
            self.empty_label.setText(
                "输入关键词开始搜索" if not query else f"没有找到与“{query}”相关的内容,换个说法试试"
            )
            self.empty_label.show()
        self.recorder.shown(query, len(hits))  # counted on Enter, a 1.5 s pause or an open: not per keystroke
        self.results_shown.emit(query)

    def _query_edited(self, _text: str) -> None:
        self.debounce.start()
        self._give_room(results=True)

    def _tab_changed(self, index: int) -> None:
        if index in (TAB_BUILDER, TAB_TRAINING):
            self._give_room(results=False)

    def _give_room(self, results: bool) -> None:
        """In the narrow layout, the part the agent works in gets most of the height."""
        if self.splitter.orientation() != Qt.Orientation.Vertical:
            return
        total = sum(self.splitter.sizes()) or self.splitter.height()
        share = 0.45 if results else 0.22
        self.splitter.setSizes([int(total * share), total - int(total * share)])

    def _navigate(self, step: int) -> None:
        self.results.move_selection(step)

    # ---- actions ----------------------------------------------------------------------------------
    def open_current(self, focus: bool = True) -> None:
        """Open the selected hit: an article in the article tab, a script in the script browser."""
        self.recorder.commit()  # Enter or an opened result: the search on screen counts now
        hit = self.results.current_hit()
        if hit is None:
            return
        item = self._item(hit)
        if hit.kind == "article":
            article = item
            if article:
                self.article_view.show_article(article)
                self.tabs.setCurrentIndex(TAB_ARTICLE)
                if focus:
                    self._give_room(results=False)  # Enter means "read this": the article gets the height
                self._record_use(article.id, "open")
        else:
            script = item
            if script:
                if self.workspace is None:
                    self.builder.add_script(script)
                    self.tabs.setCurrentIndex(TAB_BUILDER)
                    return
                self.script_browser.select_script(script.id, personal=hit.layer == "personal")
                self.tabs.setCurrentIndex(TAB_SCRIPTS)
                if focus:
                    self.script_browser.tree.setFocus()

    def copy_current(self) -> None:
        """Ctrl+Enter copies what the agent is looking at: the draft when the reply builder has the focus,
        the selected result when the search box or the results have it; the status bar names what."""
        focus = QApplication.focusWidget()
        if focus is not None and (focus is self.builder or self.builder.isAncestorOf(focus)):
            self.builder.copy_draft()
            return
        if focus is not None and (focus is self.script_browser or self.script_browser.isAncestorOf(focus)):
            selected = self.script_browser.current_script()
            if selected is not None:
                self.copy_script(selected)
            return
        hit = self.results.current_hit()
        if hit is None:
            self.statusBar().showMessage("没有选中的结果可复制", 4000)
            return
        if hit.kind == "script":
            script = self._item(hit)
            if script:
                self.copy_script(script)
            return
        article = self._item(hit)
        if article is not None:
            self.open_current(focus=False)
            self.statusBar().showMessage(f"「{article.title}」是文章:在右侧选段落放入回复(Alt+1/2/3),不直接复制", 6000)

    def _article(self, article_id: str) -> Article | None:
        """The article with this id: from the loaded content, or the one on screen while loading."""
        if self.workspace is not None:
            return self.workspace.content.article(article_id)
        shown = self.article_view.article
        return shown if shown is not None and shown.id == article_id else None

    def _item(self, hit: Any) -> Any:
        """The article or script behind a hit: from the loaded content, or read from its file while loading."""
        personal = getattr(hit, "layer", "") == "personal"
        if self.workspace is not None:
            if personal:
                return next((s for s in self.workspace.personal_scripts if s.id == hit.id), None)
            content = self.workspace.content
            return content.article(hit.id) if hit.kind == "article" else content.script(hit.id)
        if not getattr(hit, "path", ""):
            return None
        if personal:  # "@personal/scripts_library/x.yaml" → scripts_library/x.yaml under $ZHIDA_HOME/personal
            return read_item(personal_root(self.home), hit.path.split("/", 1)[1], hit.id, hit.kind)
        return read_item(self.content_root, hit.path, hit.id, hit.kind)

    def copy_script(self, script: Script) -> None:
        """Copy a script after the same check as a draft; one with open placeholders or an error finding
        goes to the builder first, so nothing is sent unfilled or unchecked."""
        if self.builder.guard_script(script):
            self.tabs.setCurrentIndex(TAB_BUILDER)
            self._record_use(script.id, "copy")
            self.statusBar().showMessage("这条话术需要先处理(待填写内容或检查问题),已放入“回复”页", 8000)
            return
        text = self.builder.script_text(script)
        QGuiApplication.clipboard().setText(text)
        self._record_use(script.id, "copy")
        self.statusBar().showMessage(f"已复制话术:{script.title}", 5000)

    def _use_script(self, script: Script) -> None:
        self.builder.add_script(script)
        self.tabs.setCurrentIndex(TAB_BUILDER)
        self._record_use(script.id, "copy")

    def _send_section(self, article_id: str, name: str, _markdown: str) -> None:
        article = self._article(article_id)
        if article is None:
            return
        audience, channel = self.builder.audience.currentText(), self.builder.channel.currentText()
        self.builder.add_section(article_section_text(article, name, audience, channel))
        self.tabs.setCurrentIndex(TAB_BUILDER)
        self.statusBar().showMessage(f"已把「{name}」放入回复", 4000)

    def save_personal_script(self, text: str, script_type: str = GENERAL_TYPE) -> None:
        """「存为个人话术」: open the dialog; once saved, the browser shows it and search finds it right away."""
        from app.ui.personal_dialog import PersonalScriptDialog

        dialog = PersonalScriptDialog(text, script_type, home=self.home, parent=self)
        dialog.accepted.connect(lambda: self._personal_saved(dialog.saved))
        self.personal_dialog = dialog
        dialog.open()

    def _personal_saved(self, script: Script | None) -> None:
        if script is None:
            return
        if self.workspace is not None:
            self.workspace.personal_scripts.append(script)
            self._show_scripts(self.workspace)
        index = self.index
        if index is not None:
            self.background.submit(
                index.update,
                lambda _report: self.personal_indexed.emit(script.id),
                lambda message: self.statusBar().showMessage(f"搜索索引更新失败:{message}", 8000),
            )
        self.statusBar().showMessage(f"已存为个人话术「{script.title}」(只在本机)", 6000)

    def _draft_copied(self, what: str) -> None:
        self.recorder.draft_copied(self.builder.draft, self.builder.message.toPlainText())
        self.statusBar().showMessage(what, 5000)

    def _record_gap(self, message: str, reply_type: str) -> None:
        from app.ui.insights_wiring import record_gap

        record_gap(self, message, reply_type)

    def _toggle_favorite(self, script_id: str, on: bool) -> None:
        self.usage.set_favorite(script_id, on)
        self.script_browser.set_usage(self.usage.favorites(), self.usage.recent())
        self.script_browser.select_script(script_id)

    def _record_use(self, item_id: str, kind: str) -> None:
        usage = self.usage
        self.background.submit(lambda: usage.record_use(item_id, kind), lambda _r: None)

    def _switch_tab(self, index: int) -> None:
        """Ctrl+N: show tab N and put the focus on its first useful widget, so typing and arrows work."""
        self.help.hide()
        self.tabs.setCurrentIndex(index)
        focus_first(self.tabs.currentWidget())

    def _enable_section_keys(self, index: int) -> None:
        for shortcut in self.section_shortcuts:
            shortcut.setEnabled(index == TAB_ARTICLE)

    def _send_section_number(self, number: int) -> None:
        if not self.article_view.send_number(number):
            self.statusBar().showMessage("这篇文章没有这一节", 4000)

    def compose_reply(self) -> None:
        """Ctrl+G: build a reply; with the builder's message empty, from the text in the search box
        (an agent who pasted the customer's words into search should not have to paste twice)."""
        query = self.search_box.text().strip()
        if not self.builder.message.toPlainText().strip() and query:
            self.builder.message.setPlainText(query)
        self.tabs.setCurrentIndex(TAB_BUILDER)
        self._give_room(results=False)
        self.builder.compose_now()

    def set_follow_up(self, text: str, masked_reference: str = "", due: datetime | None = None) -> None:
        """服务闭环: remember a promise made to a customer (the builder's 「设跟进提醒」 calls this).

        `due` defaults to the time the text promises (「今天18点前」), else 24 hours from now. The text and
        reference are stored masked under $ZHIDA_HOME; due reminders show in the status bar and 待跟进.
        """
        self.followups.add(text, masked_reference, due)
        self.statusBar().showMessage("已设跟进提醒(Ctrl+Shift+F 查看待跟进)", 6000)

    def _follow_ups_due(self, items: list) -> None:
        first = items[0]
        more = f" 等 {len(items)} 条" if len(items) > 1 else ""
        self.statusBar().showMessage(f"● 跟进到期:{first.reference or ''} {first.text[:30]}{more}", 15000)
        tray = self.desk.tray
        if tray is not None and tray.isVisible():
            tray.showMessage("知答 · 跟进到期", f"{first.reference} {first.text[:60]}{more}")

    def show_error(self, title: str, message: str) -> None:
        """A dialog for errors the user must see (the app keeps running)."""
        warn(self, title, message)
