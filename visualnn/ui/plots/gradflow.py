"""Gradient flow: how large the gradients are in each layer.

Top: per layer, the mean |dL/dw| of the current step (the gradients the
backward pass has sent so far for this sample, ``State.param_gradients``)
as bars, log scale, first layer on the left: a vanishing gradient is a
staircase down to the left.  Middle: histograms of every layer's weights and
gradients.  Bottom: the per-layer mean |dL/dw| over training, from a run of
``engine.inside.gradient_history`` started here (off the GUI thread).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QPushButton, QSpinBox, QVBoxLayout

from ...engine.inside import LayerGradients, gradient_history, layer_gradients
from ..text import plain_label
from .adaptive import FlowLayout, RefreshingPanel, labelled
from .source import as_source, current_params
from .style import BACKGROUND, fmt, style_plot
from .worker import JobRunner

LAYER_COLOURS = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189), (140, 86, 75),
                 (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207)]
FLOOR = 1e-12               # a zero gradient drawn at this height on the log scale
BINS = 20


def _colour(l: int):
    return LAYER_COLOURS[(l - 1) % len(LAYER_COLOURS)]


def _log(x: np.ndarray) -> np.ndarray:
    return np.log10(np.maximum(np.abs(x), FLOOR))


class GradientFlowPanel(RefreshingPanel):
    """Per-layer gradient sizes and histograms, now and over training."""

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = as_source(session)
        self.layers: list[LayerGradients] = []
        self.history = None
        self.jobs = JobRunner(self)
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 100000)
        self.epochs.setValue(200)
        self.run_button = QPushButton("Train from here and record")
        self.readout = plain_label(" ")
        self.readout.setWordWrap(True)
        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground(BACKGROUND)
        self.bars_plot = self.view.addPlot(row=0, col=0, colspan=2)
        style_plot(self.bars_plot, left="log10 mean |dL/dw|", bottom="layer (input side left)")
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.6, y0=np.log10(FLOOR))
        self.bars_plot.addItem(self.bars)
        self.weights_plot = self.view.addPlot(row=1, col=0)
        style_plot(self.weights_plot, left="count", bottom="weights")
        self.grads_plot = self.view.addPlot(row=1, col=1)
        style_plot(self.grads_plot, left="count", bottom="dL/dw")
        self.history_plot = self.view.addPlot(row=2, col=0, colspan=2)
        style_plot(self.history_plot, left="log10 mean |dL/dw|", bottom="epoch")
        self.history_plot.addLegend(offset=(-10, 10))
        controls = FlowLayout()
        controls.addWidget(labelled("epochs", self.epochs))
        controls.addWidget(self.run_button)
        lay = QVBoxLayout(self)
        lay.addLayout(controls)
        lay.addWidget(self.readout)
        lay.addWidget(self.view, 1)
        self.run_button.clicked.connect(self.run_history)
        self.session.sigStateChanged.connect(self.changed)
        self.session.sigDocumentChanged.connect(self._on_document)
        self.session.sigParamsChanged.connect(self.changed)
        self._on_document()

    # -- now ------------------------------------------------------------------------------------
    def _on_document(self, *_):
        self.jobs.cancel()
        self.history = None
        self.history_plot.clear()
        self.changed()

    def refresh(self):
        m = self.session.model
        if m is None or m.spec is None:
            self.layers = []
            self.readout.setText("Gradient flow needs a layered network.")
            return
        st = self.session.state
        grads = st.param_gradients if st is not None else {}
        self.layers = layer_gradients(m.spec, current_params(self.session), grads)
        means = np.array([L.mean_abs_gradient for L in self.layers])
        self.bars.setOpts(x=np.arange(1, len(means) + 1), height=_log(means) - np.log10(FLOOR),
                          brushes=[pg.mkBrush(*_colour(L.layer)) for L in self.layers])
        self.bars_plot.setYRange(max(float(_log(means).min()) - 1, np.log10(FLOOR)), float(_log(means).max()) + 0.5)
        self._histograms()
        self.readout.setText("mean |dL/dw| by layer, this sample so far: " +
                             ", ".join(f"{L.layer}: {fmt(L.mean_abs_gradient)}" for L in self.layers))

    def _histograms(self):
        for plot, values in ((self.weights_plot, [L.weights for L in self.layers]),
                             (self.grads_plot, [L.gradients for L in self.layers])):
            plot.clear()
            allv = np.concatenate(values) if values else np.zeros(0)
            allv = allv[np.isfinite(allv)]
            if not allv.size:
                continue
            lo, hi = float(allv.min()), float(allv.max())
            edges = np.linspace(lo - 0.5, hi + 0.5, BINS + 1) if hi == lo else np.linspace(lo, hi, BINS + 1)
            for L, v in zip(self.layers, values):
                counts, _ = np.histogram(v[np.isfinite(v)], bins=edges)
                plot.plot(edges, counts, stepMode="center", pen=pg.mkPen(*_colour(L.layer), width=2))

    # -- over training --------------------------------------------------------------------------
    def run_history(self):
        m = self.session.model
        if m is None or m.spec is None or not m.data.columns:
            self.readout.setText("Recording over training needs a layered network with training data.")
            return
        model = m.copy()
        params = current_params(self.session)
        epochs = self.epochs.value()
        self.jobs.start(lambda job: gradient_history(model, params, epochs, cancelled=job.cancelled),
                        self._show_history, self.readout.setText)

    def _show_history(self, history):
        self.history = history
        self.history_plot.clear()
        legend = self.history_plot.legend
        if legend is not None:
            legend.clear()
        for l in range(history.mean_abs.shape[1]):
            self.history_plot.plot(history.epochs, _log(history.mean_abs[:, l]),
                                   pen=pg.mkPen(*_colour(l + 1), width=2), name=f"layer {l + 1}")
        if history.stopped:
            self.readout.setText(f"Recording stopped: {history.stopped}")

    def shutdown(self):
        self.jobs.cancel()

    def wait(self, ms: int = 10000) -> bool:
        return self.jobs.wait(ms)
