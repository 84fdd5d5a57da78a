"""Help > Keys and mouse: every key of the window, the presentation's keys, and what the mouse does.

The window's keys are read from its own actions (whatever has a shortcut, with
the menu it lives in), so the list cannot fall behind the menus; the
presentation's keys from the constants its key handler uses.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout

from .present import BLACK_KEYS, NEXT_KEYS, PREVIOUS_KEYS

MOUSE = (
    ("Click a node or an edge", "Select it: the inspector shows its value, local derivative and gradient check"),
    ("Ctrl+click or Shift+click", "Add to the selection, or take out of it"),
    ("Double-click an input, target or parameter", "Edit its value (Ctrl+Z undoes)"),
    ("Drag on the graph", "Move the view"),
    ("Wheel on the graph", "Zoom in and out where the pointer is"),
    ("Hover a node or an edge", "Its name and every number in full (labels shorten or leave out what has no room)"),
    ("Right-click a neuron, an input or an edge", "Change the network: add or remove a neuron or a layer, its "
                                                  "activation, a bias, freeze a weight: its edge is then "
                                                  "drawn dashed (Ctrl+Z undoes)"),
    ("Training panel's map: click / right-click", "Add a point of the class under \"New points\" / remove the "
                                                  "point under the pointer (Ctrl+Z undoes)"),
    ("Training panel's map: Ctrl+click a point", "Step through that sample (it is ringed)"),
    ("Presentation: left click / right click", "Next / previous click"),
)


def _keys(keys) -> str:
    return ", ".join(QKeySequence(k).toString(QKeySequence.NativeText) for k in keys)


PRESENTATION = (
    (_keys(NEXT_KEYS), "Presentation: next step, or reveal a \"?\""),
    (_keys(PREVIOUS_KEYS), "Presentation: previous click"),
    (_keys((Qt.Key_Home, Qt.Key_End)), "Presentation: first / last click"),
    (_keys(BLACK_KEYS), "Presentation: black screen (again: back)"),
    (_keys((Qt.Key_Escape,)), "Presentation: leave; the window stays at the step reached"),
)


def window_keys(window) -> list[tuple[str, str]]:
    """(keys, what they do) for every action of ``window`` that has a shortcut."""
    rows, seen = [], set()
    for a in window.findChildren(QAction):
        keys = [k for k in a.shortcuts() if not k.isEmpty()]
        if not keys or id(a) in seen:
            continue
        seen.add(id(a))
        what = a.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()
        tip = a.statusTip()
        rows.append((", ".join(k.toString(QKeySequence.NativeText) for k in keys),
                     f"{what}: {tip}" if tip and tip != what else what))
    return sorted(rows, key=lambda r: r[1].lower())


def help_rows(window) -> list[tuple[str, str]]:
    """Every row of the Keys and mouse table."""
    return window_keys(window) + list(PRESENTATION) + list(MOUSE)


class KeysDialog(QDialog):
    """A table of every key and mouse action (plain text)."""

    def __init__(self, window):
        super().__init__(window)
        self.setWindowTitle("Keys and mouse")
        rows = help_rows(window)
        self.table = QTableWidget(len(rows), 2, self)
        self.table.setHorizontalHeaderLabels(["Key or mouse", "What it does"])
        for r, (keys, what) in enumerate(rows):
            for c, t in enumerate((keys, what)):
                item = QTableWidgetItem(t)
                item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable)
                self.table.setItem(r, c, item)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table)
        lay.addWidget(buttons)
        self.resize(820, 560)

    def rows(self) -> list[tuple[str, str]]:
        return [(self.table.item(r, 0).text(), self.table.item(r, 1).text()) for r in range(self.table.rowCount())]


def show_keys(window) -> KeysDialog:
    dlg = KeysDialog(window)
    dlg.setAttribute(Qt.WA_DeleteOnClose)
    dlg.show()
    return dlg
