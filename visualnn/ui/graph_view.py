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
The view's work is shared with mixins by responsibility: ``graph_zoom``
(fit, zoom, level of detail), ``graph_edges`` (edge colours, the progressive
image, motion), ``graph_steps`` (a state onto the items, edge labels),
``graph_pick`` (hit-testing and selection); the items are in ``graph_items``
and ``edge_items``.  Qt's overridden virtuals stay on ``GraphView`` itself.
"""
from __future__ import annotations

import operator

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QToolTip

from ..engine.labels import objective_symbol
from . import legend
from . import theme as th
from .edge_items import ANTIALIAS_OVERLAY, EdgeBinsItem, SegmentsItem
from .graph_edges import MOTION_EDGES, RASTER_BUDGET, RASTER_SLICE, EdgesMixin, robust_scale
from .graph_items import Z_EDGE, Z_LABEL, Z_NODE, Z_OVERLAY, NodeItem
from .graph_labels import MIN_PX, LabelPlacer, PlacedText
from .graph_pick import PickMixin
from .graph_steps import LABEL_CULL_EDGES, STEP_LABELS_IN_SIGHT, StepsMixin
from .graph_zoom import LABEL_MIN_PIXELS, NODE_MIN_PX, ZoomMixin
from .inside_items import InsideOverlays
from .layout import Layout, layout
from .motion import StepMotion
from .text import tooltip

__all__ = [
    "ANTIALIAS_EDGES", "ANTIALIAS_OVERLAY", "LABEL_CULL_EDGES", "LABEL_MIN_PIXELS", "MOTION_EDGES", "NODE_MIN_PX",
    "PROGRESSIVE_EDGES", "RASTER_BUDGET", "RASTER_SLICE", "STEP_LABELS_IN_SIGHT", "TEXT_NODES_LIMIT",
    "WEIGHT_LABEL_LIMIT", "Z_EDGE", "Z_LABEL", "Z_NODE", "Z_OVERLAY", "EdgeBinsItem", "GraphView", "NodeItem",
    "PlacedText", "QGraphicsView", "SegmentsItem", "robust_scale",
]

TEXT_NODES_LIMIT = 40           # more nodes than this: texts of the step's neighbourhood only, the rest on hover
WEIGHT_LABEL_LIMIT = 24         # more weighted edges than this: weights shown on the step and selection only
ANTIALIAS_EDGES = 3000          # more edges than this are drawn without smoothing
PROGRESSIVE_EDGES = 20000       # more edges than this are drawn on screen a slice at a time


class GraphView(ZoomMixin, EdgesMixin, StepsMixin, PickMixin, QGraphicsView):
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
        session.sigStateChanged.connect(self._note_move)
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
        step's node and neighbourhood and the selection (the rest on hover).  A
        neuron drawn as one unit of two halves counts once."""
        units = sum(1 for it in self._nodes.values() if it.box.half != "right")
        if units <= TEXT_NODES_LIMIT and not self._layout.compact:
            return list(self._nodes)
        names = {self._current_node} | {n for key in self._step_label_keys for n in key}
        names |= {x for x in self.session.selection if isinstance(x, str)}
        return [n for n in names if n in self._nodes]

    def edge_keys(self) -> list[tuple[str, str]]:
        return [(a, b) for a, b, _ in self._edges]

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

    def set_motion(self, on: bool):
        """Animate the steps (values along edges, gradients back, weight colours fading)."""
        self.motion.enabled = bool(on)
        if not on:
            self.motion.stop()

    def _reset_items(self):
        self._nodes: dict[str, NodeItem] = {}
        self._node_shown: dict[str, tuple] = {}     # name -> (what it shows, value line, gradient line, fill)
        self._node_before: dict[str, tuple] = {}    # the same, as it was shown before
        self._labels: dict[tuple[str, str], PlacedText] = {}
        self._edges: list[tuple[str, str, str | None]] = []
        self._edge_index: dict[tuple[str, str], int] = {}
        self._seg = np.zeros((0, 4))
        self._frozen = np.zeros(0, dtype=bool)
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
        self._frozen = np.array([w is not None and w in g.frozen for _, _, w in self._edges], dtype=bool)
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

    def _on_params_changed(self):
        self._stale = True

    def _on_format_changed(self):
        self.show_state(self.session.state, full=True)

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

    def viewportEvent(self, event):
        # hovering an edge shows everything its label says, in full (drawn shortened or left out when crowded)
        if event.type() == QEvent.ToolTip:
            what = self.hit(event.position().toPoint() if hasattr(event, "position") else event.pos())
            if isinstance(what, tuple) and self.edge_label(*what):
                QToolTip.showText(event.globalPos(), tooltip(self.edge_label(*what)), self.viewport())
                return True
        return super().viewportEvent(event)

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

    def drawForeground(self, painter: QPainter, rect: QRectF):
        self._note_paint()
        if self._legend_shown():
            legend.paint(self, painter, getattr(self, "_scale", 1.0), bool(self._weighted))

    def legend_range(self) -> tuple[str, str]:
        """The ends of the colour scale the legend prints."""
        return legend.range_text(getattr(self, "_scale", 1.0))
