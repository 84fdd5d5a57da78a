"""The graph: nodes and edges of the network, with the current step's numbers on them.

``GraphView`` (a QGraphicsView) draws ``session.graph`` and follows the
session: a step updates only what that step changed (``apply_step`` style),
a seek or an edit redraws every label.

- ``NodeItem``: one per graph node (a merged neuron is two halves, ``net_``
  and ``out_``), shape by kind, name above, value and gradient below.
- Edge lines are batched: one path item per colour bin of the diverging
  weight scale (thousands of edges stay fast), plus overlay paths for the
  current step's edges and the selection.
- ``EdgeLabelItem``: created only for edges with something to say: above the
  edge the weight and the value flowing forward, below it
  ``local × upstream = gradient``, the running sum and the weight's gradient.

Tests and other panels query by node name: ``view.node_item("net_h1").value_text()``,
``view.edge_label("out_h1", "net_o1")``.
"""
from __future__ import annotations

import math
import operator
import time

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QPolygonF,
    QTransform,
)
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsScene, QGraphicsSimpleTextItem, QGraphicsView

from ..engine.explain import fmt
from ..engine.trace import State
from . import theme as th
from .layout import Box, Layout, layout
from .text import tooltip

LABEL_MIN_PIXELS = 6.0          # text smaller than this on screen is not drawn
WEIGHT_LABEL_LIMIT = 24         # more weighted edges than this: weights shown on the step and selection only
ANTIALIAS_EDGES = 3000          # more edges than this are drawn without smoothing
ANTIALIAS_OVERLAY = 64          # more highlighted edges than this in sight: drawn without smoothing
PROGRESSIVE_EDGES = 20000       # more edges than this are drawn on screen a slice at a time
RASTER_SLICE = 2500             # edges per slice (one path)
RASTER_BUDGET = 0.03            # seconds of edge drawing per turn of the event loop
LABEL_CULL_EDGES = 2000         # more edges than this: step labels only for edges in sight
STEP_LABELS_IN_SIGHT = 60       # at most this many step labels at once on a big graph
Z_EDGE, Z_OVERLAY, Z_NODE, Z_LABEL = 0, 1, 2, 3


def _font(size: float, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSizeF(size)
    f.setBold(bold)
    return f


class TextItem(QGraphicsSimpleTextItem):
    """A text that centres itself on an anchor point."""

    def __init__(self, parent, font: QFont, color: QColor, align: str = "center"):
        super().__init__(parent)
        self.setFont(font)
        self.setBrush(QBrush(color))
        self.align = align
        self.anchor = QPointF(0, 0)
        self.setCacheMode(QGraphicsItem.DeviceCoordinateCache)

    def set_text(self, text: str):
        if text != self.text():
            self.setText(text)
            self._place()

    def set_anchor(self, x: float, y: float):
        self.anchor = QPointF(x, y)
        self._place()

    def _place(self):
        r = self.boundingRect()
        if self.align == "center":
            self.setPos(self.anchor.x() - r.width() / 2, self.anchor.y())
        elif self.align == "bottom":
            self.setPos(self.anchor.x() - r.width() / 2, self.anchor.y() - r.height())
        else:
            self.setPos(self.anchor)


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
    """One graph node: its shape, symbol, name, value and gradient."""

    def __init__(self, box: Box, theme: th.Theme, compact: bool, text_scale: float = 1.0):
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
        self._size = (7.0 if compact else 9.0) * text_scale
        self._line = QFontMetricsF(_font(self._size)).height()
        self.text_bottom = box.h / 2 + 2 + 2 * self._line
        # the texts as strings; the text items exist once they can be seen (large
        # networks start zoomed out, and thousands of hidden items slow every repaint)
        self._strings = {"label": box.label, "symbol": box.symbol, "value": "", "grad": ""}
        self._texts: dict[str, TextItem] = {}
        tip = box.name if box.name == box.label or not box.label else f"{box.name} ({box.label})"
        self.setToolTip(tooltip(tip))
        self._fill = QColor(theme.node_fill)
        self.setBrush(QBrush(self._fill))
        self._restyle()
        if not compact:
            self._make_texts()

    def _make_texts(self):
        box, small, line, theme = self.box, self._size, self._line, self._theme
        sym = TextItem(self, _font(small * (1.0 if self._compact else 1.35), True), th.readable_on(self._fill))
        sym.set_text(self._strings["symbol"])
        sym.set_anchor(0, -sym.boundingRect().height() / 2)
        label = TextItem(self, _font(small, True), QColor(theme.text), "bottom")
        label.set_text(self._strings["label"])
        label.set_anchor(box.w / 2 if box.half == "left" else 0.0, -box.h / 2 - 2)
        # a merged neuron's two values sit side by side under it (a packed one shows its output only)
        if self._compact and box.half == "right":
            vx = -box.w / 2
        else:
            vx = {"left": -box.w * 0.55, "right": box.w * 0.55}.get(box.half, 0.0)
        value = TextItem(self, _font(small), QColor(theme.value))
        value.set_anchor(vx, box.h / 2 + 2)
        value.set_text(self._strings["value"])
        grad = TextItem(self, _font(small), QColor(theme.gradient))
        grad.set_anchor(vx, box.h / 2 + 2 + line)
        grad.set_text(self._strings["grad"])
        self._texts = {"symbol": sym, "label": label, "value": value, "grad": grad}
        if box.quiet:
            value.hide()
            grad.hide()

    def _set_string(self, key: str, text: str):
        self._strings[key] = text
        item = self._texts.get(key)
        if item is not None:
            item.set_text(text)

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
    def set_value(self, text: str, fill: QColor):
        self._set_string("value", text)
        if fill != self._fill:
            self._fill = fill
            self.setBrush(QBrush(fill))
            sym = self._texts.get("symbol")
            if sym is not None:
                sym.setBrush(QBrush(th.readable_on(fill)))

    def set_gradient(self, text: str):
        self._set_string("grad", text)

    def set_current(self, phase: str | None):
        if phase != self._current:
            self._current = phase
            self._restyle()

    def set_selected(self, on: bool):
        if on != self._selected:
            self._selected = on
            self._restyle()

    def set_texts_visible(self, on: bool):
        if on and not self._texts:
            self._make_texts()
        for key, t in self._texts.items():
            if key in ("value", "grad") and self.box.quiet:
                continue
            if key != "symbol" or self._compact:
                t.setVisible(on)

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


class EdgeLabelItem(QGraphicsItem):
    """The numbers on one edge: lines above it and lines below it, on a plate."""

    def __init__(self, key: tuple[str, str], theme: th.Theme, compact: bool, text_scale: float = 1.0):
        super().__init__()
        self.key = key
        self.setZValue(Z_LABEL)
        self.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        self._theme = theme
        size = (7.0 if compact else 8.5) * text_scale
        self._font = _font(size)
        self._line_h = QFontMetricsF(self._font).height()
        self.above: list[tuple[str, str]] = []      # (text, colour role)
        self.below: list[tuple[str, str]] = []
        self._texts: list[TextItem] = []
        self._rect = QRectF()
        self._plates: list[QRectF] = []
        self.setAcceptedMouseButtons(Qt.NoButton)

    def text(self) -> str:
        return "\n".join(t for t, _ in self.above + self.below)

    def is_empty(self) -> bool:
        return not self.above and not self.below

    def set_lines(self, above: list[tuple[str, str]], below: list[tuple[str, str]]):
        if above == self.above and below == self.below:
            return
        self.prepareGeometryChange()
        self.above, self.below = list(above), list(below)
        lines = self.above + self.below
        while len(self._texts) < len(lines):
            self._texts.append(TextItem(self, self._font, QColor(self._theme.text)))
        for t in self._texts[len(lines):]:
            t.setVisible(False)
        na = len(self.above)
        widths = []
        for i, (t, (text, role)) in enumerate(zip(self._texts, lines)):
            t.setVisible(True)
            t.setBrush(QBrush(QColor(getattr(self._theme, role))))
            t.set_text(text)
            y = (i - na) * self._line_h - 2 if i < na else 2 + (i - na) * self._line_h
            t.set_anchor(0, y)
            widths.append(t.boundingRect().width())
        pad = 2.0
        self._plates = []
        if self.above:
            w = max(widths[:len(self.above)])
            self._plates.append(QRectF(-w / 2 - pad, -len(self.above) * self._line_h - 2 - pad / 2,
                                       w + 2 * pad, len(self.above) * self._line_h + pad))
        if self.below:
            w = max(widths[len(self.above):])
            self._plates.append(QRectF(-w / 2 - pad, 2 - pad / 2, w + 2 * pad, len(self.below) * self._line_h + pad))
        r = QRectF()
        for p in self._plates:
            r = r.united(p)
        self._rect = r
        self.update()

    def local_rect(self) -> QRectF:
        return self._rect

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option, widget=None):
        painter.setPen(Qt.NoPen)
        plate = QColor(self._theme.plate)
        plate.setAlphaF(0.86)
        painter.setBrush(plate)
        for p in self._plates:
            painter.drawRoundedRect(p, 3, 3)


class EdgeBinsItem(QGraphicsItem):
    """Every edge line, batched: a few paths per colour bin.

    Small graphs are drawn from Qt's cached pixmap (redrawn only when weights,
    style or zoom change).  A graph with more than ``PROGRESSIVE_EDGES`` edges
    takes long to rasterise (50,000 lines cover tens of millions of pixels):
    on screen it is drawn into an image of the viewport a slice at a time,
    between events, while the previous image (moved to the new zoom) stays
    up, so stepping, zooming and clicking never wait for it.  Pictures made
    for export (``scene().render``, ``QWidget.render``, SVG) are drawn whole
    at once."""

    antialias = True

    def __init__(self, progressive: bool = False, request=None):
        super().__init__()
        self.setZValue(Z_EDGE)
        self.setAcceptedMouseButtons(Qt.NoButton)
        self.progressive = progressive
        self.setCacheMode(QGraphicsItem.NoCache if progressive else QGraphicsItem.DeviceCoordinateCache)
        self.bins: dict = {}            # key -> ([QPainterPath, ...], QPen)
        self._rect = QRectF()
        self._request = request         # called when the on-screen image must be redrawn
        self._version = 0
        self._front: QImage | None = None       # the last complete on-screen image
        self._front_key = None
        self._front_transform = QTransform()
        self.job = None                 # the image being drawn: _RasterJob

    def set_bins(self, bins: dict):
        self.prepareGeometryChange()
        self.bins = {k: (list(paths), pen) for k, (paths, pen) in bins.items()}
        r = QRectF()
        for paths, pen in self.bins.values():
            w = pen.widthF()
            for path in paths:
                if not path.isEmpty():
                    r = r.united(path.boundingRect().adjusted(-w, -w, w, w))
        self._rect = r
        self._version += 1
        self.job = None
        self.update()

    def pen_of(self, key) -> QPen | None:
        entry = self.bins.get(key)
        return None if entry is None else entry[1]

    def boundingRect(self) -> QRectF:
        return self._rect

    def _ordered(self):
        """(path, pen) in drawing order: weak edges first, strong ones on top."""
        for key in sorted(self.bins, key=lambda k: -1 if k == "neutral" else abs(k)):
            paths, pen = self.bins[key]
            for path in paths:
                yield path, pen

    def draw_all(self, painter: QPainter):
        """Draw every edge, at once, with ``painter`` (in scene coordinates)."""
        painter.setBrush(Qt.NoBrush)
        painter.setRenderHint(QPainter.Antialiasing, self.antialias)
        for path, pen in self._ordered():
            painter.setPen(pen)
            painter.drawPath(path)

    def paint(self, painter: QPainter, option, widget=None):
        if not self.progressive or widget is None or painter.device() != widget:
            self.draw_all(painter)         # export, grab, or a small graph
            return
        t = painter.worldTransform()
        dpr = widget.devicePixelRatioF()
        key = (self._version, _transform_key(t), widget.width(), widget.height(), dpr)
        painter.save()
        if self._front is not None:
            if self._front_key == key:
                painter.setWorldTransform(QTransform())
            else:
                # the last image, moved and scaled to where its edges are now
                inv, ok = self._front_transform.inverted()
                painter.setWorldTransform(inv * t if ok else QTransform())
                painter.setRenderHint(QPainter.SmoothPixmapTransform, False)
            painter.drawImage(QPointF(0, 0), self._front)
        painter.restore()
        if self._front_key != key and (self.job is None or self.job.key != key):
            self.job = _RasterJob(key, QTransform(t), widget.width(), widget.height(), dpr, list(self._ordered()))
            if self._request is not None:
                self._request()

    def raster_step(self, budget: float) -> bool:
        """Draw slices of the pending image for about ``budget`` seconds; True when more remain."""
        job = self.job
        if job is None:
            return False
        if job.run(budget, self.antialias):
            return True
        self._front, self._front_key, self._front_transform = job.image, job.key, job.transform
        self.job = None
        self.update()
        return False

    @property
    def pending(self) -> bool:
        """Whether the on-screen image is being redrawn."""
        return self.job is not None

    def screen_image(self) -> tuple[QImage | None, QTransform]:
        """The last complete on-screen image and the scene-to-viewport transform it was drawn at."""
        return self._front, QTransform(self._front_transform)


class SegmentsItem(QGraphicsItem):
    """Straight lines in one pen (the current step's edges, the selection),
    cut to the part being painted before they are stroked: a wide smooth pen
    on 785 lines tens of thousands of pixels long would otherwise be stroked
    whole on every repaint when zoomed in."""

    def __init__(self):
        super().__init__()
        self.setZValue(Z_OVERLAY)
        self.setAcceptedMouseButtons(Qt.NoButton)
        self.setFlag(QGraphicsItem.ItemUsesExtendedStyleOption, True)
        self._pen = QPen(Qt.NoPen)
        self._seg = np.zeros((0, 4))
        self._rect = QRectF()

    def setPen(self, pen: QPen):
        self._pen = QPen(pen)
        self._update_rect()

    def pen(self) -> QPen:
        return QPen(self._pen)

    def set_segments(self, seg: np.ndarray):
        """Lines as rows (x1, y1, x2, y2) in scene coordinates."""
        self._seg = np.asarray(seg, dtype=float).reshape(-1, 4)
        self._update_rect()

    def segments(self) -> np.ndarray:
        return self._seg.copy()

    def _update_rect(self):
        self.prepareGeometryChange()
        if not len(self._seg):
            self._rect = QRectF()
        else:
            w = self._pen.widthF()
            s = self._seg
            self._rect = QRectF(QPointF(min(s[:, 0].min(), s[:, 2].min()) - w, min(s[:, 1].min(), s[:, 3].min()) - w),
                                QPointF(max(s[:, 0].max(), s[:, 2].max()) + w, max(s[:, 1].max(), s[:, 3].max()) + w))
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option, widget=None):
        if not len(self._seg) or self._pen.style() == Qt.NoPen:
            return
        m = 2 * self._pen.widthF() + 2.0
        r = option.exposedRect.adjusted(-m, -m, m, m)
        seg = _clip_segments(self._seg, r.left(), r.top(), r.right(), r.bottom())
        if not len(seg):
            return
        import pyqtgraph as pg
        painter.save()
        painter.setPen(self._pen)
        painter.setBrush(Qt.NoBrush)
        if len(seg) > ANTIALIAS_OVERLAY:
            # hundreds of wide smooth lines fanning into one node take a tenth of a second to stroke
            painter.setRenderHint(QPainter.Antialiasing, False)
        painter.drawPath(pg.arrayToQPath(seg[:, [0, 2]].ravel(), seg[:, [1, 3]].ravel(), connect="pairs",
                                         finiteCheck=False))
        painter.restore()


def _clip_segments(seg: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    """The parts of the segments (rows x1, y1, x2, y2) inside the rectangle (Liang-Barsky)."""
    px, py = seg[:, 0], seg[:, 1]
    dx, dy = seg[:, 2] - px, seg[:, 3] - py
    lo, hi = np.zeros(len(seg)), np.ones(len(seg))
    keep = np.ones(len(seg), dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for p, q in ((-dx, px - x0), (dx, x1 - px), (-dy, py - y0), (dy, y1 - py)):
            par = p == 0
            keep &= ~(par & (q < 0))
            t = np.where(par, 0.0, q / np.where(par, 1.0, p))
            lo = np.where(~par & (p < 0), np.maximum(lo, t), lo)
            hi = np.where(~par & (p > 0), np.minimum(hi, t), hi)
    keep &= lo <= hi
    lo, hi = lo[keep], hi[keep]
    px, py, dx, dy = px[keep], py[keep], dx[keep], dy[keep]
    return np.column_stack([px + lo * dx, py + lo * dy, px + hi * dx, py + hi * dy])


class _RasterJob:
    """An image of the viewport being drawn a slice at a time."""

    def __init__(self, key, transform: QTransform, w: int, h: int, dpr: float, slices: list):
        self.key, self.transform = key, transform
        self.image = QImage(max(1, math.ceil(w * dpr)), max(1, math.ceil(h * dpr)), QImage.Format_ARGB32_Premultiplied)
        self.image.setDevicePixelRatio(dpr)
        self.image.fill(Qt.transparent)
        self.slices = slices
        self.done = 0

    def run(self, budget: float, antialias: bool) -> bool:
        start = time.perf_counter()
        p = QPainter(self.image)
        p.setTransform(self.transform)
        p.setBrush(Qt.NoBrush)
        p.setRenderHint(QPainter.Antialiasing, antialias)
        try:
            while self.done < len(self.slices):
                path, pen = self.slices[self.done]
                p.setPen(pen)
                p.drawPath(path)
                self.done += 1
                if time.perf_counter() - start >= budget:
                    break
        finally:
            p.end()
        return self.done < len(self.slices)


def _transform_key(t: QTransform) -> tuple:
    return tuple(round(v, 9) for v in (t.m11(), t.m12(), t.m21(), t.m22(), t.dx(), t.dy()))


class GraphView(QGraphicsView):
    """Draws the session's graph and the current step on it."""
    sigNodeClicked = Signal(str)
    sigEdgeClicked = Signal(str, str)
    sigNodeDoubleClicked = Signal(str)
    sigEdgeDoubleClicked = Signal(str, str)

    def __init__(self, session, parent=None, text_scale: float = 1.0):
        super().__init__(parent)
        self.session = session
        self._text_scale = float(text_scale)
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing)
        self.setDragMode(QGraphicsView.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.MinimalViewportUpdate)
        self.setOptimizationFlags(QGraphicsView.DontSavePainterState | QGraphicsView.DontAdjustForAntialiasing)
        self.setFocusPolicy(Qt.StrongFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.theme: th.Theme = th.LIGHT
        self.lecture_style = session.lecture_style
        self.show_legend = True
        self._auto_fit = True
        self._texts_visible = True
        self._press = None
        # big graphs: the on-screen edge image is drawn a slice per turn of the event loop
        self._raster_timer = QTimer(self)
        self._raster_timer.setSingleShot(True)
        self._raster_timer.setInterval(0)
        self._raster_timer.timeout.connect(self._raster_tick)
        self._sight_timer = QTimer(self)
        self._sight_timer.setSingleShot(True)
        self._sight_timer.setInterval(40)
        self._sight_timer.timeout.connect(self._relabel_in_sight)
        self._reset_items()
        session.sigDocumentChanged.connect(self.rebuild)
        session.sigStateChanged.connect(self.show_state)
        session.sigParamsChanged.connect(self._on_params_changed)
        session.sigSelectionChanged.connect(self._on_selection_changed)
        session.sigFormatChanged.connect(self._on_format_changed)
        session.sigLectureStyleChanged.connect(self.set_lecture_style)
        if session.model is not None:
            self.rebuild()
            self.show_state(session.state)

    # -- public API --------------------------------------------------------------------------
    def node_item(self, name: str) -> NodeItem:
        return self._nodes[name]

    def node_names(self) -> list[str]:
        return list(self._nodes)

    def edge_label(self, src: str, dst: str) -> str:
        """Every line shown on the edge src -> dst, top to bottom ("" if none)."""
        item = self._labels.get((src, dst))
        return "" if item is None or not item.isVisible() else item.text()

    def edge_label_item(self, src: str, dst: str) -> EdgeLabelItem | None:
        return self._labels.get((src, dst))

    def edge_keys(self) -> list[tuple[str, str]]:
        return [(a, b) for a, b, _ in self._edges]

    def edge_style(self, src: str, dst: str):
        """(colour, width) the edge is drawn with, or None when it is not drawn."""
        k = self._edge_index[(src, dst)]
        if self._internal[k]:
            return None
        key = "neutral" if self._neutral[k] else int(self._edge_bins[k])
        if key == 0 and self.lecture_style:
            return None
        pen = self._edge_lines.pen_of(key)
        return QColor(pen.color()), pen.widthF()

    def current_edges(self) -> list[tuple[str, str]]:
        return list(self._step_edges)

    @property
    def texts_visible(self) -> bool:
        """Whether names, values and labels are drawn (they are not when too small to read)."""
        return self._texts_visible

    @property
    def layout_info(self) -> Layout | None:
        return self._layout

    def set_theme(self, name: str):
        self.theme = th.THEMES[name]
        self._apply_background()
        self.rebuild()
        self.show_state(self.session.state)

    @property
    def style_theme(self) -> th.Theme:
        """The colours items are drawn in: the theme, or the lecture's on grey."""
        return th.LECTURE if self.lecture_style else self.theme

    def set_lecture_style(self, on: bool):
        """Weights as the lecture draws them: +1 white, -1 black, 0 left out."""
        if on != self.lecture_style:
            self.lecture_style = on
            self.rebuild()
            self.show_state(self.session.state)

    @property
    def text_scale(self) -> float:
        """The graph's type relative to its normal size (a projector: 1.5)."""
        return self._text_scale

    @text_scale.setter
    def text_scale(self, scale: float):
        scale = float(scale)
        if not scale > 0:
            raise ValueError(f"text_scale must be positive, not {scale}")
        if scale != self._text_scale:
            self._text_scale = scale
            self.rebuild()
            self.show_state(self.session.state)

    def set_show_legend(self, on: bool):
        self.show_legend = on
        self.viewport().update()

    def fit(self):
        """Zoom so the whole graph fits the window."""
        self._auto_fit = True
        if self._layout is None or not self._nodes:
            return
        self.fitInView(self._graph_rect(), Qt.KeepAspectRatio)
        self._update_lod()
        self._view_moved()

    def _graph_rect(self) -> QRectF:
        """The nodes with room for their names and values (not the labels of the moment)."""
        x1, y1, x2, y2 = self._layout.bounds
        big = not self._layout.compact
        return QRectF(QPointF(x1 - (50 if big else 12), y1 - (30 if big else 12)),
                      QPointF(x2 + (50 if big else 12), y2 + (46 if big else 12)))

    def render_scene(self, scale: float = 1.0, background: bool = True) -> QImage:
        """The whole graph (not just what the window shows) as an image, for export."""
        r = self.scene().itemsBoundingRect().adjusted(-20, -20, 20, 20)
        img = QImage(max(1, int(r.width() * scale)), max(1, int(r.height() * scale)), QImage.Format_ARGB32)
        img.fill(QColor(th.LECTURE_BACKGROUND if self.lecture_style else self.theme.background) if background
                 else QColor(0, 0, 0, 0))
        p = QPainter(img)
        p.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing)
        self.scene().render(p, QRectF(0, 0, img.width(), img.height()), r)
        p.end()
        return img

    def zoom(self, factor: float):
        cur = self.transform().m11()
        factor = max(0.02 / cur, min(8.0 / cur, factor))
        self.scale(factor, factor)
        self._auto_fit = False
        self._update_lod()
        self._view_moved()

    # -- building ----------------------------------------------------------------------------
    def _reset_items(self):
        self._nodes: dict[str, NodeItem] = {}
        self._labels: dict[tuple[str, str], EdgeLabelItem] = {}
        self._edges: list[tuple[str, str, str | None]] = []
        self._edge_index: dict[tuple[str, str], int] = {}
        self._seg = np.zeros((0, 4))
        self._edge_lines: EdgeBinsItem | None = None
        self._bins_params = None
        self._layout: Layout | None = None
        self._current_node: str | None = None
        self._step_edges: list[tuple[str, str]] = []
        self._step_label_keys: set[tuple[str, str]] = set()
        self._shown: tuple[int, int] | None = None
        self._stale = True
        self._touched: set = set()
        self._label_rects: dict = {}

    def _apply_background(self):
        bg = th.LECTURE_BACKGROUND if self.lecture_style else self.theme.background
        self.setBackgroundBrush(QColor(bg))

    def rebuild(self):
        """Build every item for ``session.graph`` (new document or view mode)."""
        self._raster_timer.stop()
        self.scene().clear()
        self._reset_items()
        self._apply_background()
        s = self.session
        if s.model is None:
            return
        g = s.graph
        self._graph = g
        lay = layout(g, s.view_mode)
        self._layout = lay
        for name, box in lay.boxes.items():
            item = NodeItem(box, self.style_theme, lay.compact, self._text_scale)
            self.scene().addItem(item)
            self._nodes[name] = item
        self._edges = list(g.edges())
        segs = []
        for k, (a, b, _w) in enumerate(self._edges):
            self._edge_index.setdefault((a, b), k)
            ba, bb = lay.boxes[a], lay.boxes[b]
            if (a, b) in lay.internal:
                segs.append((ba.x + ba.w / 2, ba.y, bb.x - bb.w / 2, bb.y))
            else:
                segs.append((ba.x + ba.w / 2, ba.y, bb.x - bb.w / 2, bb.y))
        self._seg = np.array(segs, dtype=float).reshape(-1, 4)
        self._internal = np.array([(a, b) in lay.internal for a, b, _ in self._edges], dtype=bool)
        self._weighted = [k for k, (_, _, w) in enumerate(self._edges) if w is not None]
        self._weight_names = [self._edges[k][2] for k in self._weighted]
        # every weight out of the parameter dict at C speed (a 1-tuple is not a tuple: wrap)
        getter = operator.itemgetter(*self._weight_names) if self._weight_names else (lambda d: ())
        self._weight_getter = getter if len(self._weight_names) != 1 else (lambda d: (getter(d),))
        self._param_nodes = [n for n in self._nodes if g.nodes[n].op == "param"]
        self._neutral = np.array([w is None for _, _, w in self._edges], dtype=bool)
        self._weight_labels = len(self._weighted) <= WEIGHT_LABEL_LIMIT
        self._edge_lines = EdgeBinsItem(progressive=len(self._edges) > PROGRESSIVE_EDGES,
                                        request=self._schedule_raster)
        # thousands of smoothed lines take tens of ms to draw, and blur into a haze anyway
        self._edge_lines.antialias = len(self._edges) <= ANTIALIAS_EDGES
        self.scene().addItem(self._edge_lines)
        self._overlay = SegmentsItem()
        self.scene().addItem(self._overlay)
        self._sel_overlay = SegmentsItem()
        self.scene().addItem(self._sel_overlay)
        # obstacles for label placement: nodes with their texts
        self._obstacles = np.array([[b.x - max(b.w / 2, 34 if not lay.compact else 10),
                                     b.y - b.h / 2 - (16 if not lay.compact else 10),
                                     b.x + max(b.w / 2, 34 if not lay.compact else 10),
                                     b.y + self._nodes[n].text_bottom] for n, b in lay.boxes.items()]).reshape(-1, 4)
        self.scene().setSceneRect(self._graph_rect().adjusted(-300, -300, 300, 300))
        self._stale = True
        self._on_selection_changed()
        if self._auto_fit:
            self.fit()
        self._update_lod(force=True)

    # -- the progressive edge image ---------------------------------------------------------
    def _schedule_raster(self):
        if not self._raster_timer.isActive():
            self._raster_timer.start()

    def _raster_tick(self):
        item = self._edge_lines
        if item is not None and item.scene() is self.scene() and item.raster_step(RASTER_BUDGET):
            self._raster_timer.start()

    @property
    def edge_item(self) -> EdgeBinsItem | None:
        """The item that draws every edge line."""
        return self._edge_lines

    @property
    def edges_pending(self) -> bool:
        """Whether the edges on screen are still being drawn (big graphs only)."""
        return self._edge_lines is not None and self._edge_lines.pending

    def finish_edges(self):
        """Draw the on-screen edge image to the end now (tests, screenshots)."""
        self.viewport().repaint()
        item = self._edge_lines
        while item is not None and item.raster_step(3600.0):
            pass
        self._raster_timer.stop()
        self.viewport().repaint()

    # -- edges -------------------------------------------------------------------------------
    def _rebuild_bins(self, params: dict):
        """Recolour every edge: one path per colour bin."""
        import pyqtgraph as pg
        n = len(self._edges)
        w = np.zeros(n)
        if self._weighted:
            try:
                w[self._weighted] = self._weight_getter(params)
            except KeyError:
                get = params.get
                w[self._weighted] = [get(p, 0.0) for p in self._weight_names]
        scale = float(np.abs(w).max()) if self._weighted else 0.0
        scale = scale or 1.0
        self._scale = scale
        bins = np.clip(np.rint(w / scale * th.WEIGHT_BINS), -th.WEIGHT_BINS, th.WEIGHT_BINS).astype(int)
        bins[(bins == 0) & (w != 0)] = np.sign(w[(bins == 0) & (w != 0)]).astype(int)   # only exact zeros are 0
        neutral = self._neutral
        visible = ~self._internal
        self._edge_bins = bins
        keys = set(np.unique(bins[visible & ~neutral]).tolist())
        if (visible & neutral).any():
            keys.add("neutral")
        base = 0.8 if self._layout.compact else 1.3
        out = {}
        for key in keys:
            if key == "neutral":
                mask = visible & neutral
                color = QColor(self.theme.muted if not self.lecture_style else "#5a5a5a")
                width = base
            else:
                if key == 0 and self.lecture_style:
                    continue                        # the lecture leaves missing weights out
                mask = visible & ~neutral & (bins == key)
                color = th.bin_color(key, self.theme, self.lecture_style)
                width = th.bin_width(key, base)
            seg = self._seg[mask]
            if not len(seg):
                continue
            pen = QPen(color, width)
            pen.setCapStyle(Qt.FlatCap)
            # slices of a few thousand edges: the progressive image draws one at a time
            paths = []
            for i in range(0, len(seg), RASTER_SLICE if self._edge_lines.progressive else len(seg)):
                part = seg[i:i + RASTER_SLICE] if self._edge_lines.progressive else seg
                paths.append(pg.arrayToQPath(part[:, [0, 2]].ravel(), part[:, [1, 3]].ravel(), connect="pairs",
                                             finiteCheck=False))
            out[key] = (paths, pen)
        self._edge_lines.set_bins(out)
        self._bins_params = dict(params)

    def _edge_segments(self, keys) -> np.ndarray:
        """The drawn lines of these edges (not the inner edges of merged neurons)."""
        idx = [k for k in (self._edge_index.get(key) for key in keys) if k is not None and not self._internal[k]]
        return self._seg[idx]

    def _edges_path(self, keys) -> QPainterPath:
        p = QPainterPath()
        for key in keys:
            k = self._edge_index.get(key)
            if k is None:
                continue
            x1, y1, x2, y2 = self._seg[k]
            if self._internal[k]:
                continue
            p.moveTo(x1, y1)
            p.lineTo(x2, y2)
        return p

    # -- showing a state -----------------------------------------------------------------------
    def show_state(self, state: State | None, full: bool = False):
        if state is None or not self._nodes:
            return
        nxt = (self._shown is not None and not self._stale and not full and state.step is not None
               and state.position == self._shown[0] + 1 and state.cycle == self._shown[1])
        if nxt:
            self._incremental(state)
        else:
            self._full(state)
        self._shown = (state.position, state.cycle)
        self._stale = False

    def _fmt(self, x) -> str:
        return fmt(x, self.session.digits)

    def _node_fill(self, v):
        return th.value_fill(v, self.theme, self.lecture_style)

    def _set_node(self, name: str, state: State):
        item = self._nodes.get(name)
        if item is None:
            return
        v = state.values.get(name)
        item.set_value("" if v is None else self._fmt(v), self._node_fill(v))
        g = state.gradients.get(name)
        if item.box.shape in ("target", "const"):
            g = None        # correct, but not what anyone asks
        item.set_gradient("" if g is None else f"∂ {self._fmt(g)}")

    def _full(self, state: State):
        for name in self._nodes:
            self._set_node(name, state)
        if self._bins_params != state.params:
            self._rebuild_bins(state.params)
        self._clear_step()
        for key in list(self._labels):
            self._refresh_label(key, state)
        if self._weight_labels:
            for k in self._weighted:
                a, b, _ = self._edges[k]
                self._refresh_label((a, b), state)
        self._mark_step(state)
        self._place_labels()

    def _incremental(self, state: State):
        s = state.step
        self._clear_step()
        if s.phase in ("forward", "loss"):
            self._set_node(s.node, state)
        elif s.phase == "backward":
            self._set_node(s.node, state)
            for e in s.edges:
                self._set_node(e.src, state)
                if e.param is not None and self._weight_labels and e.param != e.src:
                    self._refresh_label((e.src, e.dst), state)
        elif s.phase == "update":
            for p in self._param_nodes:
                self._set_node(p, state)
            self._rebuild_bins(state.params)
            if self._weight_labels:
                for k in self._weighted:
                    a, b, _ = self._edges[k]
                    self._refresh_label((a, b), state)
        self._mark_step(state)
        self._place_labels(only=self._touched)

    def _clear_step(self):
        if self._current_node and self._current_node in self._nodes:
            self._nodes[self._current_node].set_current(None)
        self._current_node = None
        keys = self._step_label_keys
        self._step_label_keys = set()
        self._step_edges = []
        st = self.session.state
        for key in keys:
            self._refresh_label(key, st, step=False)
        self._overlay.set_segments(np.zeros((0, 4)))

    def _mark_step(self, state: State):
        s = state.step
        if s is None:
            return
        t = self.style_theme
        if s.node is not None and s.node in self._nodes:
            self._nodes[s.node].set_current(s.phase)
            self._current_node = s.node
        if s.phase in ("forward", "loss"):
            self._step_edges = [(i, s.node) for i in s.inputs]
            color = QColor(t.value)
        elif s.phase == "backward":
            self._step_edges = [(e.src, e.dst) for e in s.edges
                                if self._graph.nodes[e.src].op not in ("target", "const")]
            color = QColor(t.gradient)
        else:
            self._step_edges = []
            color = QColor(t.current)
        if self._step_edges:
            color.setAlphaF(0.35)
            pen = QPen(color, 9.0 if not self._layout.compact else 4.0)
            pen.setCapStyle(Qt.FlatCap)
            self._overlay.setPen(pen)
            self._overlay.set_segments(self._edge_segments(self._step_edges))
        if self._texts_visible:
            self._step_label_keys = self._in_sight(self._step_edges)
            if s.phase == "update" and self._weight_labels:
                self._step_label_keys = {(self._edges[k][0], self._edges[k][1]) for k in self._weighted}
            for key in self._step_label_keys:
                self._refresh_label(key, state, step=True)

    # -- labels in sight (big graphs) -------------------------------------------------------------
    @property
    def _culling(self) -> bool:
        return len(self._edges) > LABEL_CULL_EDGES

    def _in_sight(self, keys) -> set:
        """The step edges that get labels: all of them on a small graph; on a big
        one only those with a label spot in the window, at most
        ``STEP_LABELS_IN_SIGHT``, nearest the middle first (a node with 784
        inputs would otherwise make 784 labels, nearly all out of sight)."""
        if not self._culling or not keys:
            return set(keys)
        idx = [self._edge_index[k] for k in keys if k in self._edge_index]
        if not idx:
            return set()
        rect = self.mapToScene(self.viewport().rect()).boundingRect()
        seg = self._seg[idx]
        t = self._t_step[None, :]
        x = seg[:, [0]] + t * (seg[:, [2]] - seg[:, [0]])
        y = seg[:, [1]] + t * (seg[:, [3]] - seg[:, [1]])
        inside = (x >= rect.left()) & (x <= rect.right()) & (y >= rect.top()) & (y <= rect.bottom())
        cx, cy = rect.center().x(), rect.center().y()
        dist = np.where(inside, np.hypot(x - cx, y - cy), np.inf).min(axis=1)
        order = np.argsort(dist, kind="stable")[:STEP_LABELS_IN_SIGHT]
        return {(self._edges[idx[i]][0], self._edges[idx[i]][1]) for i in order if np.isfinite(dist[i])}

    def _view_moved(self):
        """After a scroll or zoom of a big graph: label the step's edges now in sight."""
        if self._culling and self._step_edges:
            self._sight_timer.start()

    def _relabel_in_sight(self):
        state = self.session.state
        if not self._texts_visible or state is None or not self._step_edges or self._stale:
            return
        keys = self._in_sight(self._step_edges)
        if keys == self._step_label_keys:
            return
        gone = self._step_label_keys - keys
        self._step_label_keys = keys
        for key in gone:
            self._refresh_label(key, state, step=False)
        for key in keys:
            self._refresh_label(key, state, step=True)
        self._place_labels(only=self._touched)

    def _refresh_label(self, key: tuple[str, str], state: State, step: bool | None = None):
        """Set the lines of the label on edge ``key`` from ``state``."""
        if step is None:
            step = key in self._step_label_keys
        k = self._edge_index.get(key)
        if k is None or (self._internal[k] and self._layout.compact):
            return          # a packed neuron has no room under it for its inner edge
        a, b, w = self._edges[k]
        s = state.step if state is not None else None
        above: list[tuple[str, str]] = []
        below: list[tuple[str, str]] = []
        sel = self._is_selected_edge(key)
        if w is not None and (self._weight_labels or step or sel):
            if step and s is not None and s.phase == "update":
                old = next((o for p, o, _, _ in s.updates if p == w), None)
                above.append((f"{w}: {self._fmt(old)} → {self._fmt(state.params.get(w))}", "text"))
            else:
                above.append((f"{w} = {self._fmt(state.params.get(w))}", "muted"))
        if step and s is not None:
            if s.phase in ("forward", "loss") and key in state.edge_values:
                above.append((self._fmt(state.edge_values[key]), "value"))
            elif s.phase == "backward":
                e = state.edge_gradients.get(key)
                if e is not None:
                    below.append((f"{self._fmt(e.local)} × {self._fmt(e.upstream)} = {self._fmt(e.gradient)}",
                                  "gradient"))
                    if not math.isclose(e.accumulated, e.gradient, rel_tol=0.0, abs_tol=0.0):
                        below.append((f"Σ at {a} = {self._fmt(e.accumulated)}", "gradient"))
        if (w is not None and w in state.param_gradients and (step or sel) and s is not None
                and s.phase in ("backward", "update")):
            below.append((f"∂E/∂{w} = {self._fmt(state.param_gradients[w])}", "gradient"))
        item = self._labels.get(key)
        if not above and not below:
            if item is not None and self._culling:
                # big graphs: drop it, or every node ever stepped would keep its labels
                self.scene().removeItem(item)
                del self._labels[key]
                self._label_rects.pop(key, None)
            elif item is not None and not item.is_empty():
                item.set_lines([], [])
                item.setVisible(False)
                self._touched.add(key)
            return
        if item is None:
            item = EdgeLabelItem(key, self.style_theme, self._layout.compact, self._text_scale)
            self.scene().addItem(item)
            self._labels[key] = item
        if (above, below) != (item.above, item.below):
            self._touched.add(key)
        item.set_lines(above, below)
        item.setVisible(self._texts_visible)

    # -- label placement ------------------------------------------------------------------------
    _t_candidates = np.array([0.5, 0.38, 0.62, 0.28, 0.72, 0.2, 0.8])
    # a step's edges all meet at its node: their labels sit nearer the sources
    _t_step = np.array([0.42, 0.32, 0.52, 0.24, 0.6, 0.16, 0.68])

    def _place_labels(self, only: set | None = None):
        """Greedy: each label at the first spot along its edge (middle first)
        that overlaps neither nodes nor labels already placed.  ``only``: just
        these labels move, the others stay where they are."""
        self._touched = set()
        if not self._texts_visible:
            return
        visible = {k: it for k, it in self._labels.items() if it.isVisible() and not it.is_empty()}
        if only is None:
            self._label_rects = {}
        else:
            self._label_rects = {k: r for k, r in self._label_rects.items() if k in visible and k not in only}
        todo = [k for k in visible if k not in self._label_rects]
        if not todo:
            return
        todo.sort(key=lambda k: (k not in self._step_label_keys, self._edge_index.get(k, 0)))
        placed = np.zeros((len(self._label_rects) + len(todo), 4))
        n_placed = len(self._label_rects)
        if n_placed:
            placed[:n_placed] = list(self._label_rects.values())
        obst = self._obstacles
        for key in todo:
            it = visible[key]
            k = self._edge_index[key]
            r = it.local_rect()
            x1, y1, x2, y2 = self._seg[k]
            if self._internal[k]:
                nb = self._nodes[key[0]]
                cands = np.array([[x2 - self._layout.boxes[key[1]].w / 2 + nb.box.w / 2,
                                   y1 + nb.text_bottom + 2 - r.top()]])
            else:
                t = self._t_step if key in self._step_label_keys else self._t_candidates
                cands = np.column_stack([x1 + t * (x2 - x1), y1 + t * (y2 - y1)])
            rects = np.column_stack([cands[:, 0] + r.left(), cands[:, 1] + r.top(), cands[:, 0] + r.right(),
                                     cands[:, 1] + r.bottom()])
            cost = _overlaps(rects, placed[:n_placed]) * 3
            if not self._internal[k]:
                cost = cost + _overlaps(rects, obst) * 4
            # the first candidate among the least overlapping
            b = int(np.argmax(cost <= cost.min() + 1e-9))
            it.setPos(float(cands[b, 0]), float(cands[b, 1]))
            rect = tuple(rects[b])
            self._label_rects[key] = rect
            placed[n_placed] = rect
            n_placed += 1

    # -- reactions -----------------------------------------------------------------------------
    def _on_params_changed(self):
        self._stale = True

    def _on_format_changed(self):
        self.show_state(self.session.state, full=True)

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
            self._place_labels(only=self._touched)

    # -- level of detail -------------------------------------------------------------------------
    def _update_lod(self, force: bool = False):
        """Show texts only when they are big enough on screen to read."""
        if not self._layout:
            return
        size = (7.0 if self._layout.compact else 8.5) * self._text_scale
        px = size * 96 / 72 * self.transform().m11()
        on = px >= LABEL_MIN_PIXELS
        if on != self._texts_visible or force:
            self._texts_visible = on
            for item in self._nodes.values():
                item.set_texts_visible(on)
            for it in self._labels.values():
                it.setVisible(on and not it.is_empty())
            if on and self.session.state is not None:
                self.show_state(self.session.state, full=True)

    # -- events -------------------------------------------------------------------------------------
    def resizeEvent(self, event):
        super().resizeEvent(event)
        if self._auto_fit:
            self.fit()

    def scrollContentsBy(self, dx: int, dy: int):
        super().scrollContentsBy(dx, dy)
        self._view_moved()

    def wheelEvent(self, event):
        delta = event.angleDelta().y()
        if delta:
            self.zoom(1.0015 ** delta)
            event.accept()
        else:
            super().wheelEvent(event)

    def hit(self, pos) -> tuple | str | None:
        """What is under a viewport position: a node name, an edge (src, dst) or None."""
        for item in self.items(pos):
            while item is not None:
                if isinstance(item, NodeItem):
                    return item.name
                if isinstance(item, EdgeLabelItem):
                    return item.key
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

    def mousePressEvent(self, event):
        self._press = event.position().toPoint() if event.button() == Qt.LeftButton else None
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event):
        super().mouseReleaseEvent(event)
        if self._press is None or event.button() != Qt.LeftButton:
            return
        pos = event.position().toPoint()
        if (pos - self._press).manhattanLength() > 4:
            self._press = None
            return
        self._press = None
        self.click_at(pos, bool(event.modifiers() & (Qt.ControlModifier | Qt.ShiftModifier)))

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

    def mouseDoubleClickEvent(self, event):
        what = self.hit(event.position().toPoint())
        if isinstance(what, str):
            self.sigNodeDoubleClicked.emit(what)
        elif what is not None:
            self.sigEdgeDoubleClicked.emit(*what)
        event.accept()

    def scene_pos_of(self, name: str) -> QPointF:
        return self._nodes[name].scenePos()

    def view_pos_of(self, name: str):
        return self.mapFromScene(self._nodes[name].scenePos())

    def view_pos_of_edge(self, src: str, dst: str):
        k = self._edge_index[(src, dst)]
        x1, y1, x2, y2 = self._seg[k]
        # a quarter of the way along: clear of the crossing in the middle
        return self.mapFromScene(QPointF(x1 + 0.25 * (x2 - x1), y1 + 0.25 * (y2 - y1)))

    # -- legend ----------------------------------------------------------------------------------------
    def drawForeground(self, painter: QPainter, rect: QRectF):
        if not self.show_legend or not self._nodes:
            return
        key = (self.theme.name, self.lecture_style, fmt(getattr(self, "_scale", 1.0), 2),
               self.devicePixelRatioF(), bool(self._weighted))
        if getattr(self, "_legend_key", None) != key:
            self._legend_key = key
            self._legend = self._render_legend()
        vp = self.viewport().rect()
        pm = self._legend
        size = pm.deviceIndependentSize()
        painter.save()
        painter.resetTransform()
        painter.drawPixmap(QPointF(vp.width() - size.width() - 10, vp.height() - size.height() - 10), pm)
        painter.restore()

    def _render_legend(self) -> QPixmap:
        t = self.style_theme
        f = _font(8.0)
        fm = QFontMetricsF(f)
        lh = fm.height()
        lines = [("value (forward)", t.value), ("local × upstream = gradient", t.gradient)]
        w = max(180.0, max(fm.horizontalAdvance(s) for s, _ in lines) + 16)
        h = lh * 4.4 + 12
        dpr = self.devicePixelRatioF()
        pm = QPixmap(int(math.ceil((w + 1) * dpr)), int(math.ceil((h + 1) * dpr)))
        pm.setDevicePixelRatio(dpr)
        pm.fill(Qt.transparent)
        painter = QPainter(pm)
        painter.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing)
        self._paint_legend(painter, f, fm, lh, lines, w, h)
        painter.end()
        return pm

    def _paint_legend(self, painter, f, fm, lh, lines, w, h):
        t = self.style_theme
        painter.setFont(f)
        scale = getattr(self, "_scale", 1.0)
        x0, y0 = 0.5, 0.5
        bg = QColor(th.LECTURE_BACKGROUND if self.lecture_style else t.background)
        bg.setAlphaF(0.88)
        painter.setPen(QPen(QColor(t.muted), 0.8))
        painter.setBrush(bg)
        painter.drawRoundedRect(QRectF(x0, y0, w, h), 4, 4)
        text = QColor("#000000") if self.lecture_style else QColor(t.text)
        painter.setPen(text)
        weights = bool(self._weighted)
        painter.drawText(QPointF(x0 + 8, y0 + 4 + fm.ascent()),
                         "edge colour = weight" if weights else "node colour = value")
        bar_y = y0 + 6 + lh
        n = 2 * th.WEIGHT_BINS + 1
        bw = (w - 16) / n
        painter.setPen(Qt.NoPen)
        for i, k in enumerate(range(-th.WEIGHT_BINS, th.WEIGHT_BINS + 1)):
            if not weights:
                color = th.value_fill(k / th.WEIGHT_BINS, t, self.lecture_style)
            elif self.lecture_style and k == 0:
                color = QColor(th.LECTURE_BACKGROUND)
            else:
                color = th.bin_color(k, t, self.lecture_style)
            painter.setBrush(color)
            painter.drawRect(QRectF(x0 + 8 + i * bw, bar_y, bw + 0.5, lh * 0.6))
        if not weights:
            scale = 1.0
        painter.setPen(text)
        ty = bar_y + lh * 0.6 + fm.ascent() + 1
        lo, hi = f"-{fmt(scale, 2)}", f"+{fmt(scale, 2)}"
        painter.drawText(QPointF(x0 + 8, ty), lo)
        painter.drawText(QPointF(x0 + w / 2 - fm.horizontalAdvance("0") / 2, ty), "0")
        painter.drawText(QPointF(x0 + w - 8 - fm.horizontalAdvance(hi), ty), hi)
        yy = ty + 2
        for s, c in lines:
            painter.setPen(QColor(c))
            yy += lh
            painter.drawText(QPointF(x0 + 8, yy), s)


def _overlaps(rects: np.ndarray, others: np.ndarray) -> np.ndarray:
    """For each row of ``rects`` (x1, y1, x2, y2), its total overlap area with the rows of ``others``."""
    if not len(others):
        return np.zeros(len(rects))
    w = np.minimum(rects[:, None, 2], others[None, :, 2]) - np.maximum(rects[:, None, 0], others[None, :, 0])
    h = np.minimum(rects[:, None, 3], others[None, :, 3]) - np.maximum(rects[:, None, 1], others[None, :, 1])
    return (np.maximum(w, 0) * np.maximum(h, 0)).sum(axis=1)
