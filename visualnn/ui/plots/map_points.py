"""Points on the training panel's decision map: a click adds a training sample
of the chosen class where it lands, a right-click takes out the sample under
the pointer, a Ctrl+click chooses the sample the stepper traces (ringed).
Adding and removing are one undo step each on the session model (``add_sample`` /
``remove_sample``); the sample is computed by ``engine.features.sample_at``
(its input features too).  Only with a session (a bare model is read-only)."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QObject, QPointF, Qt
from PySide6.QtWidgets import QComboBox

from ...engine.features import class_labels, nearest_sample, plane_inputs, sample_at
from ..text import plain_label

REMOVE_RADIUS_PX = 12          # a right-click this close to a point removes it


class MapPointEditor(QObject):
    """Adds and removes training points by clicking the ``panel``'s decision map."""

    def __init__(self, panel, form):
        super().__init__(panel)
        self.panel = panel
        self.core = getattr(panel.session, "core", None)         # the SessionModel, when there is one
        self.class_box = QComboBox()
        self.class_box.setToolTip("The class of the points a click on the decision map adds "
                                  "(right-click a point to remove it, Ctrl+click it to step through it)")
        form.addRow(plain_label("New points"), self.class_box)
        plot = panel.boundary_plot
        self.view_box = plot.getPlotItem().getViewBox()
        if self.core is not None:
            self.view_box.setMenuEnabled(False)                   # the right button removes points here
        self.traced = pg.ScatterPlotItem(size=20, symbol="o", brush=None, pen=pg.mkPen((20, 20, 20), width=2.5))
        self.traced.setZValue(10)
        plot.getPlotItem().addItem(self.traced)
        plot.scene().sigMouseClicked.connect(self._on_click)
        panel.session.sigDocumentChanged.connect(self._on_document_change)
        panel.session.sigParamsChanged.connect(self._ring_traced)         # another sample is a recomputed trace
        self._on_document_change()

    @property
    def enabled(self) -> bool:
        m = self.panel.session.model
        return self.core is not None and m is not None and plane_inputs(m) is not None and bool(class_labels(m))

    def _on_document_change(self):
        m = self.panel.session.model
        labels = class_labels(m) if m is not None else []
        current = self.class_box.currentData()
        self.class_box.clear()
        for v in labels:
            self.class_box.addItem(f"class {v:g}", v)
        if current in labels:
            self.class_box.setCurrentIndex(labels.index(current))
        self.class_box.setEnabled(self.enabled)
        self._ring_traced()

    def _ring_traced(self):
        """A ring around the sample the stepper traces."""
        s = self.panel.session
        m = s.model
        plane = plane_inputs(m) if m is not None else None
        i = getattr(s, "sample_index", None)
        if plane is None or i is None or not m.data.columns or i >= len(m.data):
            self.traced.setData([])
            return
        self.traced.setData([float(m.data.columns[plane[0]][i])], [float(m.data.columns[plane[1]][i])])

    def _on_click(self, event):
        if not self.enabled:          # a quick second click (a "double" click) is a point too
            return
        pos = self.view_box.mapSceneToView(event.scenePos())
        if not self.view_box.sceneBoundingRect().contains(event.scenePos()):
            return
        if event.button() == Qt.LeftButton and event.modifiers() & Qt.ControlModifier:
            self.trace_point(pos.x(), pos.y())
        elif event.button() == Qt.LeftButton:
            self.add_point(pos.x(), pos.y())
        elif event.button() == Qt.RightButton:
            self.remove_point(pos.x(), pos.y())
        event.accept()

    def add_point(self, x: float, y: float) -> None:
        m = self.panel.session.model
        label = self.class_box.currentData()
        self.core.add_sample(sample_at(m, x, y, label), text=f"add a point of class {label:g}")

    def trace_point(self, x: float, y: float) -> None:
        """Step through the training sample nearest (x, y)."""
        i = nearest_sample(self.panel.session.model, x, y)
        if i is not None:
            self.panel.session.set_sample(i)

    def remove_point(self, x: float, y: float) -> bool:
        """Remove the sample nearest (x, y) when it is within a few pixels."""
        m = self.panel.session.model
        i = nearest_sample(m, x, y)
        if i is None or len(m.data) < 2:
            return False
        a, b = plane_inputs(m)
        px = self.view_box.mapViewToScene(self._point(m.data.columns[a][i], m.data.columns[b][i]))
        here = self.view_box.mapViewToScene(self._point(x, y))
        if (px - here).manhattanLength() > 2 * REMOVE_RADIUS_PX:
            return False
        self.core.remove_sample(i)
        return True

    @staticmethod
    def _point(x, y) -> QPointF:
        return QPointF(float(x), float(y))
