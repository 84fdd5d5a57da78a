"""Activation curves: f(x) above, f'(x) below, with the current neuron's
pre-activation marked on both, so a saturated sigmoid shows its tiny local
gradient and a dead ReLU its zero."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QGraphicsItem, QVBoxLayout

from ...engine.ops import ACTIVATIONS, OPS
from ...engine.plotting_data import activation_curve, activation_node_for
from ..text import markup, plain_label, rich_label
from .adaptive import FlowLayout, LazyPanel, labelled
from .source import as_source, selected_nodes
from .style import (
    BACKGROUND,
    CURVE_PEN,
    DERIV_PEN,
    MARK_BRUSH,
    MARK_PEN,
    fmt,
    plot_colours,
    readout,
    style_plot,
    text_colour,
)

HALF_RANGE = 6.0
POINTS = 801


class ActivationPanel(LazyPanel):
    """Plots an activation and its derivative; follows the graph's selected or
    stepped neuron, or shows the activation picked from the list."""

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = as_source(session)
        self.activation = "sigmoid"
        self.attrs: dict = {}
        self.node: str | None = None         # the followed activation node
        self.net: float | None = None        # its pre-activation, when computed
        self._drawn = None                   # what the curves show now: (activation, attrs, range)
        self._marked = None                  # what the marker shows now: (node, net, activation, attrs)
        self._stale = None                   # the last thing that changed while the panel was hidden
        self._acts_graph, self._acts = None, {}

        self._make_widgets()
        self._lay_out()
        self._connect()
        self._on_document_change()

    def _make_widgets(self):
        self.combo = QComboBox()
        for name in ACTIVATIONS:
            self.combo.addItem(f"{name}  ({OPS[name].symbol})", name)
        self.combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(12)
        self.follow = QCheckBox("follow the graph")
        self.follow.setChecked(True)
        self.follow.setToolTip("Show the activation of the neuron selected or stepped in the graph")
        self.info = rich_label()
        self.info.setWordWrap(True)
        self.hover = plain_label(" ")
        self.hover.setObjectName("hoverReadout")

        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground(BACKGROUND)
        self.plot_f = self.view.addPlot(row=0, col=0)
        self.plot_d = self.view.addPlot(row=1, col=0)
        self.plot_d.setXLink(self.plot_f)
        style_plot(self.plot_f, left="f(x)")
        style_plot(self.plot_d, left="f'(x)", bottom="x (pre-activation, net)")
        self.plot_d.titleLabel.visualnn_role = "muted"       # the derivative's formula, a subtitle
        self.curve_f = self.plot_f.plot(pen=CURVE_PEN)
        self.curve_d = self.plot_d.plot(pen=DERIV_PEN)
        for c in (self.curve_f, self.curve_d):
            # the marker moves on every step; the curves under it stay: draw them from a cached image
            c.curve.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        self.mark_f = pg.ScatterPlotItem(size=12, pen=MARK_PEN, brush=MARK_BRUSH)
        self.mark_d = pg.ScatterPlotItem(size=12, pen=MARK_PEN, brush=MARK_BRUSH)
        self.vline_f = pg.InfiniteLine(angle=90, pen=pg.mkPen(MARK_BRUSH, width=1, style=Qt.DashLine))
        self.vline_d = pg.InfiniteLine(angle=90, pen=pg.mkPen(MARK_BRUSH, width=1, style=Qt.DashLine))
        self.text_f = readout()
        self.text_d = readout()
        self.hover_f = pg.InfiniteLine(angle=90, pen=pg.mkPen((150, 150, 150), width=1))
        self.hover_d = pg.InfiniteLine(angle=90, pen=pg.mkPen((150, 150, 150), width=1))
        for plot, items in ((self.plot_f, (self.vline_f, self.mark_f, self.text_f, self.hover_f)),
                            (self.plot_d, (self.vline_d, self.mark_d, self.text_d, self.hover_d))):
            for it in items:
                plot.addItem(it, ignoreBounds=True)
        self.hover_f.hide()
        self.hover_d.hide()

    def _lay_out(self):
        top = FlowLayout()
        top.addWidget(labelled("Activation", self.combo))
        top.addWidget(self.follow)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.info)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.hover)

    def _connect(self):
        self.combo.activated.connect(self._on_combo_activated)
        self.follow.toggled.connect(self._on_follow_toggled)
        self.view.scene().sigMouseMoved.connect(self._on_mouse_moved)
        s = self.session
        s.sigStateChanged.connect(self._on_state_change)
        s.sigSelectionChanged.connect(self._on_selection_change)
        s.sigDocumentChanged.connect(self._on_document_change)
        s.sigParamsChanged.connect(self._on_params_change)

    # -- what to show --------------------------------------------------------------
    def set_activation(self, name: str, attrs: dict | None = None):
        """Show activation ``name`` (stops following the graph)."""
        self.follow.setChecked(False)
        self._show(name, attrs or {})
        self._set_marker(None, None)

    def follow_node(self, name: str | None) -> bool:
        """Follow the neuron ``name`` belongs to; False if it has no activation."""
        graph = self.session.graph
        if graph is None:
            return False
        act = self._activation_for(graph, name)
        if act is None:
            return False
        node = graph.nodes[act]
        self.node = act
        self._show(node.op, node.attrs)
        self._refresh_marker()
        return True

    def _activation_for(self, graph, name):
        """``activation_node_for``, remembered per graph (it looks through the
        graph's users, milliseconds on a big network: too slow for every step)."""
        if self._acts_graph is not graph:
            self._acts_graph, self._acts = graph, {}
        if name not in self._acts:
            self._acts[name] = activation_node_for(graph, name)
        return self._acts[name]

    def _show(self, name: str, attrs: dict):
        self.activation = name
        self.attrs = dict(attrs)
        i = self.combo.findData(name)
        if i >= 0:
            self.combo.setCurrentIndex(i)
        self._draw_curves()

    def _draw_curves(self):
        lo, hi = -HALF_RANGE, HALF_RANGE
        if self.net is not None and np.isfinite(self.net):
            lo, hi = min(lo, self.net * 1.2 - 1), max(hi, self.net * 1.2 + 1)
        key = (self.activation, tuple(sorted(self.attrs.items())), lo, hi)
        if key == self._drawn:               # stepping through neurons of one kind: nothing to redraw
            return
        self._drawn = key
        self._marked = None
        x = np.linspace(lo, hi, POINTS)
        f, d = activation_curve(self.activation, x, self.attrs)
        self.curve_f.setData(x, f)
        self.curve_d.setData(x, d)
        self.plot_f.setXRange(lo, hi, padding=0.02)
        sym = OPS[self.activation].symbol
        self.plot_f.setTitle(f"{self.activation}: {sym}(x)", color=text_colour())
        self.plot_d.setTitle(OPS[self.activation].derivative, color=plot_colours().muted, size="9pt")

    def _set_marker(self, node: str | None, net: float | None):
        redraw = (net is not None and abs(net) > HALF_RANGE) or \
                 (self.net is not None and abs(self.net) > HALF_RANGE)
        self.net = net
        if redraw:
            self._draw_curves()
        key = (node, net, self.activation, tuple(sorted(self.attrs.items())))
        if key == self._marked:
            return
        self._marked = key
        items = (self.mark_f, self.mark_d, self.vline_f, self.vline_d, self.text_f, self.text_d)
        if net is None or not np.isfinite(net):
            for it in items:
                it.hide()
            if node is None:
                self.info.setText(markup("Pick an activation, or select or step a neuron in the graph."))
            else:
                self.info.setText(markup("<b>{}</b>: its input is not computed yet in this pass — "
                                         "step forward to reach it.", node))
            return
        f, d = (float(v[0]) for v in activation_curve(self.activation, [net], self.attrs))
        self.mark_f.setData([net], [f])
        self.mark_d.setData([net], [d])
        self.vline_f.setValue(net)
        self.vline_d.setValue(net)
        self.text_f.setText(f"f({fmt(net)}) = {fmt(f)}")
        _place_readout(self.text_f, self.curve_f, net, f)
        self.text_d.setText(f"f'({fmt(net)}) = {fmt(d)}")
        _place_readout(self.text_d, self.curve_d, net, d)
        for it in items:
            it.show()
        inp = self.session.graph.nodes[node].inputs[0]
        note = ""
        if abs(d) < 0.01:
            note = " — almost no gradient passes here" if d else " — no gradient passes here"
        self.info.setText(markup("<b>{}</b> = {}({}): {} = {}, f = {}, local gradient f' = {}{}",
                                 node, self.activation, inp, inp, fmt(net), fmt(f), fmt(d), note))

    def marker(self) -> tuple[float, float, float] | None:
        """(x, f(x), f'(x)) of the marker, or None when hidden."""
        if not self.mark_f.isVisible():
            return None
        (x,), (f,) = self.mark_f.getData()
        (_,), (d,) = self.mark_d.getData()
        return float(x), float(f), float(d)

    def _refresh_marker(self):
        if self.node is None or not self.follow.isChecked():
            return
        graph = self.session.graph
        if graph is None or self.node not in graph.nodes:
            self.node = None
            self._set_marker(None, None)
            return
        inp = graph.nodes[self.node].inputs[0]
        st = self.session.state
        net = None
        if st is not None and inp in st.values:
            net = float(st.values[inp])
        self._set_marker(self.node, net)

    # -- events --------------------------------------------------------------------
    def _on_combo_activated(self, index: int):
        self.set_activation(self.combo.itemData(index))

    def _on_follow_toggled(self, on: bool):
        if on:
            self._on_selection_change() or self._on_state_change(self.session.state)
        else:
            self.node = None
            self._set_marker(None, None)

    def _on_document_change(self):
        self.node = None
        graph = self.session.graph
        first = None
        if graph is not None:
            first = next((n for n in graph.order if self._activation_for(graph, n) == n), None)
        if first is not None and self.follow.isChecked():
            self.follow_node(first)
        else:
            self._show(self.activation, self.attrs)
            self._set_marker(None, None)

    def catch_up(self):
        stale, self._stale = self._stale, None
        if stale == "selection":
            self._on_selection_change()
        elif stale is not None:
            self._on_state_change(self.session.state)

    def _on_selection_change(self) -> bool:
        if not self.follow.isChecked():
            return False
        if self.hidden_now():
            self._stale = "selection"
            return False
        for name in reversed(selected_nodes(self.session)):
            if self.follow_node(name):
                return True
        return False

    def _on_state_change(self, state=None):
        if not self.follow.isChecked():
            return
        if self.hidden_now():
            self._stale = "state"
            return
        step = state.step if state is not None else None
        if step is not None and step.node is not None and self.follow_node(step.node):
            return
        self._refresh_marker()

    def _on_params_change(self):
        if self.hidden_now():
            self._stale = self._stale or "state"
            return
        self._refresh_marker()

    def _on_mouse_moved(self, pos):
        for plot in (self.plot_f, self.plot_d):
            if plot.sceneBoundingRect().contains(pos):
                x = float(plot.vb.mapSceneToView(pos).x())
                f, d = (float(v[0]) for v in activation_curve(self.activation, [x], self.attrs))
                self.hover.setText(f"x = {fmt(x)}    f(x) = {fmt(f)}    f'(x) = {fmt(d)}")
                self.hover_f.setValue(x)
                self.hover_d.setValue(x)
                self.hover_f.show()
                self.hover_d.show()
                return
        self.hover_f.hide()
        self.hover_d.hide()


def _place_readout(box, curve, x: float, y: float):
    """The value box above its point, or below it near the top of the curve (where above
    would run out of the plot)."""
    ys = curve.yData
    lo, hi = (float(np.nanmin(ys)), float(np.nanmax(ys))) if ys is not None and len(ys) else (y, y)
    high = hi > lo and y > lo + 0.7 * (hi - lo)
    box.setAnchor((-0.05, -0.1) if high else (-0.05, 1.1))
    box.setPos(x, y)
