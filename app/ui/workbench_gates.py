"""The workbench's save flow: lint → near-duplicates → search regression → save, each gate a choice.

Overrides are recorded: a save past an error-level finding carries 「仍然保存:<reason>」 and the errors in
its version note, so the version history says who saved what over which warning.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QMessageBox

from app.core.authoring.forms import article_form
from app.core.authoring.library import ARTICLE, folder_for_category
from app.core.authoring.lint import LintReport, lint_article, lint_script
from app.core.authoring.neardup import similar_collisions
from app.core.authoring.workflow import OutsideEdit, SaveResult
from app.core.vocab import PUBLISHED

if TYPE_CHECKING:
    from app.ui.workbench import WorkbenchPanel


class SaveFlow:
    """One save at a time through the gates; `start` resets the choices made for the previous save."""

    def __init__(self, panel: WorkbenchPanel):
        self.panel = panel
        self.note = ""
        self.passed: set[str] = set()
        self.submit = False
        self.busy = False

    # ---- lint ---------------------------------------------------------------------------------------
    def lint_job(self) -> Callable[[], LintReport]:
        """A function computing the open item's lint report (safe to run off the UI thread)."""
        p = self.panel
        workspace = p.workspace
        content, checker = workspace.content, workspace.checker
        if p.kind == ARTICLE:
            text, form = p.article.file_text(), p.article.form()
            rel = p.rel or f"{folder_for_category(content, form.category)}/{form.id or 'new'}.md"
            return lambda: lint_article(text, rel, form.body, content, checker, form.audiences, form.channels)
        script_text, script = p.script.file_text(), p.script.form()
        path, fields = p.rel or "scripts_library/new.yaml", p.script.lint_fields()
        return lambda: lint_script(script_text, path, script.id, fields, content, checker, script.channels)

    # ---- the gates ----------------------------------------------------------------------------------
    def start(self, submit: bool = False) -> None:
        """Begin a save (or, with `submit`, a submission for review)."""
        self.passed = set()
        self.submit = submit
        self.run()

    def _pass(self, gate: str, note: str = "") -> None:
        self.passed.add(gate)
        if note:
            self.note = f"{self.note}; {note}" if self.note else note
        self.run()

    def run(self) -> None:
        """The next gate that has something to say, else the save itself."""
        p = self.panel
        if p.kind is None or p.authoring is None or p.workspace is None:
            return
        try:
            text = p._editor_text()
        except Exception as exc:
            p.gate.ask(f"无法生成文件内容:{exc}", [])
            return
        if "id" not in self.passed and not p._editor().item_id.text().strip():
            p.gate.ask("请先填写标题(ID 由标题生成)", [])
            return
        if p.kind != ARTICLE and p.script.shortcut_taken() and "shortcut" not in self.passed:
            p.gate.ask(f"快捷键已被「{p.script.shortcut_taken()}」使用", [("仍然保存", lambda: self._pass("shortcut"))])
            return
        if "lint" not in self.passed:
            report = self.lint_job()()
            p._linted(p._lint_seq, report)
            if report.errors:
                shown = ";".join(report.errors[:3]) + ("…" if len(report.errors) > 3 else "")
                p.gate.ask(
                    f"有 {len(report.errors)} 个错误:{shown}。修改后再保存,或写明原因后仍然保存(会记录)。",
                    [("仍然保存(记录原因)", self._override)],
                    note=True,
                )
                return
        if p.kind == ARTICLE and "duplicate" not in self.passed and self._duplicates():
            return
        if p.kind == ARTICLE and "regression" not in self.passed and self._needs_replay(text):
            self._replay(text)
            return
        self._save(text)

    def _override(self) -> None:
        p = self.panel
        reason = p.gate.note.text().strip() or "未写原因"
        errors = p.last_lint.errors if p.last_lint is not None else []
        self._pass("lint", f"仍然保存:{reason}(错误:{' / '.join(errors[:5])})")

    def _duplicates(self) -> bool:
        """Near-duplicate questions and 相似问法 collisions: True when the gate is shown."""
        p = self.panel
        index = p.neardup
        if index is None:
            return False
        form = p.article.form()
        old = set()
        if p.article.original:
            try:
                previous = article_form(p.article.original)
                old = {previous.title, *previous.similar}
            except ValueError:
                old = set()
        fresh = [q for q in (form.title, *form.similar) if q and q not in old]
        found = []
        for question in fresh:
            for match in index.duplicates(question, exclude=form.id or None):
                found.append((question, match))
        collisions = [c for c in similar_collisions(form.id, form.title, form.similar, index) if c.similar in fresh]
        if not found and not collisions:
            return False
        lines = [f"「{q}」与「{m.question}」(文章 {m.item},相似度 {m.score:.2f})很像" for q, m in found[:3]]
        lines += [f"相似问法「{c.similar}」更像文章 {c.other.item} 的「{c.other.question}」" for c in collisions[:3]]
        target = found[0][1].item if found else collisions[0].other.item
        choices = [("仍然保存", lambda: self._pass("duplicate", "近似问题已确认"))]
        if p.article.is_new and found:
            choices.insert(0, ("合并为相似问法", lambda: self.merge_into(target, [form.title, *form.similar])))
        p.gate.ask("可能重复:" + ";".join(lines), choices)
        return True

    def merge_into(self, target: str, questions: list[str]) -> None:
        """合并为相似问法: open the other article with these questions added (the new one is dropped)."""
        p = self.panel
        p._clear_autosave()
        p.saved_text = p._editor_text()
        if p.open_item(ARTICLE, target):
            p.article.add_similar([q for q in questions if q])
            p.status.emit(f"已把问题加入「{p.article.title.text()}」的相似问法,检查后保存")

    def _needs_replay(self, text: str) -> bool:
        p = self.panel
        form = p.article.form()
        live = form.status == PUBLISHED or self.submit
        return live and p.rel is not None and p.workspace.index is not None

    def _replay(self, text: str) -> None:
        from app.core.authoring.replay import replay, team_queries

        p = self.panel
        index, root, rel, home = p.workspace.index, p.workspace.root, p.rel or "", p.home
        before = p.authoring.read(rel)[0] if p.authoring else None
        item = p.article.form().id
        p.status.emit("正在回放搜索(本文的问题和团队常搜),检查发布后会变化的结果…")

        def job() -> Any:
            team = team_queries(home)
            return replay(index, root, rel, item, before, text, team)

        def done(report: Any) -> None:
            if not report.warnings:
                moved = len(report.moved)
                p.status.emit(f"搜索回放:{moved} 个查询的结果有变化,没有问题" if moved else "搜索回放:结果没有变化")
                self._pass("regression")
                return
            p.gate.ask(
                "搜索回归:" + ";".join(report.warnings[:3]),
                [("仍然保存", lambda: self._pass("regression", "搜索回归已确认"))],
            )

        def failed(message: str) -> None:
            p.status.emit(f"搜索回放失败:{message}")
            self._pass("regression")

        p.runner.submit(job, done, failed)

    # ---- writing ------------------------------------------------------------------------------------
    def _rel_for_new(self) -> str | None:
        p = self.panel
        if p.rel is not None:
            return p.rel
        form = p.article.form()
        rel = f"{folder_for_category(p.workspace.content, form.category)}/{form.id}.md"
        if (p.workspace.root / rel).exists():
            p.gate.ask(f"{rel} 已存在,请换一个标题或 ID", [])
            return None
        return rel

    def _save(self, text: str) -> None:
        p = self.panel
        rel = self._rel_for_new()
        if rel is None or self.busy:
            return
        authoring, base, note, submit = p.authoring, p.base_hash, self.note, self.submit
        self.busy = True

        def job() -> SaveResult | OutsideEdit:
            try:
                if submit and p.kind == ARTICLE:
                    return authoring.submit(rel, text, note)
                return authoring.save(rel, text, base, note)
            except OutsideEdit as exc:
                return exc

        def done(result: Any) -> None:
            self.busy = False
            if isinstance(result, OutsideEdit):
                p.handle_outside_edit(result, lambda: self._save(p._editor_text()))
                return
            self.note = ""
            p.after_save(rel, result)

        def failed(message: str) -> None:
            self.busy = False
            p.gate.ask(f"保存失败:{message}(内容仍在编辑器和自动保存中)", [])

        p.runner.submit(job, done, failed)

    def delete(self) -> None:
        """Delete after confirmation: to the version history (restorable)."""
        p = self.panel
        if p.kind is None or p.rel is None or p.authoring is None:
            return
        name = p._editor().title.text()
        answer = QMessageBox.question(
            p,
            "删除",
            f"删除「{name}」?删除前的版本保存在版本历史里,可以恢复。",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        authoring, rel, base = p.authoring, p.rel, p.base_hash
        if p.kind == ARTICLE:

            def job() -> Any:
                return authoring.delete(rel, base)
        else:
            from app.core.authoring.roundtrip import remove_script

            remaining = (
                remove_script(p.script.original, p.script.old_id or "") if p.script.old_id else p.script.original
            )

            def job() -> Any:
                return authoring.save(rel, remaining, base, "删除话术")

        def done(result: Any) -> None:
            p.status.emit("已提交删除审核" if result.revision else f"已删除「{name}」(可在版本历史恢复)")
            p.saved_text = p._editor_text()
            p._clear_autosave()
            p._show_editor(None)
            p.content_changed.emit([rel])
            p.refresh_reviews()

        p.runner.submit(job, done, lambda m: p.status.emit(f"删除失败:{m}"))
