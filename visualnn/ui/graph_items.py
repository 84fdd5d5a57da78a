"""The graph's node items and the order items are stacked in (``GraphView`` draws them).

``NodeItem``: one per graph node (a merged neuron is two halves, ``net_`` and
``out_``), shape by kind; its name, value and gradient are kept as strings and
placed by the view's ``LabelPlacer``.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem

from ..engine.labels import Line
from . import theme as th
from .graph_labels import PlacedText
from .layout import Box
from .text import tooltip

Z_EDGE, Z_OVERLAY, Z_NODE, Z_LABEL = 0, 1, 2, 3


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
        self._restyle()

    def set_symbol_px(self, px: float):
        """The symbol at ``px`` pixels (0: no room for it)."""
        text = self._strings["symbol"]
        if px <= 0 or not text:
            self.symbol.setVisible(False)
            return
        self.symbol.set_content([(text, th.readable_on(self._fill).name())], px, True)
        self.symbol.setVisible(True)

    def _colour_symbol(self):
        self.symbol.set_content([(self._strings["symbol"], th.readable_on(self._fill).name())], self.symbol.px, True)

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
            if self.symbol.isVisible():
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
