"""The graph's node items and the order items are stacked in (``GraphView`` draws them).

``NodeItem``: one per graph node (a merged neuron is two halves, ``net_`` and
``out_``), shape by kind; its name, value and gradient are kept as strings and
placed by the view's ``LabelPlacer``.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem

from ..engine.labels import Line
from ..engine.ops import ACTIVATIONS
from ..engine.plotting_data import activation_curve
from . import theme as th
from .graph_labels import PlacedText
from .layout import Box
from .text import tooltip

Z_EDGE, Z_OVERLAY, Z_NODE, Z_LABEL = 0, 1, 2, 3
GLYPH_SPAN = 3.0         # an activation's picture shows f(x) for x in [-GLYPH_SPAN, GLYPH_SPAN]


def activation_glyph(op: str) -> QPainterPath:
    """The curve of activation ``op`` (the engine's own f(x)) as a small picture in the unit
    square centred on 0, y up: what the σ half shows when the activation's name does not
    fit at a readable size (ReLU, GELU, softplus ...)."""
    x = np.linspace(-GLYPH_SPAN, GLYPH_SPAN, 41)
    f, _ = activation_curve(op, x)
    lo, hi = float(np.min(f)), float(np.max(f))
    y = (f - lo) / (hi - lo) if hi > lo else np.full_like(f, 0.5)
    p = QPainterPath(QPointF(-0.5, 0.5 - y[0]))
    for xi, yi in zip(x[1:] / (2 * GLYPH_SPAN), y[1:]):
        p.lineTo(QPointF(float(xi), 0.5 - float(yi)))
    return p


def glyph_zero_line(op: str) -> QPainterPath:
    """The line f = 0 in ``activation_glyph(op)``'s square (empty when 0 is not in its range):
    it tells ReLU (on the line) from ELU and GELU (dipping below it)."""
    f, _ = activation_curve(op, np.linspace(-GLYPH_SPAN, GLYPH_SPAN, 41))
    lo, hi = float(np.min(f)), float(np.max(f))
    p = QPainterPath()
    if hi > lo and lo <= 0 <= hi:
        y = 0.5 - (0 - lo) / (hi - lo)
        p.moveTo(-0.5, y)
        p.lineTo(0.5, y)
    return p


def _shape_path(box: Box) -> QPainterPath:
    w, h = box.w, box.h
    p = QPainterPath()
    if box.half is not None:
        return _half_pill(w, h, left=box.half == "left")
    if box.shape in ("input", "target", "const"):
        p.addRoundedRect(QRectF(-w / 2, -h / 2, w, h), h * 0.22, h * 0.22)
    elif box.shape == "param":
        p.addPolygon(QPolygonF([QPointF(0, -h / 2), QPointF(w / 2, 0), QPointF(0, h / 2), QPointF(-w / 2, 0),
                                QPointF(0, -h / 2)]))
    elif box.shape == "loss":
        k = w * 0.22
        p.addPolygon(QPolygonF([QPointF(-w / 2 + k, -h / 2), QPointF(w / 2 - k, -h / 2), QPointF(w / 2, 0),
                                QPointF(w / 2 - k, h / 2), QPointF(-w / 2 + k, h / 2), QPointF(-w / 2, 0),
                                QPointF(-w / 2 + k, -h / 2)]))
    else:
        p.addEllipse(QRectF(-w / 2, -h / 2, w, h))
    return p


def _half_pill(w: float, h: float, left: bool) -> QPainterPath:
    """Half of a rounded neuron body, cut down the middle."""
    r = min(h / 2, w)
    p = QPainterPath()
    if left:
        p.moveTo(w / 2, -h / 2)
        p.lineTo(-w / 2 + r, -h / 2)
        p.arcTo(QRectF(-w / 2, -h / 2, 2 * r, h), 90, 180)
        p.lineTo(w / 2, h / 2)
    else:
        p.moveTo(-w / 2, -h / 2)
        p.lineTo(w / 2 - r, -h / 2)
        p.arcTo(QRectF(w / 2 - 2 * r, -h / 2, 2 * r, h), 90, -180)
        p.lineTo(-w / 2, h / 2)
    p.closeSubpath()
    return p


class NodeItem(QGraphicsPathItem):
    """One graph node: its shape and symbol.  Its name, value and gradient are
    kept here as strings; the view places and draws them (``PlacedText``)."""

    def __init__(self, box: Box, theme: th.Theme, compact: bool):
        super().__init__()
        self.name, self.box = box.name, box
        self.setPath(_shape_path(box))
        self.setPos(box.x, box.y)
        self.setZValue(Z_NODE)
        self.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        self._theme = theme
        self._current: str | None = None
        self._selected = False
        self._kind_color = QColor(theme.kind_colors.get(box.shape, theme.node_border))
        self._compact = compact
        self._strings = {"label": box.label, "symbol": box.symbol, "value": "", "grad": ""}
        self.lines: dict[str, Line | None] = {"value": None, "grad": None}
        self._tip = box.name if box.name == box.label or not box.label else f"{box.name} ({box.label})"
        self.setToolTip(tooltip(self._tip))
        self._fill = QColor(theme.node_fill)
        self.setBrush(QBrush(self._fill))
        self.symbol = PlacedText((box.name, "symbol"), theme, self, plate=False, centred=True)
        self.symbol.setVisible(False)
        self.glyph: QGraphicsPathItem | None = None
        if box.op in ACTIVATIONS:
            self.glyph = QGraphicsPathItem(activation_glyph(box.op), self)
            self.glyph.setVisible(False)
            self.glyph_axis = QGraphicsPathItem(glyph_zero_line(box.op), self.glyph)
            self.glyph_axis.setFlag(QGraphicsItem.ItemStacksBehindParent)
            self._tip = f"{self._tip} · {box.op}"
            self.setToolTip(tooltip(self._tip))
        self._restyle()

    @property
    def has_glyph(self) -> bool:
        """True for an activation: it can show its curve where its name has no room."""
        return self.glyph is not None

    def set_symbol_px(self, px: float, glyph: bool = False):
        """The symbol at ``px`` pixels (0: no room for it); ``glyph``: the activation's
        curve, ``px`` tall, instead of its name."""
        text = self._strings["symbol"]
        if self.glyph is not None:
            self.glyph.setVisible(glyph and px > 0)
        if px <= 0 or (not text and not glyph):
            self.symbol.setVisible(False)
            return
        if glyph and self.glyph is not None:
            self.symbol.setVisible(False)
            self.glyph.setScale(px)
            self._colour_symbol()
            return
        self.symbol.set_content([(text, th.readable_on(self._fill).name())], px, True)
        self.symbol.setVisible(True)

    def glyph_px(self) -> float:
        """How tall the activation's curve is drawn (0: not drawn)."""
        return self.glyph.scale() if self.glyph is not None and self.glyph.isVisible() else 0.0

    def _colour_symbol(self):
        ink = th.readable_on(self._fill)
        if self.glyph is not None and self.glyph.isVisible():
            # the stroke stays about 1.6 px however large the curve (the item is scaled)
            unit = 1.0 / max(self.glyph.scale(), 1e-9)
            pen = QPen(ink, 1.6 * unit)
            pen.setCapStyle(Qt.RoundCap)
            pen.setJoinStyle(Qt.RoundJoin)
            self.glyph.setPen(pen)
            faint = QColor(ink)
            faint.setAlphaF(0.35)
            self.glyph_axis.setPen(QPen(faint, 1.0 * unit))
            return
        self.symbol.set_content([(self._strings["symbol"], ink.name())], self.symbol.px, True)

    # -- what tests and panels read --------------------------------------------------
    def value_text(self) -> str:
        return self._strings["value"]

    def gradient_text(self) -> str:
        return self._strings["grad"]

    def name_text(self) -> str:
        return self._strings["label"]

    def symbol_text(self) -> str:
        return self._strings["symbol"]

    @property
    def is_current(self) -> bool:
        return self._current is not None

    @property
    def is_selected(self) -> bool:
        return self._selected

    # -- what the view sets ------------------------------------------------------------
    def set_value(self, text: str, fill: QColor, line: Line | None = None):
        self._strings["value"] = text
        self.lines["value"] = line if line is not None or not text else Line(text, "value")
        if fill != self._fill:
            self._fill = fill
            self.setBrush(QBrush(fill))
            if self.symbol.isVisible() or self.glyph_px():
                self._colour_symbol()

    def set_gradient(self, text: str, line: Line | None = None):
        self._strings["grad"] = text
        self.lines["grad"] = line if line is not None or not text else Line(text, "gradient")
        self.setToolTip(tooltip("\n".join(t for t in (self._tip, self._strings["value"], text) if t)))

    def set_current(self, phase: str | None):
        if phase != self._current:
            self._current = phase
            self._restyle()

    def set_selected(self, on: bool):
        if on != self._selected:
            self._selected = on
            self._restyle()

    def _restyle(self):
        t = self._theme
        if self._current is not None:
            color = QColor(t.value if self._current in ("forward", "loss") else t.gradient)
            pen = QPen(color, 4.0 if not self.box.half else 3.5)
        elif self._selected:
            pen = QPen(QColor(t.selection), 2.5, Qt.DashLine)
        else:
            pen = QPen(self._kind_color, 1.6)
        if self._selected and self._current is not None:
            pen.setStyle(Qt.DashLine)
        pen.setJoinStyle(Qt.RoundJoin)
        self.setPen(pen)
