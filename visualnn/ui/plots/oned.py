"""One parameter: the cost curve, exhaustive search next to gradient descent
(a marble rolling along the curve with its slope drawn as a tangent), and the
costs sqrt|d|, |d|, d², 10^(|d|-1) compared on the same data (the tea
temperature and M&M lectures)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...engine.optimizers import OPTIMIZERS
from ...engine.plotting_data import OneParameterCost, descend, exhaustive_search
from ..text import escape, plain_label, rich_label
from .adaptive import AdaptiveSplitter, LazyPanel, scrolled
from .source import as_source, current_params, follow_learning_rate
from .style import (
    BACKGROUND,
    OPTIMIZER_COLOURS,
    OPTIMIZER_LABELS,
    fmt,
    ink_pen,
    inked,
    plot_colours,
    style_plot,
    text_colour,
)

CURVE_POINTS = 400
COST_NAMES = {"sqrt": "√|d|", "abs": "|d|", "square": "d²", "10pow": "10^(|d|−1)", "pow": "10^(|d|−1)"}
COST_COLOURS = [(31, 119, 180), (44, 160, 44), (214, 39, 40), (148, 103, 189), (140, 86, 75), (23, 190, 207)]


def cost_label(node: str) -> str:
    for key, label in COST_NAMES.items():
        if node.endswith(key):
            return f"{label}  ({node})"
    return node


def compare_title(count: int) -> str:
    """The title over the plot of every candidate cost, counting what it shows."""
    if count == 1:
        return "The cost on this data"
    words = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}
    return f"The same data, {words.get(count, str(count))} costs"


def _changed(a, b) -> bool:
    """a != b, but NaN equals NaN: NaN weights (an update gone wrong) must not rebuild for ever."""
    return a != b and not (a != a and b != b)


class OneDPanel(LazyPanel):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = as_source(session)
        self.cost: OneParameterCost | None = None
        self.search = None                  # (xs, costs, lowest index)
        self.path = None                    # (xs, costs, slopes)
        self.frame = 0
        self._stale = None                  # what changed while the panel was hidden

        self._make_controls()
        self._make_plots()
        self._lay_out()
        self._connect()
        self._on_document_change()

    def _make_controls(self):
        self.param = QComboBox()
        self.output = QComboBox()
        self.lo = QDoubleSpinBox()
        self.hi = QDoubleSpinBox()
        for w in (self.lo, self.hi):
            w.setRange(-1e6, 1e6)
            w.setDecimals(3)
        self.candidates = QSpinBox()
        self.candidates.setRange(2, 100000)
        self.candidates.setValue(51)
        self.candidates.setToolTip("How many evenly spaced guesses exhaustive search tries")
        self.search_button = QPushButton("Exhaustive search")
        self.optimizer = QComboBox()
        for name in OPTIMIZERS:
            self.optimizer.addItem(OPTIMIZER_LABELS[name], name)
        self.lr = QDoubleSpinBox()
        self.lr.setDecimals(4)
        self.lr.setRange(1e-4, 100.0)
        self.lr.setSingleStep(0.005)
        self.steps = QSpinBox()
        self.steps.setRange(1, 10000)
        self.steps.setValue(25)
        self.interval = QSpinBox()
        self.interval.setRange(0, 5000)
        self.interval.setValue(250)
        self.interval.setSuffix(" ms/step")
        self.roll_button = QPushButton("Roll the marble")
        self.step_button = QPushButton("One step")
        self.info = rich_label()
        self.info.setWordWrap(True)

    def _make_plots(self):
        self.curve_plot = pg.PlotWidget(background=BACKGROUND)
        cp = self.curve_plot.getPlotItem()
        style_plot(cp)
        cp.addLegend(offset=(-10, 10), labelTextColor=plot_colours().text, brush=plot_colours().readout_fill())
        self.curve = inked(cp.plot(pen=ink_pen(2.5), name="cost"))
        self.searched = pg.ScatterPlotItem(size=6, pen=None, brush=(120, 120, 120, 160), name="exhaustive search")
        self.best = pg.ScatterPlotItem(symbol="star", size=18, pen=pg.mkPen("k"), brush=(255, 215, 0),
                                       name="lowest found")
        colour = OPTIMIZER_COLOURS["sgd"]
        self.trail = pg.PlotDataItem(pen=pg.mkPen(colour, width=1.5, style=Qt.DashLine), symbol="o",
                                     symbolSize=7, symbolBrush=colour, symbolPen=None, name="gradient descent")
        self.tangent = pg.PlotCurveItem(pen=pg.mkPen((230, 30, 30), width=2.5))
        self.marble = pg.ScatterPlotItem(size=16, pen=pg.mkPen("w", width=2), brush=colour)
        self.current = pg.InfiniteLine(angle=90, pen=pg.mkPen((230, 30, 30), width=1, style=Qt.DotLine))
        for it in (self.searched, self.best, self.trail):
            cp.addItem(it)
        for it in (self.tangent, self.marble, self.current):
            cp.addItem(it, ignoreBounds=True)
        self.compare_plot = pg.PlotWidget(background=BACKGROUND)
        kp = self.compare_plot.getPlotItem()
        style_plot(kp, left="mean cost (log scale)", log_y=True)
        self.compare_legend = kp.addLegend(offset=(-10, 10), labelTextColor=plot_colours().text,
                                           brush=plot_colours().readout_fill())
        self.compare_curves: dict[str, pg.PlotDataItem] = {}
        self.compare_minima = pg.ScatterPlotItem(size=10, pen=pg.mkPen("k"), brush="w")
        kp.addItem(self.compare_minima)

    def _lay_out(self):
        search_box = QGroupBox("Exhaustive search")
        sf = QFormLayout(search_box)
        rng = QHBoxLayout()
        rng.addWidget(self.lo)
        rng.addWidget(plain_label("to"))
        rng.addWidget(self.hi)
        sf.addRow(plain_label("range"), rng)
        sf.addRow(plain_label("guesses"), self.candidates)
        sf.addRow(self.search_button)
        descent_box = QGroupBox("Gradient descent")
        df = QFormLayout(descent_box)
        df.addRow(plain_label("optimizer"), self.optimizer)
        df.addRow(plain_label("learning rate"), self.lr)
        df.addRow(plain_label("steps"), self.steps)
        df.addRow(plain_label("speed"), self.interval)
        buttons = QHBoxLayout()
        buttons.addWidget(self.roll_button)
        buttons.addWidget(self.step_button)
        df.addRow(buttons)
        side = QVBoxLayout()
        top = QFormLayout()
        top.addRow(plain_label("parameter"), self.param)
        top.addRow(plain_label("cost"), self.output)
        side.addLayout(top)
        side.addWidget(search_box)
        side.addWidget(descent_box)
        side.addWidget(self.info)
        side.addStretch(1)
        side_w = QWidget()
        side_w.setLayout(side)
        side_w.setMaximumWidth(340)
        # wide: the two plots side by side, the controls on the right; a narrow column stacks them
        plots = AdaptiveSplitter()
        plots.addWidget(self.curve_plot)
        plots.addWidget(self.compare_plot)
        self.split = AdaptiveSplitter(narrow=900, natural=1, share=0.4)
        self.split.addWidget(plots)
        self.split.addWidget(scrolled(side_w))
        self.split.setStretchFactor(0, 1)
        self.split.setStretchFactor(1, 0)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.split)

    def _connect(self):
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.search_button.clicked.connect(self.run_search)
        self.roll_button.clicked.connect(self.roll)
        self.step_button.clicked.connect(self.one_step)
        self.param.currentIndexChanged.connect(self._rebuild)
        self.output.currentIndexChanged.connect(self._rebuild)
        self.lo.valueChanged.connect(self._redraw_curves)
        self.hi.valueChanged.connect(self._redraw_curves)
        s = self.session
        s.sigDocumentChanged.connect(self._on_document_change)
        follow_learning_rate(self.lr, s)                            # the session's one learning rate
        s.sigShownParamsChanged.connect(self._on_params_change)     # after every edit, not every step

    @property
    def busy(self) -> bool:
        return self.timer.isActive()

    def shutdown(self):
        """Stop the marble (the window is closing)."""
        self.timer.stop()

    # -- the graph ---------------------------------------------------------------------------
    def _full_graph(self):
        doc = self.session.document
        full = doc.source.full_graph if doc is not None and doc.source is not None else None
        model = self.session.model
        return full if full is not None else (model.graph if model is not None else None)

    def _outputs(self, graph) -> list[str]:
        if graph.loss is not None:
            return [graph.loss]
        users = graph.users()
        return [n for n in graph.order if not users[n] and not graph.nodes[n].is_leaf]

    def _feeds(self):
        model = self.session.model
        cols = dict(model.data.columns)
        if not cols:
            cols = {k: np.array([v]) for k, v in model.samples()[0].items()}
        return cols

    def catch_up(self):
        stale, self._stale = self._stale, None
        if stale == "document":
            self._on_document_change()
        elif stale == "params":
            self._on_params_change()

    def _on_document_change(self):
        self.timer.stop()
        if self.hidden_now():
            self._stale = "document"
            return
        model = self.session.model
        graph = self._full_graph()
        for combo in (self.param, self.output):
            combo.blockSignals(True)
            combo.clear()
        if model is not None and graph is not None:
            self.param.addItems(model.graph.param_names)
            chosen = model.graph.loss or (model.graph.outputs[0] if model.graph.outputs else None)
            for o in self._outputs(graph):
                self.output.addItem(cost_label(o), o)
            if chosen is not None and self.output.findData(chosen) >= 0:
                self.output.setCurrentIndex(self.output.findData(chosen))
            t = model.training
            self.optimizer.setCurrentIndex(max(0, self.optimizer.findData(t.optimizer)))
        for combo in (self.param, self.output):
            combo.blockSignals(False)
        self._rebuild(reset_range=True)

    def _rebuild(self, *_, reset_range=False):
        self.timer.stop()
        self.search = None
        self.path = None
        model = self.session.model
        graph = self._full_graph()
        p, out = self.param.currentText(), self.output.currentData()
        if model is None or graph is None or not p or out is None:
            self.cost = None
            self.info.setText("This panel needs a graph with a parameter.")
            return
        params = current_params(self.session)
        try:
            self.cost = OneParameterCost(graph, params, self._feeds(), p, out)
        except Exception as exc:        # a graph this panel cannot evaluate: say so
            self.cost = None
            self.info.setText(f"Cannot plot the cost: {exc}")
            return
        if reset_range or self.hi.value() <= self.lo.value():
            self._default_range(params[p])
        self._redraw_curves()

    def _default_range(self, x0):
        # around the data the parameter is compared with, and the current guess
        cols = [np.asarray(v, float) for v in self._feeds().values()]
        vals = np.concatenate(cols + [np.array([x0])]) if cols else np.array([x0 - 1, x0 + 1])
        lo, hi = float(vals.min()), float(vals.max())
        pad = max(0.15 * (hi - lo), 1.0)
        for w, v in ((self.lo, lo - pad), (self.hi, hi + pad)):
            w.blockSignals(True)
            w.setValue(np.floor(v))
            w.blockSignals(False)

    def _xs(self, n):
        return np.linspace(self.lo.value(), self.hi.value(), n)

    def _redraw_curves(self, *_):
        if self.cost is None or self.hi.value() <= self.lo.value():
            return
        xs = self._xs(CURVE_POINTS)
        c = self.cost
        with np.errstate(all="ignore"):
            y = c.value(xs)
        self.curve.setData(xs, y)
        cp = self.curve_plot.getPlotItem()
        cp.setLabel("bottom", escape(c.param), color=text_colour())
        cp.setLabel("left", escape(f"mean cost  {cost_label(c.output)}") if c.output != c.loss else "loss",
                    color=text_colour())
        # every candidate cost on the same data
        graph = self._full_graph()
        outs = self._outputs(graph)
        with np.errstate(all="ignore"):
            totals = c.totals(xs, outs)
        for name in list(self.compare_curves):
            if name not in totals:
                self.compare_plot.removeItem(self.compare_curves.pop(name))
        mins_x, mins_y = [], []
        self.compare_legend.clear()
        for k, (name, ys) in enumerate(totals.items()):
            item = self.compare_curves.get(name)
            if item is None:
                colour = COST_COLOURS[k % len(COST_COLOURS)]
                width = 3.5 if name == c.output else 2
                item = self.compare_plot.plot(pen=pg.mkPen(colour, width=width))
                self.compare_curves[name] = item
            finite = np.where(np.isfinite(ys) & (ys > 0), ys, np.nan)
            item.setData(xs, finite, connect="finite")
            i = int(np.nanargmin(finite)) if np.isfinite(finite).any() else None
            label = cost_label(name)
            if i is not None:
                mins_x.append(xs[i])
                mins_y.append(np.log10(finite[i]))
                label += f": lowest at {fmt(xs[i])}"
            self.compare_legend.addItem(item, escape(label))
        self.compare_minima.setData(mins_x, mins_y)
        self.compare_plot.getPlotItem().setTitle(compare_title(len(totals)), color=text_colour())
        self.compare_plot.getPlotItem().setLabel("bottom", escape(c.param), color=text_colour())
        self._draw_search()
        self._draw_path()
        self._on_params_change()

    # -- exhaustive search --------------------------------------------------------------------
    def run_search(self):
        if self.cost is None:
            return
        self.search = exhaustive_search(self.cost, self._xs(self.candidates.value()))
        self._draw_search()
        self._describe()

    def _draw_search(self):
        if self.search is None:
            self.searched.setData([], [])
            self.best.setData([], [])
            return
        xs, cs, i = self.search
        self.searched.setData(xs, cs)
        self.best.setData([xs[i]], [cs[i]])

    # -- gradient descent ----------------------------------------------------------------------
    def _hyper(self):
        return {"momentum": 0.9} if self.optimizer.currentData() in ("momentum", "nesterov") else {}

    def roll(self):
        """Descend from the current parameter value, animated step by step."""
        if self.cost is None:
            return
        start = current_params(self.session)[self.cost.param]
        self.path = descend(self.cost, start, self.optimizer.currentData(), self.session.learning_rate,
                            self.steps.value(), **self._hyper())
        self.frame = 0
        if self.interval.value() <= 0:
            self.frame = len(self.path[0]) - 1
        else:
            self.timer.start(self.interval.value())
        self._draw_path()
        self._describe()

    def one_step(self):
        if self.path is None:
            self.roll()
            self.timer.stop()
            return
        self.timer.stop()
        self._tick()

    def _tick(self):
        if self.path is None or self.frame >= len(self.path[0]) - 1:
            self.timer.stop()
            return
        self.frame += 1
        self._draw_path()
        self._describe()

    def _draw_path(self):
        if self.path is None:
            for it in (self.trail, self.marble, self.tangent):
                it.setData([], [])
            return
        xs, cs, gs = self.path
        k = min(self.frame, len(xs) - 1)
        colour = OPTIMIZER_COLOURS.get(self.optimizer.currentData(), (0, 0, 0))
        self.trail.setData(xs[:k + 1], cs[:k + 1], symbolBrush=colour, pen=pg.mkPen(colour, width=1.5,
                                                                                  style=Qt.DashLine))
        self.marble.setData([xs[k]], [cs[k]], brush=colour)
        half = 0.12 * (self.hi.value() - self.lo.value())
        tx = np.array([xs[k] - half, xs[k] + half])
        self.tangent.setData(tx, cs[k] + gs[k] * (tx - xs[k]))

    def _describe(self):
        parts = []
        p = escape(self.cost.param if self.cost else "?")
        if self.search is not None:
            xs, cs, i = self.search
            parts.append(f"<b>Exhaustive search</b>: {len(xs)} evaluations, lowest at {p} = {fmt(xs[i])} "
                         f"(cost {fmt(cs[i])})")
        if self.path is not None:
            xs, cs, gs = self.path
            k = min(self.frame, len(xs) - 1)
            text = (f"<b>Gradient descent</b> ({escape(self.optimizer.currentText())}), step {k} of {len(xs) - 1}: "
                    f"{p} = {fmt(xs[k])}, cost {fmt(cs[k])}, slope {fmt(gs[k])}<br>"
                    "<span style='color:#e61e1e'>red line</span>: the slope (tangent) at the marble")
            if self.optimizer.currentData() == "sgd" and k < len(xs) - 1:
                text += (f"; the next step moves {p} by −learning rate × slope = "
                         f"{fmt(-self.session.learning_rate * gs[k])}")
            parts.append(text)
        self.info.setText(f"<qt>{'<br><br>'.join(parts)}</qt>")

    def _on_params_change(self, *_):
        if self.hidden_now():
            self._stale = self._stale or "params"
            return
        if self.cost is None:
            return
        params = current_params(self.session)
        x = params.get(self.cost.param)
        if x is not None:
            self.current.setValue(x)
            others = {k: v for k, v in params.items() if k != self.cost.param}
            if any(_changed(self.cost.params.get(k), v) for k, v in others.items()):
                self._rebuild()
