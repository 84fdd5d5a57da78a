"""How each layer bends the plane: for a network with two inputs, the input
plane's grid lines and the training samples after each hidden layer
(``engine.inside.bent_planes``), one layer at a time.  Layer 0 is the input
plane; stepping on shows what each hidden layer makes of it, until the
classes lie where one line can split them (why XOR needs a hidden layer)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QPushButton, QVBoxLayout

from ...engine.inside import BentPlane, bent_planes
from ...engine.plotting_data import label_range
from ..text import plain_label
from .adaptive import FlowLayout, RefreshingPanel, labelled
from .source import as_source, current_params
from .style import BACKGROUND, CLASS_CMAP, style_plot

GRID_PEN = pg.mkPen((90, 90, 90), width=1.5)


class LayersPanel(RefreshingPanel):
    """The bent input plane, layer by layer, on two neurons of the layer."""

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = as_source(session)
        self.planes: list[BentPlane] = []
        self.layer = 0
        self.back_button = QPushButton("◀ layer")
        self.next_button = QPushButton("layer ▶")
        self.x_axis = QComboBox()
        self.y_axis = QComboBox()
        self.title = plain_label(" ")
        self.title.setWordWrap(True)
        self.view = pg.PlotWidget(background=BACKGROUND)
        self.plot = self.view.getPlotItem()
        style_plot(self.plot)
        self.plot.setAspectLocked(False)
        self.lines = pg.PlotDataItem(pen=GRID_PEN, connect="finite")
        self.points = pg.ScatterPlotItem(size=11, pen=pg.mkPen("w", width=1))
        self.plot.addItem(self.lines)
        self.plot.addItem(self.points)
        controls = FlowLayout()
        for w in (self.back_button, self.next_button):
            controls.addWidget(w)
        controls.addWidget(labelled("x", self.x_axis))
        controls.addWidget(labelled("y", self.y_axis))
        lay = QVBoxLayout(self)
        lay.addLayout(controls)
        lay.addWidget(self.title)
        lay.addWidget(self.view, 1)
        self.back_button.clicked.connect(lambda: self.show_layer(self.layer - 1))
        self.next_button.clicked.connect(lambda: self.show_layer(self.layer + 1))
        self.x_axis.currentIndexChanged.connect(lambda *_: self._draw())
        self.y_axis.currentIndexChanged.connect(lambda *_: self._draw())
        self.session.sigDocumentChanged.connect(self.changed)
        self.session.sigShownParamsChanged.connect(self.changed)
        self.changed()

    def refresh(self):
        m = self.session.model
        if m is None or m.spec is None or len(m.spec.inputs) != 2:
            self.planes = []
            self.title.setText("Bending the plane needs a layered network with two inputs.")
            self.lines.setData([], [])
            self.points.setData([])
            return
        with np.errstate(all="ignore"):
            self.planes = bent_planes(m, current_params(self.session))
        self._levels = label_range(m)
        self.show_layer(min(self.layer, len(self.planes) - 1))

    def show_layer(self, layer: int):
        if not self.planes:
            return
        self.layer = max(0, min(int(layer), len(self.planes) - 1))
        names = self.planes[self.layer].neurons
        for box, default in ((self.x_axis, 0), (self.y_axis, 1)):
            box.blockSignals(True)
            keep = box.currentText()
            box.clear()
            box.addItems(list(names))
            box.setCurrentIndex(names.index(keep) if keep in names else min(default, len(names) - 1))
            box.blockSignals(False)
        self.back_button.setEnabled(self.layer > 0)
        self.next_button.setEnabled(self.layer < len(self.planes) - 1)
        self._draw()

    def _draw(self):
        if not self.planes:
            return
        plane = self.planes[self.layer]
        i, j = max(self.x_axis.currentIndex(), 0), max(self.y_axis.currentIndex(), 0)
        lines, points = plane.axes(i, j)
        gap = np.full((1, 2), np.nan)
        path = np.concatenate([np.concatenate([ln, gap]) for ln in lines]) if lines else np.zeros((0, 2))
        self.lines.setData(path[:, 0], path[:, 1])
        lo, hi = self._levels
        colours = CLASS_CMAP.map(np.clip((plane.classes - lo) / ((hi - lo) or 1.0), 0, 1), mode="qcolor")
        self.points.setData(pos=points, brush=colours)
        self.plot.setLabel("bottom", plane.neurons[i])
        self.plot.setLabel("left", plane.neurons[j])
        where = "the input plane" if self.layer == 0 else f"after hidden layer {self.layer}"
        self.title.setText(f"Layer {self.layer} of {len(self.planes) - 1}: {where}; grid lines of the input plane "
                           f"and the training samples, on {plane.neurons[i]} and {plane.neurons[j]}.")
        self.plot.enableAutoRange()
