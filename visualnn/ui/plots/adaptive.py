"""Panel layouts that fit a narrow dock column as well as a wide floating window.

The plot panels share the stepper window's right-hand column with the
inspector (a few hundred pixels wide, most of the height), and can be
floated or docked wide.  ``FlowLayout`` wraps a row of controls onto as many
lines as the width needs; ``AdaptiveSplitter`` puts its parts side by side
when there is room and one above the other when there is not; ``scrolled``
lets a tall column of controls scroll instead of forcing the panel taller.
"""
from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLayout, QScrollArea, QSizePolicy, QSplitter, QWidget

from ..text import plain_label

NARROW = 640                  # px: below this width an AdaptiveSplitter stacks its parts


class FlowLayout(QLayout):
    """Widgets left to right, wrapping onto a new line when the width runs out."""

    def __init__(self, parent=None, spacing: int = 6):
        super().__init__(parent)
        self._items: list = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item):
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int):
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int):
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self):
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect):
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        # everything on one line
        w = h = 0
        for item in self._visible():
            s = item.sizeHint()
            w += s.width() + (self._spacing if w else 0)
            h = max(h, s.height())
        m = self.contentsMargins()
        return QSize(w + m.left() + m.right(), h + m.top() + m.bottom())

    def minimumSize(self) -> QSize:
        # the widest single item
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _visible(self):
        return [it for it in self._items if not (it.widget() is not None and it.widget().isHidden())]

    def _arrange(self, rect: QRect, move: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, line = area.x(), area.y(), 0
        for item in self._visible():
            hint = item.sizeHint()
            w = min(hint.width(), max(item.minimumSize().width(), area.width()))
            if x > area.x() and x + w > area.right() + 1:
                x, y, line = area.x(), y + line + self._spacing, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), QSize(w, hint.height())))
            x += w + self._spacing
            line = max(line, hint.height())
        return y + line - rect.y() + m.bottom()


def labelled(text: str, widget: QWidget) -> QWidget:
    """``text`` and ``widget`` kept together on one line of a flow."""
    box = QWidget()
    lay = QHBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(4)
    box.label = plain_label(text)
    lay.addWidget(box.label)
    lay.addWidget(widget)
    return box


class AdaptiveSplitter(QSplitter):
    """Two parts side by side when wide, one above the other when narrow.

    ``natural``: the index of the part that keeps its natural size (a column
    of controls), at most ``share`` of the length; the other part takes the
    rest.  Once the user drags the handle, their sizes stay until the next flip."""

    def __init__(self, narrow: int = NARROW, natural: int | None = None, share: float = 0.5, parent=None):
        super().__init__(Qt.Horizontal, parent)
        self.narrow = narrow
        self.natural = natural
        self.share = share
        self._user_sized = False
        self.setChildrenCollapsible(False)
        self.splitterMoved.connect(self._moved)

    def _moved(self, *_):
        self._user_sized = True

    def resizeEvent(self, ev):
        w = ev.size().width()
        # a little hysteresis: a width near the threshold does not flip back and forth
        if self.orientation() == Qt.Horizontal and w < self.narrow:
            self.setOrientation(Qt.Vertical)
            self._user_sized = False
        elif self.orientation() == Qt.Vertical and w >= self.narrow + 24:
            self.setOrientation(Qt.Horizontal)
            self._user_sized = False
        super().resizeEvent(ev)
        if not self._user_sized:
            self._natural_sizes()

    def _natural_sizes(self):
        n = self.count()
        if n != 2:
            return
        vertical = self.orientation() == Qt.Vertical
        length = self.height() if vertical else self.width()
        if length <= 0:
            return
        if self.natural is None:
            self.setSizes([length // 2, length - length // 2])
            return
        part = self.widget(self.natural)
        hint = part.sizeHint()
        want = hint.height() if vertical else hint.width()
        want = max(1, min(want, int(self.share * length)))
        sizes = [length - want, length - want]
        sizes[self.natural] = want
        self.blockSignals(True)
        self.setSizes(sizes)
        self.blockSignals(False)


def scrolled(widget: QWidget) -> QScrollArea:
    """``widget`` in a frameless area that scrolls up and down (never sideways)."""
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
    area.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Preferred)
    return area


class LazyPanel(QWidget):
    """A panel that does no work while nobody can see it.

    A dock behind another tab stays "visible" to Qt (its region is merely
    covered), so the window tells the panel through ``set_seen`` (wired to
    ``QDockWidget.visibilityChanged``); a panel on its own uses
    ``isVisible``.  While hidden, handlers record what changed and return
    (``hidden_now``); ``catch_up()`` brings the panel up to date when it
    is seen again."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._seen: bool | None = None       # None: not in a dock that reports it

    def set_seen(self, seen: bool):
        was_hidden = self.hidden_now()
        self._seen = bool(seen)
        if was_hidden and not self.hidden_now():
            self.catch_up()

    def shutdown(self):
        """Stop any background work before the window closes (a panel without any: nothing)."""

    def wait(self, ms: int = 10000) -> bool:
        """Wait up to ``ms`` for background work to finish; True when none is left."""
        return True

    def hidden_now(self) -> bool:
        if self._seen is False:
            return True
        return self.window() is not self and not self.isVisible()

    def showEvent(self, ev):
        super().showEvent(ev)
        if not self.hidden_now():
            self.catch_up()

    def catch_up(self):
        """Redo what was skipped while hidden (subclasses)."""


class RefreshingPanel(LazyPanel):
    """A ``LazyPanel`` redrawn whole by ``refresh()``: a change while hidden
    (``changed``) leaves it stale, and it refreshes once when seen again."""

    _stale = True

    def changed(self, *_):
        if self.hidden_now():
            self._stale = True
            return
        self._stale = False
        self.refresh()

    def catch_up(self):
        if self._stale:
            self._stale = False
            self.refresh()

    def refresh(self):
        """Redraw from the source (subclasses)."""
