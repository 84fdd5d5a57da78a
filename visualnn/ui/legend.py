"""The graph's legend: what the colours mean and the weight scale's range.

Drawn in the view's bottom-right corner as vectors (real text in an SVG), in
the graph's own type size, so it reads on a projector; the view keeps its
corner free of nodes (``GraphView.fit``) and of labels (an obstacle).  The
range is the view's colour scale, which follows edits and training.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from ..engine.explain import fmt
from . import theme as th
from .graph_labels import metrics, pixel_font

MARGIN = 10.0
LINES = (("value (forward)", "value"), ("local × upstream = gradient", "gradient"))
STALE = ("grey: from before the update", "muted")     # the update step's forward values
FROZEN = ("dashed edge: frozen weight (does not learn)", "muted")


def lines(view) -> tuple:
    """The legend's coloured lines: on the update step, also what grey values are; with a
    frozen weight on the graph, what a dashed edge is."""
    st = view.session.state
    stale = st is not None and st.step is not None and st.step.phase == "update"
    frozen = getattr(view, "has_frozen_edges", False)
    return LINES + ((STALE,) if stale else ()) + ((FROZEN,) if frozen else ())


def size(px: float, rows: tuple = LINES) -> tuple[float, float]:
    m = metrics(px)
    w = max(14 * px, max(m.horizontalAdvance(s) for s, _ in rows) + 16)
    return w, m.height() * (2.6 + len(rows)) + 12


def height(px: float, shown: bool = True) -> float:
    return size(px, LINES + (STALE,))[1] + MARGIN if shown else 0.0


def viewport_rect(view) -> QRectF:
    """Where the legend sits in ``view``'s viewport."""
    w, h = size(view.type_px()[0], lines(view))
    vp = view.viewport().rect()
    return QRectF(vp.width() - w - MARGIN, vp.height() - h - MARGIN, w, h)


def range_text(scale: float) -> tuple[str, str]:
    """The ends of the symmetric weight scale as printed."""
    return f"-{fmt(scale, 2)}", f"+{fmt(scale, 2)}"


def paint(view, painter: QPainter, scale: float, weights: bool):
    """Draw the legend in viewport coordinates."""
    t = view.style_theme
    px = view.type_px()[0]
    f, m = pixel_font(px), metrics(px)
    lh = m.height()
    r = viewport_rect(view)
    x0, y0, w = r.x(), r.y(), r.width()
    painter.save()
    painter.resetTransform()
    painter.setRenderHint(QPainter.Antialiasing, True)
    painter.setFont(f)
    bg = QColor(th.LECTURE_BACKGROUND if view.lecture_style else t.background)
    bg.setAlphaF(0.92)
    painter.setPen(QPen(QColor(t.muted), 0.8))
    painter.setBrush(bg)
    painter.drawRoundedRect(r, 4, 4)
    text = QColor("#000000") if view.lecture_style else QColor(t.text)
    painter.setPen(text)
    painter.drawText(QPointF(x0 + 8, y0 + 4 + m.ascent()), "edge colour = weight" if weights else "node colour = value")
    bar_y = y0 + 6 + lh
    n = 2 * th.WEIGHT_BINS + 1
    bw = (w - 16) / n
    painter.setPen(Qt.NoPen)
    for i, k in enumerate(range(-th.WEIGHT_BINS, th.WEIGHT_BINS + 1)):
        if not weights:
            color = th.value_fill(k / th.WEIGHT_BINS, t, view.lecture_style)
        elif view.lecture_style and k == 0:
            color = QColor(th.LECTURE_BACKGROUND)
        else:
            color = th.bin_color(k, t, view.lecture_style)
        painter.setBrush(color)
        painter.drawRect(QRectF(x0 + 8 + i * bw, bar_y, bw + 0.5, lh * 0.6))
    painter.setPen(text)
    ty = bar_y + lh * 0.6 + m.ascent() + 1
    lo, hi = range_text(scale if weights else 1.0)
    painter.drawText(QPointF(x0 + 8, ty), lo)
    painter.drawText(QPointF(x0 + w / 2 - m.horizontalAdvance("0") / 2, ty), "0")
    painter.drawText(QPointF(x0 + w - 8 - m.horizontalAdvance(hi), ty), hi)
    yy = ty + 2
    for s, role in lines(view):
        painter.setPen(QColor(getattr(t, role)))
        yy += lh
        painter.drawText(QPointF(x0 + 8, yy), s)
    painter.restore()
