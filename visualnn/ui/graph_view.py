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
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPainterPath, QPen, QPolygonF, QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsScene, QGraphicsView, QToolTip

from ..engine.explain import fmt
from ..engine.labels import Line, edge_lines, node_lines, objective_symbol
from ..engine.trace import State
from . import legend
from . import theme as th
from .graph_labels import MIN_PX, LabelPlacer, PlacedText, text_size
from .inside_items import InsideOverlays
from .layout import Box, Layout, layout
from .motion import StepMotion
from .qpath import segments_path
from .text import tooltip

LABEL_MIN_PIXELS = 12.0         # nodes smaller than this on screen get no texts (zoomed far out)
NODE_MIN_PX = 30.0              # rows spread for their texts no further than leaves nodes this tall
MOTION_EDGES = 64               # at most this many dots move at once
TEXT_NODES_LIMIT = 40           # more nodes than this: texts of the step's neighbourhood only, the rest on hover
WEIGHT_LABEL_LIMIT = 24         # more weighted edges than this: weights shown on the step and selection only
ANTIALIAS_EDGES = 3000          # more edges than this are drawn without smoothing
ANTIALIAS_OVERLAY = 64          # more highlighted edges than this in sight: drawn without smoothing
PROGRESSIVE_EDGES = 20000       # more edges than this are drawn on screen a slice at a time
RASTER_SLICE = 2500             # edges per slice (one path)
RASTER_BUDGET = 0.03            # seconds of edge drawing per turn of the event loop
LABEL_CULL_EDGES = 2000         # more edges than this: step labels only for edges in sight
STEP_LABELS_IN_SIGHT = 60       # at most this many step labels at once on a big graph
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
        painter.save()
        painter.setPen(self._pen)
        painter.setBrush(Qt.NoBrush)
        if len(seg) > ANTIALIAS_OVERLAY:
            # hundreds of wide smooth lines fanning into one node take a tenth of a second to stroke
            painter.setRenderHint(QPainter.Antialiasing, False)
        painter.drawPath(segments_path(seg[:, [0, 2]].ravel(), seg[:, [1, 3]].ravel()))
        painter.restore()


def _clip_range(seg: np.ndarray, x0: float, y0: float, x1: float, y1: float):
    """For each segment (rows x1, y1, x2, y2): the parameters (lo, hi) of its part
    inside the rectangle, and whether it has one (Liang-Barsky)."""
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
    return lo, hi, keep & (lo <= hi)


def _clip_segments(seg: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    """The parts of the segments (rows x1, y1, x2, y2) inside the rectangle."""
    lo, hi, keep = _clip_range(seg, x0, y0, x1, y1)
    lo, hi = lo[keep], hi[keep]
    px, py = seg[keep, 0], seg[keep, 1]
    dx, dy = seg[keep, 2] - px, seg[keep, 3] - py
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
    sigRebuilt = Signal()           # every item was made anew (overlays add theirs again)
    sigContextMenu = Signal(object, QPoint)   # right-click: the node name, edge (src, dst) or None; global pos
    TYPE_PX = (12.0, 14.0)      # pixels of the graph's type and of the current step's

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
        self._legend_reserved = False
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
        self._placer = LabelPlacer(self)
        self.motion = StepMotion(self)
        self._reset_items()
        session.sigDocumentChanged.connect(self.rebuild)
        session.sigStateChanged.connect(self.show_state)
        session.sigParamsChanged.connect(self._on_params_changed)
        session.sigSelectionChanged.connect(self._on_selection_changed)
        session.sigFormatChanged.connect(self._on_format_changed)
        session.sigLectureStyleChanged.connect(self.set_lecture_style)
        self.inside = InsideOverlays(self)      # stuck-unit flags and neuron pictures over the nodes
        if session.model is not None:
            self.rebuild()
            self.show_state(session.state)

    # -- public API --------------------------------------------------------------------------
    def node_item(self, name: str) -> NodeItem:
        return self._nodes[name]

    def node_names(self) -> list[str]:
        return list(self._nodes)

    def edge_label(self, src: str, dst: str) -> str:
        """Every line the edge src -> dst has to say, top to bottom, in full ("" if
        none); drawn shortened or left for the hover when there is no room."""
        item = self._labels.get((src, dst))
        return "" if item is None else "\n".join(ln.text for ln in item.full_lines)

    def edge_label_item(self, src: str, dst: str) -> PlacedText | None:
        return self._labels.get((src, dst))

    def drawn_texts(self) -> dict:
        """What is drawn now: {key: ((x1, y1, x2, y2) in the scene, pixel size)}; a node's
        texts have keys ("node", name, "label" | "value" | "grad"), an edge's (src, dst)."""
        return dict(self._placer.drawn)

    def type_px(self) -> tuple[float, float]:
        """(pixels of the graph's type, pixels of the current step's type)."""
        n, c = self.TYPE_PX
        return max(MIN_PX, n * self._text_scale), max(MIN_PX, c * self._text_scale)

    def text_nodes(self) -> list[str]:
        """The nodes whose texts are drawn: all of a small graph; on a big one the
        step's node and neighbourhood and the selection (the rest on hover)."""
        if len(self._nodes) <= TEXT_NODES_LIMIT and not self._layout.compact:
            return list(self._nodes)
        names = {self._current_node} | {n for key in self._step_label_keys for n in key}
        names |= {x for x in self.session.selection if isinstance(x, str)}
        return [n for n in names if n in self._nodes]

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
        """The graph's type relative to its normal size (``TYPE_PX``)."""
        return self._text_scale

    @text_scale.setter
    def text_scale(self, scale: float):
        scale = float(scale)
        if not scale > 0:
            raise ValueError(f"text_scale must be positive, not {scale}")
        if scale != self._text_scale:
            self._text_scale = scale
            if self._auto_fit:
                self.fit()
            self._place_labels()

    def set_motion(self, on: bool):
        """Animate the steps (values along edges, gradients back, weight colours fading)."""
        self.motion.enabled = bool(on)
        if not on:
            self.motion.stop()

    def set_show_legend(self, on: bool):
        self.show_legend = on
        self.viewport().update()

    def fit(self):
        """Zoom so the whole graph fits the window, with room in pixels for the
        names above the nodes, the values under them and the legend."""
        self._auto_fit = True
        if self._layout is None or not self._nodes:
            return
        x1, y1, x2, y2 = self._layout.bounds
        W, H = self.viewport().width(), self.viewport().height()
        top, bottom, side = self._margins()
        s = min((W - 2 * side) / max(1e-9, x2 - x1), (H - top - bottom) / max(1e-9, y2 - y1))
        s = max(0.02, min(8.0, s))
        self.setTransform(QTransform.fromScale(s, s))
        self.centerOn(QPointF((x1 + x2) / 2, y1 - top / s + H / (2 * s)))
        if not self._legend_reserved and self._legend_covers_a_node():
            self._legend_reserved = True        # keep the legend's corner free of nodes
            self.fit()
            return
        self._update_lod()
        self._view_moved()
        self._place_labels()

    def _margins(self) -> tuple[float, float, float]:
        """Pixels kept free above, below and beside the nodes for their texts and the legend."""
        n, c = self.type_px()
        top, bottom, side = 1.6 * n + 8, 1.3 * (n + c) + 8, 4.0 * n
        if self._legend_shown() and self._legend_reserved:
            bottom += legend.height(n)
        return top, bottom, side

    def _wanted_pitch(self, lay: Layout) -> float | None:
        """The distance between rows that leaves room for a name, a value and a
        gradient between two nodes at the scale the graph will be shown at."""
        if lay.compact or lay.rows < 2 or not lay.boxes:
            return None
        top, bottom, side = self._margins()
        wa, ha = self.viewport().width() - 2 * side, self.viewport().height() - top - bottom
        if wa <= 0 or ha <= 0:
            return None
        n, c = self.type_px()
        need = text_size(["0"], n, True)[1] + 2 * text_size(["0"], c)[1] + 18
        x1, _, x2, _ = lay.bounds
        d, rows = lay.node_size, lay.rows
        s = wa / max(1e-9, x2 - x1)
        p = d + need / s
        if ((rows - 1) * p + d) * s <= ha:
            return p
        # not so far apart that the nodes shrink below NODE_MIN_PX: then texts with no room are dropped
        floor = min(s, NODE_MIN_PX / d)
        if need * (rows - 1) < ha:
            p = d * (1 + need / ha) / (1 - need * (rows - 1) / ha)
            if ha / ((rows - 1) * p + d) >= floor:
                return p
        return max(d * 1.5, (ha / floor - d) / (rows - 1))

    def _graph_rect(self) -> QRectF:
        """The nodes with room for their names and values (not the labels of the moment)."""
        x1, y1, x2, y2 = self._layout.bounds
        return QRectF(QPointF(x1 - 60, y1 - 40), QPointF(x2 + 60, y2 + 60))

    def _legend_shown(self) -> bool:
        return self.show_legend and bool(self._nodes)

    def _legend_covers_a_node(self) -> bool:
        r = self.legend_scene_rect()
        if r is None:
            return False
        return any(b.x + b.w / 2 > r[0] and b.x - b.w / 2 < r[2] and b.y + b.h / 2 > r[1] and b.y - b.h / 2 < r[3]
                   for b in self._layout.boxes.values())

    def legend_scene_rect(self):
        """Where the legend covers the graph, in scene coordinates (None: no legend)."""
        if not self._legend_shown():
            return None
        r = self.mapToScene(legend.viewport_rect(self).toAlignedRect()).boundingRect()
        return (r.left(), r.top(), r.right(), r.bottom())

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
        self._place_labels()

    # -- building ----------------------------------------------------------------------------
    def _reset_items(self):
        self._nodes: dict[str, NodeItem] = {}
        self._labels: dict[tuple[str, str], PlacedText] = {}
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

    def _apply_background(self):
        bg = th.LECTURE_BACKGROUND if self.lecture_style else self.theme.background
        self.setBackgroundBrush(QColor(bg))

    def rebuild(self):
        """Build every item for ``session.graph`` (new document or view mode)."""
        self._raster_timer.stop()
        self.motion.reset()
        self.scene().clear()
        self._reset_items()
        self._legend_reserved = False
        self._apply_background()
        s = self.session
        if s.model is None:
            return
        g = s.graph
        self._graph = g
        self._objective = objective_symbol(g)
        lay = layout(g, s.view_mode)
        pitch = self._wanted_pitch(lay)
        if pitch is not None:
            lay = layout(g, s.view_mode, pitch)
        self._layout = lay
        for name, box in lay.boxes.items():
            item = NodeItem(box, self.style_theme, lay.compact)
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
        self._placer.reset(self.scene(), self.style_theme)
        self.scene().setSceneRect(self._graph_rect().adjusted(-3000, -3000, 3000, 3000))
        self._stale = True
        self._on_selection_changed()
        if self._auto_fit:
            self.fit()
        self._update_lod(force=True)
        self.sigRebuilt.emit()

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
        n = len(self._edges)
        w = np.zeros(n)
        if self._weighted:
            try:
                w[self._weighted] = self._weight_getter(params)
            except KeyError:
                get = params.get
                w[self._weighted] = [get(p, 0.0) for p in self._weight_names]
        scale = robust_scale(w[self._weighted]) if self._weighted else 1.0
        if scale != getattr(self, "_scale", None):
            self.viewport().update()        # the legend prints the range
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
                paths.append(segments_path(part[:, [0, 2]].ravel(), part[:, [1, 3]].ravel()))
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
        stepped = (self._shown is not None and state.step is not None and state.position == self._shown[0] + 1)
        self._fading = None
        if nxt:
            self._incremental(state)
        else:
            self._full(state)
        if stepped:
            self._move(state.step, self._fading)
        self._shown = (state.position, state.cycle)
        self._stale = False
        rows = legend.lines(self)
        if rows != getattr(self, "_legend_rows", None):
            self._legend_rows = rows
            self.viewport().update()            # the legend says what grey values are on the update step

    def _fmt(self, x) -> str:
        return fmt(x, self.session.digits)

    def _node_fill(self, v):
        return th.value_fill(v, self.theme, self.lecture_style)

    def _set_node(self, name: str, state: State):
        item = self._nodes.get(name)
        if item is None:
            return
        value, grad = node_lines(state, self._graph, name, self.session.digits)
        item.set_value("" if value is None else value.text, self._node_fill(state.values.get(name)), value)
        item.set_gradient("" if grad is None else grad.text, grad)

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
        fading = None
        if s.phase == "update":
            for p in self._nodes:       # new parameters; every forward value now from before the update
                self._set_node(p, state)
            fading = self._old_edges()
            self._rebuild_bins(state.params)
            if self._weight_labels:
                for k in self._weighted:
                    a, b, _ = self._edges[k]
                    self._refresh_label((a, b), state)
        self._mark_step(state)
        self._place_labels()
        self._fading = fading

    def _old_edges(self):
        """The edges in their colours before the update, to fade out over the new ones."""
        old = self._edge_lines
        if old is None or old.progressive or not self.motion.enabled:
            return None
        item = EdgeBinsItem()
        item.antialias = old.antialias
        item.set_bins(old.bins)
        item.setZValue(Z_EDGE + 0.5)
        self.scene().addItem(item)
        return item

    def _move(self, s, fading):
        """The step's motion: values along their edges, gradients back along them."""
        t = self.style_theme
        keys = [k for k in self._step_edges if k in self._edge_index and not self._internal[self._edge_index[k]]]
        seg = [tuple(self._seg[self._edge_index[k]]) for k in keys[:MOTION_EDGES]]
        if s.phase == "backward":
            seg = [(x2, y2, x1, y1) for x1, y1, x2, y2 in seg]
        color = QColor(t.value if s.phase in ("forward", "loss") else t.gradient)
        self.motion.start(seg, color, fading)

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
        s = seg[:, 2:] - seg[:, :2]
        # the part of each edge in the window, and its distance from the middle
        lo, hi, keep = _clip_range(seg, rect.left(), rect.top(), rect.right(), rect.bottom())
        cx, cy = rect.center().x(), rect.center().y()
        L2 = np.maximum((s ** 2).sum(axis=1), 1e-12)
        t = np.clip(((cx - seg[:, 0]) * s[:, 0] + (cy - seg[:, 1]) * s[:, 1]) / L2, lo, hi)
        dist = np.where(keep, np.hypot(seg[:, 0] + t * s[:, 0] - cx, seg[:, 1] + t * s[:, 1] - cy), np.inf)
        order = np.argsort(dist, kind="stable")[:STEP_LABELS_IN_SIGHT]
        return {(self._edges[idx[i]][0], self._edges[idx[i]][1]) for i in order if np.isfinite(dist[i])}

    def _view_moved(self):
        """After a scroll or zoom: label the step's edges now in sight, place the labels again."""
        self._sight_timer.start()

    def _relabel_in_sight(self):
        state = self.session.state
        if not self._texts_visible or state is None or self._stale:
            return
        keys = self._in_sight(self._step_edges) if self._culling and self._step_edges else self._step_label_keys
        if keys == self._step_label_keys:
            self._place_labels()
            return
        gone = self._step_label_keys - keys
        self._step_label_keys = keys
        for key in gone:
            self._refresh_label(key, state, step=False)
        for key in keys:
            self._refresh_label(key, state, step=True)
        self._place_labels()

    def _refresh_label(self, key: tuple[str, str], state: State, step: bool | None = None):
        """Set the lines of the label on edge ``key`` from ``state``."""
        if step is None:
            step = key in self._step_label_keys
        k = self._edge_index.get(key)
        if k is None or (self._internal[k] and self._layout.compact):
            return          # a packed neuron has no room under it for its inner edge
        w = self._edges[k][2]
        above, below = edge_lines(state, key, w, self.session.digits, step=step,
                                  show_weight=self._weight_labels or self._is_selected_edge(key),
                                  objective=self._objective)
        if self._internal[k] and state.step is not None and state.step.phase == "forward":
            above = []      # the value into the σ half is the Σ half's own value, shown under it
        item = self._labels.get(key)
        if not above and not below:
            if item is not None:
                # dropped: or every node ever stepped would keep its label items
                self.scene().removeItem(item)
                del self._labels[key]
            return
        if item is None:
            item = PlacedText(key, self.style_theme)
            item.setVisible(False)
            self.scene().addItem(item)
            self._labels[key] = item
        item.full_lines = above + below
        item.split = len(above)

    def _place_labels(self, *_):
        """Every text on the graph to a place of its own (``LabelPlacer``)."""
        if self._nodes and self.session.state is not None:
            self._placer.place()

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
            self._place_labels()

    # -- level of detail -------------------------------------------------------------------------
    def _update_lod(self, force: bool = False):
        """Show texts only when they are big enough on screen to read."""
        if not self._layout:
            return
        node_px = max(b.h for b in self._layout.boxes.values()) * self.transform().m11()
        on = node_px >= LABEL_MIN_PIXELS
        if on != self._texts_visible or force:
            self._texts_visible = on
            if self.session.state is not None:
                self.show_state(self.session.state, full=True)

    # -- events -------------------------------------------------------------------------------------
    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._legend_reserved = False
        lay = self._layout
        pitch = self._wanted_pitch(lay) if lay is not None and self._auto_fit else None
        if pitch is not None and abs(pitch - lay.pitch) > 0.02 * lay.pitch:
            self.rebuild()          # rows further apart (or closer) for the type at this size
            self.show_state(self.session.state, full=True)
        elif self._auto_fit:
            self.fit()
        else:
            self._place_labels()

    def scrollContentsBy(self, dx: int, dy: int):
        super().scrollContentsBy(dx, dy)
        self.viewport().update()            # the legend stays in its corner
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
                if isinstance(item, PlacedText) and item.isVisible() and item.parentItem() is None:
                    key = item.key
                    return key[1] if key[0] == "node" else key
                item = item.parentItem()
        sp = self.mapToScene(pos)
        return self._nearest_edge(sp.x(), sp.y(), 6.0 / max(1e-6, self.transform().m11()))

    def viewportEvent(self, event):
        # hovering an edge shows everything its label says, in full (drawn shortened or left out when crowded)
        if event.type() == QEvent.ToolTip:
            what = self.hit(event.position().toPoint() if hasattr(event, "position") else event.pos())
            if isinstance(what, tuple) and self.edge_label(*what):
                QToolTip.showText(event.globalPos(), tooltip(self.edge_label(*what)), self.viewport())
                return True
        return super().viewportEvent(event)

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

    def contextMenuEvent(self, event):
        self.sigContextMenu.emit(self.hit(event.pos()), event.globalPos())
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
        if self._legend_shown():
            legend.paint(self, painter, getattr(self, "_scale", 1.0), bool(self._weighted))

    def legend_range(self) -> tuple[str, str]:
        """The ends of the colour scale the legend prints."""
        return legend.range_text(getattr(self, "_scale", 1.0))


def robust_scale(w: np.ndarray) -> float:
    """The colour scale's half-range: the largest weight, or with many weights
    the 98th percentile of their sizes (one runaway weight does not wash the rest out)."""
    a = np.abs(np.asarray(w, dtype=float))
    a = a[np.isfinite(a)]
    if not len(a):
        return 1.0
    top = float(np.percentile(a, 98)) if len(a) > 50 else float(a.max())
    return top or 1.0
