"""A frozen weight ("trainable": false) is drawn dashed, and the legend says what a dashed edge is (issue 13)."""
from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage, QPainter

from visualnn.ui import legend


def _edge_of(session, weight: str) -> tuple[str, str]:
    return next((a, b) for a, b, w in session.graph.edges() if w == weight)


def _gaps_along(view, edge: tuple[str, str]) -> int:
    """Transparent pixels on the middle 60% of the edge's line, drawn as a picture export draws it."""
    item = view.edge_item
    rect = item.boundingRect()
    img = QImage(int(rect.width()) + 20, int(rect.height()) + 20, QImage.Format_ARGB32_Premultiplied)
    img.fill(Qt.transparent)
    p = QPainter(img)
    p.translate(-rect.x() + 10, -rect.y() + 10)
    item.draw_all(p)
    p.end()
    box = view.layout_info.boxes
    a, b = box[edge[0]], box[edge[1]]
    x1, y1, x2, y2 = a.x + a.w / 2, a.y, b.x - b.w / 2, b.y
    gaps = 0
    for i in range(200):
        t = 0.2 + 0.6 * i / 199
        pt = QPointF(x1 + t * (x2 - x1) - rect.x() + 10, y1 + t * (y2 - y1) - rect.y() + 10)
        gaps += img.pixelColor(int(round(pt.x())), int(round(pt.y()))).alpha() == 0
    return gaps


def test_a_frozen_weight_is_drawn_dashed_and_the_legend_says_so(qtbot, window):
    s, v = window.session, window.view
    frozen, free = _edge_of(s, "w1"), _edge_of(s, "w2")
    assert not v.edge_dashed(*frozen)
    assert legend.FROZEN not in legend.lines(v)
    assert _gaps_along(v, frozen) == 0
    colour = v.edge_style(*frozen)[0]

    s.core.set_frozen("w1", True)
    assert v.edge_dashed(*frozen) and not v.edge_dashed(*free)
    assert not any(v.edge_dashed(a, b) for a, b, w in s.graph.edges() if w != "w1")
    assert _gaps_along(v, frozen) > 20            # dashes: the line has gaps
    assert _gaps_along(v, free) == 0              # the others stay solid
    assert legend.FROZEN in legend.lines(v)
    assert v.edge_style(*frozen)[0] == colour     # dashed in its weight's colour

    s.undo_stack.undo()                           # freed again: solid, and the legend line goes
    assert not v.edge_dashed(*frozen)
    assert _gaps_along(v, frozen) == 0
    assert legend.FROZEN not in legend.lines(v)
