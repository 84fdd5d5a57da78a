"""What is under the pointer and the selection drawn on the graph (a mixin of
``GraphView``; the view's mouse events call these)."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPen

from .graph_items import NodeItem
from .graph_labels import PlacedText


class PickMixin:
    """Hit-testing nodes, labels and edges; clicking selects; the selection's marks."""

    def _is_selected_edge(self, key) -> bool:
        return any(isinstance(s, tuple) and (s[0], s[1]) == key for s in self.session.selection)

    def _on_selection_changed(self):
        sel = self.session.selection
        names = {s for s in sel if isinstance(s, str)}
        for name, item in self._nodes.items():
            item.set_selected(name in names)
        keys = [(s[0], s[1]) for s in sel if isinstance(s, tuple)]
        pen = QPen(QColor(self.style_theme.selection), 3.0, Qt.DashLine)
        pen.setCapStyle(Qt.FlatCap)
        self._sel_overlay.setPen(pen)
        self._sel_overlay.set_segments(self._edge_segments(keys))
        if self.session.state is not None and self._nodes and not self._stale:
            for key in set(keys) | {k for k, it in self._labels.items() if it.isVisible()}:
                self._refresh_label(key, self.session.state)
            self._place_labels()

    def hit(self, pos) -> tuple | str | None:
        """What is under a viewport position: a node name, an edge (src, dst) or None."""
        for item in self.items(pos):
            while item is not None:
                if isinstance(item, NodeItem):
                    return item.name
                if isinstance(item, PlacedText) and item.isVisible() and item.parentItem() is None:
                    key = item.key
                    return key[1] if key[0] == "node" else key
                item = item.parentItem()
        sp = self.mapToScene(pos)
        return self._nearest_edge(sp.x(), sp.y(), 6.0 / max(1e-6, self.transform().m11()))

    def _nearest_edge(self, x: float, y: float, tol: float):
        if not len(self._seg):
            return None
        s = self._seg
        d = s[:, 2:] - s[:, :2]
        L2 = (d ** 2).sum(axis=1)
        L2[L2 == 0] = 1.0
        t = np.clip(((x - s[:, 0]) * d[:, 0] + (y - s[:, 1]) * d[:, 1]) / L2, 0, 1)
        px, py = s[:, 0] + t * d[:, 0], s[:, 1] + t * d[:, 1]
        dist = np.hypot(px - x, py - y)
        dist[self._internal] = np.inf
        k = int(np.argmin(dist))
        if dist[k] > tol:
            return None
        a, b, _ = self._edges[k]
        return (a, b)

    def click_at(self, pos, add: bool = False):
        """Select what is under a viewport position (add: toggle it in the selection)."""
        what = self.hit(pos)
        if what is None:
            if not add:
                self.session.clear_selection()
            return
        self.session.select([what], add=add)
        if isinstance(what, str):
            self.sigNodeClicked.emit(what)
        else:
            self.sigEdgeClicked.emit(*what)
