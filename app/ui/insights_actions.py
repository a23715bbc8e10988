"""The 看板's actions (a mixin of `InsightsBoard`): gaps → 新建文章 / 加为相似问法 / 忽略, suggestions, flags,
case drills and exports. Content edits go through `core.usage.actions`; decisions into the local log and up
to the share at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLabel, QTableWidget, QWidget

from app.core.usage.actions import ActionError, add_similar, new_article
from app.core.usage.log import UsageLog
from app.core.usage.model import Gap, Insights
from app.core.usage.records import APPROVE_SIMILAR, IGNORE_GAP, REJECT_SIMILAR, RESOLVE_FLAG
from app.core.usage.report import to_html, voice_csv
from app.core.vocab import FLAG_DISMISSED, FLAG_RESOLVED
from app.ui.insights_dialogs import ArticlePicker, NewArticleDialog
from app.ui.tasks import TaskRunner


class BoardActions(QWidget):
    """What the 看板's buttons do; `InsightsBoard` provides the state and widgets declared here."""

    runner: TaskRunner
    home: Path | None
    log: UsageLog
    share: Path | None
    workspace: Any
    insights: Insights | None
    gaps: QTableWidget
    suggestions: QTableWidget
    flags: QTableWidget
    summary: QLabel
    status: Any  # Signal(str), defined by InsightsBoard
    content_changed: Any  # Signal()
    article_created: Any  # Signal(str)

    def refresh(self) -> None:
        """Reload the board (InsightsBoard)."""
        raise NotImplementedError

    # ---- actions -----------------------------------------------------------------------------
    def _row(self, table: QTableWidget, items: list[Any]) -> Any:
        row = table.currentRow()
        if not 0 <= row < len(items):
            self.status.emit("先在表格里选中一行")
            return None
        return items[row]

    def _decide(self, kind: str, target: str, value: dict[str, Any] | None, message: str) -> None:
        self.log.record_decision(kind, target, value)
        self.status.emit(message)
        self._upload()
        self.refresh()

    def _upload(self) -> None:
        share, home = self.share, self.home
        if share is None:
            return
        from app.core.usage.exchange import exchange_after_sync

        self.runner.submit(lambda: exchange_after_sync(share, home), lambda _r: None, lambda _m: None)

    def _gap(self) -> Gap | None:
        gap = self._row(self.gaps, self.insights.gaps if self.insights else [])
        if gap is not None and gap.text is None:
            self.status.emit("这个问题少于3位坐席搜索,内容不显示;可以先忽略,或等更多坐席遇到")
            return None
        return gap

    def gap_ignore(self) -> None:
        """忽略: the gap leaves the list (for every manager, after the next sync)."""
        gap = self._row(self.gaps, self.insights.gaps if self.insights else [])
        if gap is not None:
            self._decide(IGNORE_GAP, gap.key, {}, "已忽略该问题")

    def gap_new_article(self) -> None:
        """新建文章: a draft article titled by the gap, its variants as 相似问法."""
        gap = self._gap()
        if gap is None or self.workspace is None or gap.text is None:
            return
        content = self.workspace.content
        dialog = NewArticleDialog(gap.text, gap.variants, content.categories(), self)
        if dialog.exec() != NewArticleDialog.DialogCode.Accepted:
            return
        category = dialog.category.currentText().strip()
        folder = next((str(Path(a.path).parent)[3:] for a in content.articles if a.category == category), "")
        try:
            rel = new_article(
                content.root,
                dialog.title.text(),
                category=category,
                problem_type=dialog.type.currentText(),
                similar=dialog.phrases(),
                conclusion=dialog.conclusion.toPlainText(),
                folder=folder,
                taken_ids=[a.id for a in content.articles],
            )
        except ActionError as exc:
            self.status.emit(f"未能新建文章:{exc}")
            return
        self._decide(IGNORE_GAP, gap.key, {"article": rel}, f"已新建草稿文章 {rel}")
        self.article_created.emit(rel)
        self.content_changed.emit()

    def gap_add_similar(self) -> None:
        """加为某文章的相似问法: pick the article (best search hits first), then one line is added to it."""
        gap = self._gap()
        if gap is None or self.workspace is None or gap.text is None:
            return
        index, text = getattr(self.workspace, "index", None), gap.text

        def best() -> list[str]:
            return [h.id for h in index.search(text, limit=5, kind="article")] if index is not None else []

        self.runner.submit(best, lambda ids: self._pick_article(gap, ids), lambda _m: self._pick_article(gap, []))

    def _pick_article(self, gap: Gap, best: list[str]) -> None:
        picker = ArticlePicker(gap.text or "", self.workspace.content.articles, best, self)
        if picker.exec() != ArticlePicker.DialogCode.Accepted:
            return
        article = picker.article()
        if article is not None and self._add_similar(article, picker.phrase.text()):
            self._decide(IGNORE_GAP, gap.key, {"similar": article.id}, f"已加为「{article.title}」的相似问法")

    def _add_similar(self, article: Any, phrase: str) -> bool:
        try:
            added = add_similar(self.workspace.content.root, article.path, phrase)
        except ActionError as exc:
            self.status.emit(f"未能添加相似问法:{exc}")
            return False
        if added:
            self.content_changed.emit()
        return True

    def suggestion_approve(self) -> None:
        """采纳: the phrasing becomes a 相似问法 of the article (one click)."""
        item = self._row(self.suggestions, self.insights.suggestions if self.insights else [])
        if item is None or self.workspace is None:
            return
        article = self.workspace.content.article(item.article)
        if article is not None and self._add_similar(article, item.phrase):
            self._decide(APPROVE_SIMILAR, f"{item.article}\t{item.phrase}", {}, f"已采纳「{item.phrase}」")

    def suggestion_reject(self) -> None:
        """拒绝: the suggestion is not shown again."""
        item = self._row(self.suggestions, self.insights.suggestions if self.insights else [])
        if item is not None:
            self._decide(REJECT_SIMILAR, f"{item.article}\t{item.phrase}", {}, "已拒绝该建议")

    def _answer_flag(self, status: str, title: str) -> None:
        flag = self._row(self.flags, self.insights.flags if self.insights else [])
        if flag is None:
            return
        note, ok = QInputDialog.getText(self, title, "给坐席的说明(会显示给提出反馈的坐席):")
        if ok:
            self._decide(RESOLVE_FLAG, flag.id, {"status": status, "note": note.strip()}, "已回复反馈")

    def flag_resolve(self) -> None:
        """标记已处理: the agent who flagged it sees the answer after their next sync."""
        self._answer_flag(FLAG_RESOLVED, "标记已处理")

    def flag_dismiss(self) -> None:
        """不需修改, with a reason for the agent."""
        self._answer_flag(FLAG_DISMISSED, "不需修改")

    def export_case_drills(self) -> None:
        """导出为练习: approved cases become drills in the content root (published with the next sync)."""
        if self.insights is None or self.workspace is None:
            return
        from app.core.usage.cases import export_case_drills

        try:
            rel, count = export_case_drills(self.workspace.content.root, self.insights.cases)
        except (ValueError, OSError) as exc:
            self.status.emit(f"未能导出练习:{exc}")
            return
        self.status.emit(f"已把 {count} 个案例导出为练习({rel}),发布后新人可在“练习”页使用")
        self.content_changed.emit()

    def export_html(self) -> None:
        """Save the report as a self-contained HTML page."""
        if self.insights is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "导出报告", f"知答团队报告-{self.insights.until}.html", "HTML (*.html)"
        )
        if path:
            self._write(path, to_html(self.insights))

    def export_voice(self) -> None:
        """Save the customers' 建议 as CSV for the product or operations team."""
        if self.insights is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "导出客户建议", f"客户建议-{self.insights.until}.csv", "CSV (*.csv)"
        )
        if path:
            self._write(path, voice_csv(self.insights))

    def _write(self, path: str, text: str) -> None:
        try:
            Path(path).write_text(text, encoding="utf-8")
        except OSError as exc:
            self.status.emit(f"未能保存 {path}:{exc.strerror or exc}")
            return
        self.status.emit(f"已保存 {path}")
