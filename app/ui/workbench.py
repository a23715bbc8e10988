"""The 知识管理 tab (role 知识管理员 only): the library, the editors, review and versions, and the save flow.

Saving goes through gates, each a yellow bar with choices, never a silent refusal: error-level lint
(仍然保存 with a recorded reason) → near-duplicate questions (合并为相似问法 / 仍然保存) → for a live
article, the search-regression replay (仍然保存). Core work runs on the panel's own task lane; the
content watcher and autosave run on timers. `install_workbench(window)` wires the tab into the window.

Longer than most modules (≈690 lines) for a reason: it is the one place the panel's parts meet (library,
editors, gates, review, versions, autosave, watcher), and each part's logic already lives in its own module
(workbench_library/_article/_script/_gates/_review/_widgets and app.core.authoring); what remains is the
panel's state and the glue between them, which reads best in one place.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.authoring.autosave import Autosave
from app.core.authoring.forms import ArticleForm, ScriptForm, article_form, new_article_text
from app.core.authoring.library import ARTICLE, SCRIPT, entries, file_for_stage, taken_ids
from app.core.authoring.watch import ContentWatcher
from app.core.authoring.workflow import Authoring, OutsideEdit
from app.core.vocab import PUBLISHED, WORKFLOW_STATES
from app.ui.tasks import TaskRunner
from app.ui.workbench_article import ArticleEditor
from app.ui.workbench_gates import SaveFlow
from app.ui.workbench_library import LibraryTree
from app.ui.workbench_review import OutsideEditDialog, ReviewPanel, VersionsDialog
from app.ui.workbench_script import ScriptEditor
from app.ui.workbench_widgets import GateBar

LINT_MS = 300
AUTOSAVE_MS = 1500
WATCH_MS = 3000
NARROW = 720


class WorkbenchPanel(QWidget):
    """The knowledge manager's workbench (see the module docstring)."""

    status = Signal(str)
    content_changed = Signal(list)  # files saved here or changed outside: the window reloads and reindexes
    publish_requested = Signal()  # an approval changed content: sync now, so agents get it
    saved = Signal(str)  # the relative path just saved (or proposed)
    linted = Signal()
    reviews_shown = Signal()

    def __init__(self, home: Path | None = None, share: str | Path | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.home = home
        self.share = Path(share) if share else None
        self.runner = TaskRunner(self, max_threads=1)
        self.runner.error.connect(lambda message: self.status.emit(f"知识管理:{message}"))
        runner = self.runner
        self.destroyed.connect(lambda *_: runner.close())  # no result may reach widgets that are gone
        self.workspace: Any = None
        self.authoring: Authoring | None = None
        self.autosave: Autosave | None = None
        self.watcher: ContentWatcher | None = None
        self.neardup: Any = None
        self.kind: str | None = None
        self.rel: str | None = None
        self.base_hash: str | None = None
        self.saved_text = ""
        self.item_id = ""
        self.last_lint: Any = None
        self._lint_seq = 0
        self._recovered = False

        self.library = LibraryTree()
        self.library.activated.connect(lambda kind, item_id, _path: self.open_item(kind, item_id))
        buttons = QHBoxLayout()
        for label, slot in (
            ("新建文章", lambda: self.open_new_article()),
            ("新建话术", lambda: self.open_new_script()),
            ("复制为新条目", self.copy_current),
            ("删除", self.delete_current),
        ):
            button = QPushButton(label)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addLayout(buttons)
        ll.addWidget(self.library, 1)

        self.article = ArticleEditor(self.runner)
        self.script = ScriptEditor()
        self.empty = QLabel("在左侧选择文章或话术,或点“新建文章”")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color:#888")
        self.stack = QStackedWidget()
        for widget in (self.empty, self.article, self.script):
            self.stack.addWidget(widget)
        self.title = QLabel("")
        self.title.setWordWrap(True)
        self.gate = GateBar()
        self.save_button = QPushButton("保存 (Ctrl+S)")
        self.save_button.clicked.connect(lambda: self.save_current())
        self.submit_button = QPushButton("提交审核")
        self.submit_button.setToolTip("草稿提交给另一位知识管理员审核,批准后发布")
        self.submit_button.clicked.connect(lambda: self.save_current(submit=True))
        self.versions_button = QPushButton("版本…")
        self.versions_button.clicked.connect(self.show_versions)
        self.revert_button = QPushButton("放弃修改")
        self.revert_button.clicked.connect(self.revert)
        actions = QHBoxLayout()
        actions.addWidget(self.versions_button)
        actions.addWidget(self.revert_button)
        actions.addStretch(1)
        actions.addWidget(self.submit_button)
        actions.addWidget(self.save_button)
        editor_page = QWidget()
        el = QVBoxLayout(editor_page)
        el.setContentsMargins(0, 0, 0, 0)
        el.addWidget(self.title)
        el.addWidget(self.stack, 1)
        el.addWidget(self.gate)
        el.addLayout(actions)
        self.review = ReviewPanel()
        self.review.approve_requested.connect(self.approve)
        self.review.reject_requested.connect(self.reject)
        self.review.withdraw_requested.connect(self.withdraw)
        self.review.open_requested.connect(self.open_path)
        self.tabs = QTabWidget()
        self.tabs.addTab(editor_page, "编辑")
        self.tabs.addTab(self.review, "审核")
        # Both sides scroll, so the tab never forces the window wider than the 420 px side panel.
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.addWidget(_scrolling(left))
        self.split.addWidget(_scrolling(self.tabs))
        self.split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.split)
        self.flow = SaveFlow(self)

        self.lint_timer = self._timer(LINT_MS, self.lint_now)
        self.autosave_timer = self._timer(AUTOSAVE_MS, self._autosave)
        self.watch_timer = QTimer(self)
        self.watch_timer.setInterval(WATCH_MS)
        self.watch_timer.timeout.connect(self.check_outside_changes)
        for editor in (self.article, self.script):
            editor.changed.connect(self._edited)
        shortcut = QShortcut(QKeySequence("Ctrl+S"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(lambda: self.save_current())
        self._show_editor(None)

    def _timer(self, ms: int, slot: Any) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        return timer

    # ---- workspace ----------------------------------------------------------------------------------
    def set_share(self, share: str | Path | None) -> None:
        """The team share (its review setting and review area); None: this computer only."""
        self.share = Path(share) if share else None
        if self.workspace is not None:
            self.authoring = Authoring(self.workspace.root, self.home, self.share)
            self.refresh_reviews()

    def set_workspace(self, workspace: Any) -> None:
        """Use a (re)loaded workspace: the tree, lint, near-duplicates and review list follow it."""
        first = self.workspace is None or Path(self.workspace.root) != Path(workspace.root)
        self.workspace = workspace
        if first or self.authoring is None:
            self.authoring = Authoring(workspace.root, self.home, self.share)
            self.autosave = Autosave(workspace.root, self.home)
            root = workspace.root
            self.runner.submit(lambda: ContentWatcher(root), self._watching)
        content = workspace.content
        self.runner.submit(lambda: self._build_neardup(content), self._neardup_ready)
        self.refresh_library()
        self.refresh_reviews()
        self.lint_now()
        if not self._recovered:
            self._recovered = True
            self._offer_recovery()

    @staticmethod
    def _build_neardup(content: Any) -> Any:
        from app.core.authoring.neardup import NearDupIndex

        return NearDupIndex.from_articles(content.articles)

    def _neardup_ready(self, index: Any) -> None:
        self.neardup = index

    def _watching(self, watcher: ContentWatcher) -> None:
        self.watcher = watcher
        self.watch_timer.start()

    def refresh_library(self) -> None:
        """Rebuild the tree from the workspace and the pending revisions."""
        if self.workspace is None or self.authoring is None:
            return
        pending = self._pending_cache if hasattr(self, "_pending_cache") else []
        self.library.set_rows(entries(self.workspace.content, pending))

    def shutdown(self) -> None:
        """Stop the timers and the task lane (the window calls this on close); unsaved text stays autosaved."""
        for timer in (self.lint_timer, self.autosave_timer, self.watch_timer):
            timer.stop()
        if self.kind is not None and self.is_dirty():
            try:
                self._autosave_now()
            except OSError:
                pass
        self.runner.close()

    # ---- opening ------------------------------------------------------------------------------------
    def _show_editor(self, kind: str | None) -> None:
        self.kind = kind
        self.stack.setCurrentWidget({ARTICLE: self.article, SCRIPT: self.script}.get(kind or "", self.empty))
        for button in (self.save_button, self.submit_button, self.versions_button, self.revert_button):
            button.setEnabled(kind is not None)
        self.gate.hide()

    def _categories(self) -> list[str]:
        return self.workspace.content.categories() if self.workspace is not None else []

    def _taken(self) -> set[str]:
        return taken_ids(self.workspace.content) if self.workspace is not None else set()

    def open_item(self, kind: str, item_id: str) -> bool:
        """Open an article or script by id (its own pending revision, if any, is what the editor shows)."""
        if self.workspace is None or self.authoring is None or not self._leave_current():
            return False
        content = self.workspace.content
        item = content.article(item_id) if kind == ARTICLE else content.script(item_id)
        if item is None:
            return False
        text, disk_hash, mine = self.authoring.text_for_editing(item.path)
        if text is None:
            return False
        disk_text, _ = self.authoring.read(item.path)
        self.rel, self.base_hash, self.item_id = item.path, disk_hash, item_id
        taken = self._taken() - {item_id}
        if kind == ARTICLE:
            self.article.load(
                disk_text or text, self._categories(), taken, is_new=False, published_once=item.status == PUBLISHED
            )
            if mine is not None:
                self.article.set_form(article_form(text))
        else:
            shortcuts = {s.shortcut: s.id for s in content.scripts if s.shortcut}
            self.script.load(disk_text or "", item_id, taken, shortcuts)
            if mine is not None and mine.text:
                from app.core.authoring.forms import script_form

                form = script_form(mine.text, item_id)
                if form is not None:
                    self.script.set_form(form)
        self._show_editor(kind)
        self.saved_text = self._editor_text()
        if mine is not None:
            self.saved_text = text if kind == ARTICLE else self.saved_text
        self._show_title()
        self.library.select(kind, item_id)
        self.tabs.setCurrentIndex(0)
        self.lint_now()
        return True

    def open_new_article(self, title: str = "", similar: tuple[str, ...] | list[str] = ()) -> None:
        """A new article (entry point for 内容缺口 → 新建文章 and the like): title and 相似问法 prefilled."""
        if self.workspace is None or not self._leave_current():
            return
        form = ArticleForm(title=title.strip(), similar=[s for s in similar if s.strip()])
        text = new_article_text(form)
        self.rel, self.base_hash, self.item_id = None, None, ""
        self.article.load(text, self._categories(), self._taken(), is_new=True, published_once=False)
        self.article.item_id.setText("")
        self.article._title_changed(form.title)
        self._show_editor(ARTICLE)
        self.saved_text = ""
        self._show_title()
        self.tabs.setCurrentIndex(0)
        self.article.title.setFocus()

    def open_new_script(self, form: ScriptForm | None = None, rel: str | None = None) -> None:
        """A new script (in the file of its stage, unless `rel` names one)."""
        if self.workspace is None or self.authoring is None or not self._leave_current():
            return
        target = rel or file_for_stage(self.workspace.content, (form.stage if form else "") or "开场")
        text, digest = self.authoring.read(target)
        shortcuts = {s.shortcut: s.id for s in self.workspace.content.scripts if s.shortcut}
        self.script.load(text or "", None, self._taken(), shortcuts, form)
        if form is not None:
            self.script._title_changed(form.title)
        self.rel, self.base_hash, self.item_id = target, digest, ""
        self._show_editor(SCRIPT)
        self.saved_text = ""
        self._show_title()
        self.tabs.setCurrentIndex(0)
        self.script.title.setFocus()

    def copy_current(self) -> None:
        """复制为新条目: the open item's fields as a new, unsaved item with a new id."""
        if self.kind == ARTICLE:
            form = self.article.form()
            form.title = f"{form.title}(副本)"
            body = form.body
            self.open_new_article(form.title, [])
            copy = self.article.form()
            copy.category, copy.type, copy.tags, copy.body = form.category, form.type, form.tags, body
            copy.audiences, copy.channels, copy.owner = form.audiences, form.channels, form.owner
            self.article.set_form(copy)
            self.article._title_changed(copy.title)
        elif self.kind == SCRIPT:
            script = self.script.form()
            script.title, script.shortcut = f"{script.title}(副本)", ""
            self.open_new_script(script, self.rel)

    def open_path(self, rel: str) -> bool:
        """Open the article (or first script) of the file `rel` in the content root; False when there is none."""
        if self.workspace is None:
            return False
        content = self.workspace.content
        article = next((a for a in content.articles if a.path == rel), None)
        if article is not None:
            return self.open_item(ARTICLE, article.id)
        script = next((s for s in content.scripts if s.path == rel), None)
        return script is not None and self.open_item(SCRIPT, script.id)

    def _leave_current(self) -> bool:
        """True when the open item may be replaced (nothing unsaved, or the user said so)."""
        if self.kind is None or not self.is_dirty():
            return True
        answer = QMessageBox.question(
            self,
            "未保存的修改",
            "当前条目有未保存的修改。放弃这些修改?(它们仍保存在自动保存里,直到你保存或放弃)",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Discard:
            self._clear_autosave()
            return True
        return False

    # ---- editing ------------------------------------------------------------------------------------
    def _editor(self) -> Any:
        return self.article if self.kind == ARTICLE else self.script

    def _editor_text(self) -> str:
        return self._editor().file_text() if self.kind is not None else ""

    def is_dirty(self) -> bool:
        """True when the editor holds text that is not saved."""
        try:
            return self.kind is not None and self._editor_text() != self.saved_text
        except Exception:
            return True  # the form cannot even be written: treat as unsaved

    def _show_title(self) -> None:
        if self.kind is None:
            self.title.setText("")
            return
        where = self.rel or "(新条目,保存时决定位置)"
        dirty = " ●未保存" if self.is_dirty() else ""
        self.title.setText(f"<b>{WORKFLOW_STATES.label(self._state())}</b> · {where}{dirty}")
        if self.kind == ARTICLE:
            mode = "审核已开启:保存已发布的文章会生成待审核修订" if self.authoring and self.authoring.review_on else ""
            self.article.set_state(f"{WORKFLOW_STATES.label(self._state())} {mode}")

    def _state(self) -> str:
        pending = self.rel is not None and any(r.path == self.rel for r in getattr(self, "_pending_cache", []))
        if self.kind == ARTICLE:
            status = self.article.status.currentData() or "draft"
            return "in_review" if pending and status != PUBLISHED else status
        return PUBLISHED

    def _edited(self) -> None:
        self.lint_timer.start()
        self.autosave_timer.start()
        self._show_title()

    # ---- lint ---------------------------------------------------------------------------------------
    def lint_now(self) -> None:
        """Lint the open item off the UI thread; only the newest result is shown."""
        self.lint_timer.stop()
        if self.kind is None or self.workspace is None:
            return
        self._lint_seq += 1
        seq, job = self._lint_seq, self.flow.lint_job()
        self.runner.submit(job, lambda report: self._linted(seq, report))

    def _linted(self, seq: int, report: Any) -> None:
        if seq != self._lint_seq:
            return
        self.last_lint = report
        self._editor().show_lint(report)
        self.linted.emit()

    # ---- saving -------------------------------------------------------------------------------------
    def save_current(self, submit: bool = False) -> None:
        """Save the open item through the gates (see the module docstring)."""
        if self.kind is not None and self.authoring is not None:
            self.flow.start(submit)

    def after_save(self, rel: str, result: Any) -> None:
        """Called by the save flow when a save or proposal went through."""
        self.rel = rel
        self.base_hash = result.hash
        self.saved_text = self._editor_text()
        if self.kind == ARTICLE:
            self.article.original = self.authoring.read(rel)[0] or "" if self.authoring else ""
            self.article.is_new = False
        elif self.kind == SCRIPT:
            self.script.original = self.authoring.read(rel)[0] or "" if self.authoring else ""
            self.script.old_id = self.script.item_id.text().strip()
            self.script.is_new = False
        self.item_id = self._editor().item_id.text().strip()
        self._clear_autosave()
        if result.revision is not None:
            self.status.emit(f"已提交审核(修订 {result.revision.id}):坐席仍看到已发布版本,另一位知识管理员批准后发布")
        else:
            self.status.emit(f"已保存 {rel}")
        self.content_changed.emit([rel])
        self.refresh_reviews()
        self._show_title()
        self.saved.emit(rel)

    def handle_outside_edit(self, exc: OutsideEdit, retry: Any) -> None:
        """The file changed on disk since it was opened: compare and merge, never overwrite silently."""
        mine = self._editor_text()
        dialog = OutsideEditDialog(exc.rel, exc.disk_text or "", mine, self)
        self.outside_dialog = dialog
        if dialog.exec() != OutsideEditDialog.DialogCode.Accepted or dialog.choice is None:
            self.status.emit("文件已在外部被修改:尚未保存,你的修改仍在编辑器和自动保存中")
            return
        self.base_hash = exc.disk_hash
        if dialog.choice == "disk":
            self._reload_from_disk()
        elif dialog.choice == "merged":
            self._load_editor_text(dialog.merged)
            retry()
        else:
            retry()

    def _load_editor_text(self, text: str) -> None:
        if self.kind == ARTICLE:
            self.article.set_form(article_form(text))
        elif self.kind == SCRIPT:
            from app.core.authoring.forms import script_form

            form = script_form(text, self.script.old_id or self.script.item_id.text()) if self.script.old_id else None
            if form is not None:
                self.script.set_form(form)

    def _reload_from_disk(self) -> None:
        if self.rel is None or self.authoring is None:
            return
        kind, item_id = self.kind, self.item_id
        self.saved_text = self._editor_text()  # allow leaving without a prompt
        self._clear_autosave()
        self.kind = None
        if kind and item_id:
            self.open_item(kind, item_id)

    def revert(self) -> None:
        """放弃修改: reopen the item as saved."""
        if self.kind is None:
            return
        self._clear_autosave()
        if self.rel is None or not self.item_id:
            self.saved_text = self._editor_text()
            self._show_editor(None)
            return
        self._reload_from_disk()

    def delete_current(self) -> None:
        """Delete the open item after confirmation (to history, restorable; with review on: a revision)."""
        self.flow.delete()

    # ---- review -------------------------------------------------------------------------------------
    def refresh_reviews(self) -> None:
        """Read the revisions (this computer's and the share's) off the UI thread."""
        authoring = self.authoring
        if authoring is None:
            return

        def load() -> tuple:
            revisions = authoring.board.revisions()
            texts = {r.path: (authoring.read(r.path)[0] or "") for r in revisions}
            return revisions, texts, authoring.settings()

        self.runner.submit(load, self._reviews_loaded)

    def _reviews_loaded(self, result: tuple) -> None:
        revisions, texts, settings = result
        self._pending_cache = [r for r in revisions if r.state == "pending"]
        me = self.authoring.me if self.authoring else ""
        self.review.show_revisions(revisions, texts, me, settings.review, settings.self_approval)
        waiting = len(self._pending_cache)
        self.tabs.setTabText(1, f"审核 ({waiting})" if waiting else "审核")
        self.refresh_library()
        self._show_title()
        self.reviews_shown.emit()

    def approve(self, revision_id: str, comment: str) -> None:
        """Approve: the revision's text is written here; the next publish carries it to the agents."""
        authoring = self.authoring
        if authoring is None:
            return

        def done(rev: Any) -> None:
            self.status.emit(f"已批准 {rev.path},正在同步发布给坐席")
            self.content_changed.emit([rev.path])
            self.publish_requested.emit()
            self.refresh_reviews()

        self.runner.submit(
            lambda: authoring.approve(revision_id, comment), done, lambda m: self.status.emit(f"无法批准:{m}")
        )

    def reject(self, revision_id: str, comment: str) -> None:
        """Reject with a comment (required)."""
        authoring = self.authoring
        if authoring is None:
            return
        if not comment.strip():
            self.status.emit("驳回需要填写审核意见")
            self.review.comment.setFocus()
            return

        def done(rev: Any) -> None:
            self.status.emit(f"已驳回 {rev.path}")
            self.refresh_reviews()

        self.runner.submit(
            lambda: authoring.reject(revision_id, comment), done, lambda m: self.status.emit(f"无法驳回:{m}")
        )

    def withdraw(self, revision_id: str) -> None:
        """The author takes a pending revision back."""
        authoring = self.authoring
        if authoring is not None:
            self.runner.submit(lambda: authoring.board.withdraw(revision_id), lambda _r: self.refresh_reviews())

    # ---- versions -----------------------------------------------------------------------------------
    def show_versions(self) -> None:
        """Every kept version of the open file: compare any two side by side, restore one as a new version."""
        if self.authoring is None or self.rel is None:
            return
        versions = self.authoring.versions.versions(self.rel)
        dialog = VersionsDialog(self.rel, versions, self.authoring.versions.text_of, self)
        dialog.restore_requested.connect(self.restore_version)
        self.versions_dialog = dialog
        dialog.open()

    def restore_version(self, version_id: int) -> None:
        """Load an old version into the editor; saving it makes a new version (nothing is overwritten)."""
        if self.authoring is None:
            return
        version = self.authoring.versions.get(version_id)
        text = self.authoring.versions.text_of(version.hash) if version and version.hash else None
        if text is None:
            self.status.emit("这个版本没有可恢复的内容")
            return
        self._load_editor_text(text)
        self.flow.note = f"恢复自版本 {version_id}"
        self.status.emit(f"已载入版本 {version_id},保存后成为新版本")

    # ---- autosave and outside changes ---------------------------------------------------------------
    def _autosave_key(self) -> tuple[str, str]:
        return (self.rel or "new-article" if self.kind == ARTICLE else self.rel or "new-script"), (
            self.item_id or "new"
        )

    def _autosave_now(self) -> None:
        if self.autosave is not None and self.kind is not None:
            rel, item = self._autosave_key()
            self.autosave.write(rel, item, self.kind, self._editor_text(), self.base_hash)

    def _autosave(self) -> None:
        if self.autosave is None or self.kind is None or not self.is_dirty():
            return
        rel, item = self._autosave_key()
        kind, text, base, store = self.kind, self._editor_text(), self.base_hash, self.autosave
        self.runner.submit(lambda: store.write(rel, item, kind, text, base), lambda _r: None)

    def _clear_autosave(self) -> None:
        if self.autosave is not None and self.kind is not None:
            rel, item = self._autosave_key()
            self.autosave.clear(rel, item)

    def _offer_recovery(self) -> None:
        if self.autosave is None:
            return
        left = self.autosave.pending()
        if not left:
            return
        first = left[0]
        self.gate.ask(
            f"上次关闭时有 {len(left)} 个条目未保存(最新:{first.rel} · {first.item})。恢复这些内容?",
            [
                ("恢复", lambda: self.recover(first)),
                ("丢弃", lambda: self.autosave.clear(first.rel, first.item) if self.autosave else None),
            ],
        )
        self.tabs.setCurrentIndex(0)

    def recover(self, saved: Any) -> None:
        """Open an autosaved item with its unsaved text; saving checks the file against what it was opened from."""
        if saved.kind == ARTICLE and saved.rel.startswith("kb/") and saved.item != "new":
            if not self.open_item(ARTICLE, saved.item):
                return
        elif saved.kind == ARTICLE:
            self.open_new_article()
        elif saved.item != "new":
            if not self.open_item(SCRIPT, saved.item):
                return
        else:
            self.open_new_script(rel=saved.rel)
        self._load_editor_text(saved.text) if saved.item != "new" or saved.kind == SCRIPT else self.article.set_form(
            article_form(saved.text)
        )
        self.base_hash = saved.base_hash if saved.item != "new" else self.base_hash
        self._show_title()
        self.status.emit("已恢复未保存的内容,请检查后保存")

    def check_outside_changes(self) -> None:
        """Look for files changed outside the app (off the UI thread); reload, and prompt for the open one."""
        watcher, authoring = self.watcher, self.authoring
        if watcher is None or authoring is None:
            return
        written = dict(authoring.written)
        self.runner.submit(lambda: watcher.changes(written), self._outside_changes)

    def _outside_changes(self, changed: list[str]) -> None:
        if not changed:
            return
        self.content_changed.emit(changed)
        if self.rel in changed and self.kind is not None:
            if self.is_dirty():
                self.gate.ask(
                    f"{self.rel} 已在外部被修改。你的修改还没保存:",
                    [("比较并合并…", lambda: self.save_current()), ("重新载入(放弃我的修改)", self._reload_from_disk)],
                )
            else:
                self._reload_from_disk()
                self.status.emit(f"{self.rel} 已在外部被修改,已重新载入")

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        wanted = Qt.Orientation.Vertical if event.size().width() < NARROW else Qt.Orientation.Horizontal
        if self.split.orientation() != wanted:
            self.split.setOrientation(wanted)
            total = self.split.height() if wanted == Qt.Orientation.Vertical else self.split.width()
            narrow = wanted == Qt.Orientation.Vertical
            self.split.setSizes([int(total * (0.22 if narrow else 0.3)), int(total * (0.78 if narrow else 0.7))])
        super().resizeEvent(event)


def _scrolling(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(widget)
    return area


def install_workbench(window: Any) -> WorkbenchPanel:
    """Add the 知识管理 tab to the main window and wire it (the window calls this for a 知识管理员 only)."""
    panel = WorkbenchPanel(window.home, window.settings.shared_folder or None, window)
    window.tabs.addTab(panel, "知识管理")
    window.ready.connect(lambda: panel.set_workspace(window.workspace) if window.workspace is not None else None)
    panel.content_changed.connect(lambda _paths: window.reload_content())
    panel.publish_requested.connect(window.sync_now)
    panel.status.connect(lambda message: window.statusBar().showMessage(message, 8000))
    window.tabs.currentChanged.connect(
        lambda _i: window._give_room(results=False) if window.tabs.currentWidget() is panel else None
    )
    return panel
