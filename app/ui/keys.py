"""Keyboard paths of the window: one `bind` that records what each shortcut does, for F1 to list.

Every QShortcut made with `bind` carries its description (`whatsThis`) and a group, so the F1
overlay lists exactly the shortcuts that exist, including those other panels add later.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QScrollArea, QWidget

GROUP_PROPERTY = "zhida_group"
SEARCH, SWITCH, ARTICLE, REPLY, DESK, OTHER = "搜索", "切换", "文章", "回复", "随叫随到", "其他"


def bind(
    owner: QWidget,
    keys: str,
    fn: Callable[[], object],
    description: str,
    group: str = OTHER,
    context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut,
) -> QShortcut:
    """A shortcut on `owner` that calls `fn`, described for the F1 overlay."""
    shortcut = QShortcut(QKeySequence(keys), owner)
    shortcut.setContext(context)
    shortcut.setWhatsThis(description)
    shortcut.setProperty(GROUP_PROPERTY, group)
    shortcut.activated.connect(fn)
    return shortcut


def focus_first(widget: QWidget) -> None:
    """Put the keyboard focus on the first useful widget of a tab: its own `focus_first()` if it has one,
    else the first enabled, visible widget inside it that takes Tab focus, else the tab itself."""
    own = getattr(widget, "focus_first", None)
    if callable(own):
        own()
        return
    candidate = widget.nextInFocusChain()
    for _ in range(500):  # the chain is a ring through the whole window; never loop forever
        if candidate is None or candidate is widget:
            break
        if (
            widget.isAncestorOf(candidate)
            and candidate.isEnabled()
            and candidate.isVisibleTo(widget)
            and candidate.focusPolicy() & Qt.FocusPolicy.TabFocus
            and not isinstance(candidate, QScrollArea)  # a frame around the real widgets
        ):
            candidate.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        candidate = candidate.nextInFocusChain()
    widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
