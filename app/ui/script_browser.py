"""The script browser: scripts by type and stage, favourites and recently used, copy with Enter."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.content.model import Script
from app.core.vocab import GENERAL_TYPE, SCRIPT_TYPES
from app.ui.plain import plain_tip

SCRIPT_ROLE = Qt.ItemDataRole.UserRole + 2
STAGE_ORDER = ("开场", "共情", "安抚", "核实", "说明", "方案", "致歉", "指引", "跟进", "转接", "结束")


class _Tree(QTreeWidget):
    activated_script = Signal(object)
    copy_script = Signal(object)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        item = self.currentItem()
        script = item.data(0, SCRIPT_ROLE) if item else None
        if script and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            (
                self.copy_script if event.modifiers() & Qt.KeyboardModifier.ControlModifier else self.activated_script
            ).emit(script)
            return
        super().keyPressEvent(event)


class ScriptBrowser(QWidget):
    """Browse scripts; `copy_requested(script)` and `use_requested(script)` go to the main window."""

    copy_requested = Signal(object)
    use_requested = Signal(object)
    favorite_toggled = Signal(str, bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.scripts: list[Script] = []
        self.personal: list[Script] = []
        self.favorites: list[str] = []
        self.recent: list[str] = []
        self.type_filter = QComboBox()
        self.type_filter.addItems(["全部类型", *SCRIPT_TYPES])
        self.type_filter.currentIndexChanged.connect(self._rebuild)
        self.tree = _Tree()
        self.tree.setHeaderHidden(True)
        self.tree.currentItemChanged.connect(self._preview)
        self.tree.activated_script.connect(self.use_requested)
        self.tree.copy_script.connect(self.copy_requested)
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setMaximumHeight(120)
        self.fav_button = QPushButton("☆ 收藏")
        self.fav_button.clicked.connect(self._toggle_favorite)
        self.copy_button = QPushButton("复制")
        self.copy_button.setToolTip("复制到剪贴板 (Ctrl+Enter);含待填内容的话术会先放入“回复”页")
        self.copy_button.clicked.connect(lambda: self._emit_current(self.copy_requested))
        self.use_button = QPushButton("加入回复")
        self.use_button.clicked.connect(lambda: self._emit_current(self.use_requested))
        top = QHBoxLayout()
        top.addWidget(QLabel("类型"))
        top.addWidget(self.type_filter, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.fav_button)
        actions.addStretch(1)
        actions.addWidget(self.use_button)
        actions.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.preview)
        layout.addLayout(actions)

    def set_scripts(
        self, scripts: list[Script], favorites: list[str], recent: list[str], personal: list[Script] | None = None
    ) -> None:
        """Show these scripts, with the agent's own (个人), favourites and recently used at the top."""
        self.scripts, self.favorites, self.recent = scripts, favorites, recent
        self.personal = list(personal or [])
        self._rebuild()

    def set_usage(self, favorites: list[str], recent: list[str]) -> None:
        """Refresh the favourites and recent groups."""
        self.favorites, self.recent = favorites, recent
        self._rebuild()

    def focus_first(self) -> None:
        """Ctrl+2: the script tree, on a script, so the arrows move and Enter adds it to the reply."""
        self.tree.setFocus()
        if self.current_script() is None:
            first = next(self._script_items(), None)
            if first is not None:
                self.tree.setCurrentItem(first)

    def current_script(self) -> Script | None:
        """The selected script, if any."""
        item = self.tree.currentItem()
        return item.data(0, SCRIPT_ROLE) if item else None

    def select_script(self, script_id: str, personal: bool = False) -> None:
        """Select a script by id (first occurrence), in the 个人话术 group when `personal`."""
        own = {id(s) for s in self.personal}
        for item in self._script_items():
            script = item.data(0, SCRIPT_ROLE)
            if script.id == script_id and (id(script) in own) == personal:
                self.tree.setCurrentItem(item)
                return

    def _script_items(self):
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop(0)
            if item.data(0, SCRIPT_ROLE):
                yield item
            stack[:0] = [item.child(i) for i in range(item.childCount())]

    def _rebuild(self) -> None:
        chosen = self.type_filter.currentText()
        scripts = [s for s in self.scripts if chosen == "全部类型" or s.type == chosen]
        by_id = {s.id: s for s in scripts}
        self.tree.clear()
        personal = [s for s in self.personal if chosen == "全部类型" or s.type == chosen]
        if personal:
            parent = QTreeWidgetItem(self.tree, [f"个人话术 ({len(personal)})"])
            for s in personal:
                self._leaf(parent, s, label="「个人」")
            parent.setExpanded(True)
        for label, ids in (("★ 收藏", self.favorites), ("最近使用", self.recent)):
            items = [by_id[i] for i in ids if i in by_id]
            if items:
                self._group(label, items, expanded=True)
        types: dict[str, dict[str, list[Script]]] = {}
        for s in scripts:
            types.setdefault(s.type or GENERAL_TYPE, {}).setdefault(s.stage or "其他", []).append(s)
        for script_type, stages in types.items():
            parent = QTreeWidgetItem(self.tree, [f"{script_type} ({sum(len(v) for v in stages.values())})"])
            order = sorted(stages, key=lambda st: STAGE_ORDER.index(st) if st in STAGE_ORDER else len(STAGE_ORDER))
            for stage in order:
                child = QTreeWidgetItem(parent, [f"{stage} ({len(stages[stage])})"])
                for s in stages[stage]:
                    self._leaf(child, s)
            parent.setExpanded(chosen != "全部类型")

    def _group(self, label: str, scripts: list[Script], expanded: bool) -> None:
        parent = QTreeWidgetItem(self.tree, [label])
        for s in scripts:
            self._leaf(parent, s)
        parent.setExpanded(expanded)

    def _leaf(self, parent: QTreeWidgetItem, script: Script, label: str = "") -> None:
        shortcut = f"  [{script.shortcut}]" if script.shortcut else ""
        item = QTreeWidgetItem(parent, [f"{label}{script.title}{shortcut}"])
        item.setData(0, SCRIPT_ROLE, script)
        item.setToolTip(0, plain_tip(script.text))

    def _preview(self, item: QTreeWidgetItem | None, _previous=None) -> None:
        script = item.data(0, SCRIPT_ROLE) if item else None
        self.preview.setPlainText(script.text if script else "")
        self.fav_button.setText("★ 取消收藏" if script and script.id in self.favorites else "☆ 收藏")

    def _toggle_favorite(self) -> None:
        script = self.current_script()
        if script:
            on = script.id not in self.favorites
            self.favorite_toggled.emit(script.id, on)

    def _double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        script = item.data(0, SCRIPT_ROLE)
        if script:
            self.use_requested.emit(script)

    def _emit_current(self, signal) -> None:
        script = self.current_script()
        if script:
            signal.emit(script)
