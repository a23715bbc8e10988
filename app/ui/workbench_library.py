"""The workbench's library: articles by category and scripts by file, with filters (状态, 负责人, 待复核) and search."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.authoring.library import ARTICLE, STATE_FILTERS, Entry
from app.core.vocab import DUE_LABEL, IN_REVIEW, WORKFLOW_STATES

ROLE = Qt.ItemDataRole.UserRole
STATE_COLORS = {"draft": "#888", IN_REVIEW: "#e37400", "published": "#188038", "archived": "#999"}


class LibraryTree(QWidget):
    """The tree and its filters; `activated(kind, id, path)` when an item is opened."""

    activated = Signal(str, str, str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[Entry] = []
        self.search = QLineEdit()
        self.search.setPlaceholderText("筛选:标题、ID、相似问法、标签")
        self.search.setClearButtonEnabled(True)
        self.state = QComboBox()
        self.state.addItem("全部状态", None)
        for key in STATE_FILTERS:
            self.state.addItem(WORKFLOW_STATES.label(key), key)
        self.owner = QComboBox()
        self.owner.addItem("全部负责人", None)
        self.due = QCheckBox(DUE_LABEL)
        self.due.setToolTip("只看复核日期已过的条目")
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.itemActivated.connect(self._open)
        self.tree.itemClicked.connect(self._open)
        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.state)
        filters.addWidget(self.owner)
        filters.addWidget(self.due)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.tree, 1)
        self.search.textChanged.connect(self.refresh)
        self.state.currentIndexChanged.connect(self.refresh)
        self.owner.currentIndexChanged.connect(self.refresh)
        self.due.toggled.connect(self.refresh)

    def set_rows(self, rows: list[Entry]) -> None:
        """Show these entries (filters kept)."""
        self.rows = rows
        owners = sorted({r.owner for r in rows if r.owner})
        current = self.owner.currentData()
        self.owner.blockSignals(True)
        self.owner.clear()
        self.owner.addItem("全部负责人", None)
        for owner in owners:
            self.owner.addItem(owner, owner)
        self.owner.setCurrentIndex(max(0, self.owner.findData(current)))
        self.owner.blockSignals(False)
        self.refresh()

    def visible_rows(self) -> list[Entry]:
        """The entries the filters let through."""
        state, owner, due, text = (
            self.state.currentData(),
            self.owner.currentData(),
            self.due.isChecked(),
            self.search.text(),
        )
        return [
            r
            for r in self.rows
            if (state is None or r.state == state)
            and (owner is None or r.owner == owner)
            and (not due or r.due())
            and r.matches(text)
        ]

    def refresh(self) -> None:
        """Rebuild the tree from the filtered entries, keeping the selection and open groups."""
        selected = self.current()
        expanded = {self.tree.topLevelItem(i).text(0).split(" (")[0] for i in range(self.tree.topLevelItemCount())}
        self.tree.clear()
        rows = self.visible_rows()
        tops = {ARTICLE: QTreeWidgetItem(["文章"]), "script": QTreeWidgetItem(["话术"])}
        groups: dict[tuple[str, str], QTreeWidgetItem] = {}
        counts = {ARTICLE: 0, "script": 0}
        for row in rows:
            key = (row.kind, row.group)
            group = groups.get(key)
            if group is None:
                group = groups[key] = QTreeWidgetItem(tops[row.kind], [row.group])
            badge = row.state_label
            extra = f" · {row.owner}" if row.owner else ""
            if row.due():
                extra += f" · ⏰{DUE_LABEL}"
            label = (
                f"{row.title}  [{badge}]{extra}" if row.kind == ARTICLE else f"{row.title}  [{row.type}·{row.stage}]"
            )
            item = QTreeWidgetItem(group, [label])
            item.setData(0, ROLE, (row.kind, row.id, row.path))
            item.setToolTip(0, f"{row.id}\n{row.path}")
            item.setForeground(
                0, QColor(STATE_COLORS.get(row.state, "#222")) if row.state != "published" else QColor("#222")
            )
            counts[row.kind] += 1
            if selected and selected[:2] == (row.kind, row.id):
                self.tree.setCurrentItem(item)
        for kind, top in tops.items():
            top.setText(0, f"{top.text(0)} ({counts[kind]})")
            self.tree.addTopLevelItem(top)
            top.setExpanded(True)
        for group in groups.values():
            group.setExpanded(len(rows) <= 200 or group.text(0) in expanded)
        current = self.tree.currentItem()
        if selected is not None and current is not None:
            self.tree.scrollToItem(current)

    def current(self) -> tuple[str, str, str] | None:
        """(kind, id, path) of the selected item."""
        item = self.tree.currentItem()
        data = item.data(0, ROLE) if item is not None else None
        return (str(data[0]), str(data[1]), str(data[2])) if data else None

    def select(self, kind: str, item_id: str) -> None:
        """Select an item by kind and id (when the filters show it)."""
        iterator = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while iterator:
            node = iterator.pop()
            if node is None:
                continue
            data = node.data(0, ROLE)
            if data and data[0] == kind and data[1] == item_id:
                self.tree.setCurrentItem(node)
                return
            iterator.extend(node.child(i) for i in range(node.childCount()))

    def _open(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        data = item.data(0, ROLE)
        if data:
            self.activated.emit(*data)
