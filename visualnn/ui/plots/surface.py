"""Loss surfaces: the loss over two chosen parameters (or an analytic teaching
surface) as a heat map with contour lines and in 3-D, the current point with
its downhill arrow, and marbles rolled by five optimizers.

The engine computes every number (``engine.surface``); surfaces are evaluated
in a background thread, strip by strip, with a progress bar and Cancel.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...engine.plotting_data import loss_surface_in_strips
from ...engine.surface import ANALYTIC, default_pair, default_span
from ..text import plain_label, rich_label
from .adaptive import AdaptiveSplitter, FlowLayout, LazyPanel, labelled, scrolled
from .marble import MarbleControls, MarbleRace
from .source import as_source, current_params
from .surface3d import Surface3DView, platform_without_gl
from .surface_map import SurfaceMap
from .surface_roll import NETWORK, CurrentPoint, MarbleRolling
from .worker import JOIN_MS, JobRunner

DEFAULT_N = 101              # odd: the current point is a grid point
RECOMPUTE_DELAY = 150        # ms: parameter edits arrive in bursts


class SurfacePanel(CurrentPoint, MarbleRolling, LazyPanel):
    """Pick a surface, see it in 2-D and 3-D, follow the current point, roll marbles."""
    sigSurfaceReady = Signal()
    sigMarblesReady = Signal()

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = as_source(session)
        self.surface = None
        self.kind = NETWORK
        self.start: tuple[float, float] | None = None
        self._start_clicked = False
        self._surface_params: dict[str, float] = {}
        self._surface_samples = None
        self._point_params: dict[str, float] = {}
        self._stale = False              # hidden while the network or the surface's settings changed
        self._point_stale = False        # hidden while the weights changed
        self._pending = ({}, None)
        self._span_pending = False       # a new network: choose the range that shows its bowl
        self.paths: dict = {}

        self._make_controls()
        self._make_views()
        self._lay_out()
        self._connect()
        self._on_document_change()

    def _make_controls(self):
        self.source = QComboBox()
        self.source.addItem("Network: two parameters", NETWORK)
        for name, s in ANALYTIC.items():
            self.source.addItem(f"Teaching surface: {s.title}", name)
        self.p1 = QComboBox()
        self.p2 = QComboBox()
        self.span = QDoubleSpinBox()
        self.span.setRange(0.01, 1000.0)
        self.span.setValue(2.0)
        self.span.setPrefix("± ")
        self.span.setToolTip("The grid reaches this far either side of each parameter's current value")
        self.resolution = QSpinBox()
        self.resolution.setRange(11, 801)
        self.resolution.setSingleStep(10)
        self.resolution.setValue(DEFAULT_N)
        self.resolution.setToolTip("Grid points along each axis")
        self.data = QComboBox()
        self.data.addItem("all samples", "all")
        self.data.addItem("the stepper's sample", "current")
        self.log = QCheckBox("log colours")
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(140)
        self.cancel_button = QPushButton("Cancel")
        self.progress.hide()
        self.cancel_button.hide()
        self.info = rich_label()
        self.info.setWordWrap(True)
        self.hover = plain_label(" ")

    def _make_views(self):
        self.map = SurfaceMap()
        # the 3-D view (OpenGL, and its composition into every repaint of the window) is made
        # when its tab is first shown
        self._view3d: Surface3DView | None = None
        self._tab3d = QWidget()
        QVBoxLayout(self._tab3d).setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.map, "2-D map")
        self.tabs.addTab(self._tab3d, "3-D" if platform_without_gl() is None else "3-D (unavailable)")
        self.tabs.currentChanged.connect(self._on_tab_change)
        self.marble = MarbleControls()
        self.race = MarbleRace(self)
        self.jobs = JobRunner(self)
        self.marble_jobs = JobRunner(self)

    def _lay_out(self):
        for combo in (self.source, self.p1, self.p2, self.data):
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.source.setMinimumContentsLength(22)
        self.data.setMinimumContentsLength(12)
        for combo in (self.p1, self.p2):
            combo.setMinimumContentsLength(6)
        # the controls wrap onto as many lines as the panel's width needs
        controls = FlowLayout()
        controls.addWidget(self.source)
        self._pair = labelled("x:", self.p1)
        self._pair2 = labelled("y:", self.p2)
        self.pair_label, self.p2_label = self._pair.label, self._pair2.label
        self._span = labelled("range", self.span)
        self.span_label = self._span.label
        self._data = labelled("loss over", self.data)
        self.data_label = self._data.label
        for w in (self._pair, self._pair2, self._span, labelled("grid", self.resolution), self._data, self.log,
                  self.progress, self.cancel_button):
            controls.addWidget(w)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.tabs, 1)
        ll.addWidget(self.hover)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.info)
        rl.addWidget(self.marble)
        rl.addStretch(1)
        # side by side when the panel is wide; the map above its readout and marbles in a narrow column
        self.split = AdaptiveSplitter(natural=1, share=0.45)
        self.split.addWidget(left)
        self.split.addWidget(scrolled(right))
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(controls)
        lay.addWidget(self.split, 1)

    def _connect(self):
        self._recompute = QTimer(self)
        self._recompute.setSingleShot(True)
        self._recompute.setInterval(RECOMPUTE_DELAY)
        self._recompute.timeout.connect(self.compute)
        self.source.currentIndexChanged.connect(self._on_source_change)
        self.p1.currentIndexChanged.connect(self._schedule)
        self.p2.currentIndexChanged.connect(self._schedule)
        self.span.valueChanged.connect(self._schedule)
        self.resolution.valueChanged.connect(self._schedule)
        self.data.currentIndexChanged.connect(self._schedule)
        self.log.toggled.connect(self._redraw)
        self.cancel_button.clicked.connect(self.cancel)
        for runner in (self.jobs, self.marble_jobs):
            runner.sigProgress.connect(lambda f: self.progress.setValue(int(100 * f)))
            runner.sigBusy.connect(self._on_busy)
        self.map.sigClicked.connect(self._on_map_clicked)
        self.map.sigHover.connect(self.hover.setText)
        self.marble.sigRoll.connect(self.roll)
        self.marble.sigAgain.connect(self.again)
        self.marble.sigStop.connect(self.race.stop)
        self.race.sigFrame.connect(self._on_frame)
        s = self.session
        s.sigDocumentChanged.connect(self._on_document_change)
        s.sigSelectionChanged.connect(self._on_selection_change)
        # the point moves when the weights in effect change (an update step, an edit), not every step
        s.sigShownParamsChanged.connect(self._on_params_change)

    # -- the 3-D view ----------------------------------------------------------------------
    @property
    def view3d(self) -> Surface3DView:
        """The 3-D view, made (and brought up to date) on first use."""
        if self._view3d is None:
            view = Surface3DView()
            self._tab3d.layout().addWidget(view)
            self._view3d = view
            self.tabs.setTabText(1, "3-D" if view.available else "3-D (unavailable)")
            if self.surface is not None:
                view.set_surface(self.surface.xs, self.surface.ys, self.surface.Z, log=self.log.isChecked())
                self._update_point()
                self._on_frame(self.race.frame)
        return self._view3d

    def _on_tab_change(self, index: int):
        if self.tabs.widget(index) is self._tab3d and self._view3d is None:
            _ = self.view3d         # made on first sight

    # -- choosing the surface ------------------------------------------------------------
    def _on_document_change(self):
        self.cancel()
        self.race.stop()
        model = self.session.model
        names = list(model.graph.param_names) if model is not None else []
        for combo in (self.p1, self.p2):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(names)
            combo.blockSignals(False)
        pick = default_pair(model) if model is not None else None
        if pick is not None:
            self.p1.setCurrentText(pick[0])
            self.p2.setCurrentText(pick[1])
        self._span_pending = pick is not None     # chosen when first computed: where the bowl shows
        trainable = model is not None and model.graph.loss is not None and len(names) >= 2
        self.source.model().item(0).setEnabled(trainable)
        self.source.blockSignals(True)
        # a new network shows its own surface; without one, the bowl: something to look at
        self.source.setCurrentIndex(0 if trainable else 1)
        self.source.blockSignals(False)
        if self.hidden_now():
            self._stale = True
            self.kind = self.source.currentData()
            return
        self._on_source_change()

    def set_source(self, key: str):
        i = self.source.findData(key)
        if i < 0:
            raise ValueError(f"no surface {key!r}")
        self.source.setCurrentIndex(i)

    def set_pair(self, p1: str, p2: str):
        self.set_source(NETWORK)
        for combo, name in ((self.p1, p1), (self.p2, p2)):
            combo.blockSignals(True)
            combo.setCurrentText(name)
            combo.blockSignals(False)
        self._schedule()

    def _on_source_change(self, *_):
        self.kind = self.source.currentData()
        net = self.kind == NETWORK
        for w in (self._pair, self._pair2, self._span, self._data):
            w.setVisible(net)
        self.log.blockSignals(True)
        self.log.setChecked(False if net else ANALYTIC[self.kind].log_scale)
        self.log.blockSignals(False)
        self.marble.set_presets(self.kind)
        self.start = None
        self._start_clicked = False
        self.paths = {}
        self.race.set_paths({})
        self.marble.clear_losses()
        self.compute()

    def _on_selection_change(self):
        picked = self.session.selected_params()
        if len(picked) >= 2:
            self.set_pair(picked[-2], picked[-1])

    def _schedule(self, *_):
        if self.hidden_now():
            self._stale = True
            return
        self._recompute.start()

    def catch_up(self):
        if self._stale:
            self._stale = False
            self._point_stale = False
            self._on_source_change()
        elif self._point_stale:
            self._point_stale = False
            self._on_params_change()

    # -- computing ----------------------------------------------------------------------
    def _samples(self, model):
        if self.data.currentData() != "current":
            return None
        return self.session.sample_index

    def compute(self):
        """(Re)compute the surface in the background; the old one stays until then."""
        self._recompute.stop()
        self.race.stop()
        self.cancel()                 # a surface still being computed is not wanted any more
        n = self.resolution.value()
        if self.kind != NETWORK:
            surface = ANALYTIC[self.kind].surface(n)
            self._show_surface(surface)
            return
        model = self.session.model
        p1, p2 = self.p1.currentText(), self.p2.currentText()
        if model is None or not p1 or not p2:
            return
        if p1 == p2:
            self.info.setText("Choose two different parameters.")
            return
        params = current_params(self.session)
        if self._span_pending:
            self._span_pending = False
            self.span.blockSignals(True)
            self.span.setValue(default_span(model, p1, p2, params, self._samples(model)))
            self.span.blockSignals(False)
        span = self.span.value()
        c1, c2 = params[p1], params[p2]
        samples = self._samples(model)
        self._pending = (dict(params), samples)

        def work(job):
            with np.errstate(all="ignore"):       # a loss may be infinite in a corner of the grid
                return loss_surface_in_strips(model, p1, p2, (c1 - span, c1 + span), (c2 - span, c2 + span),
                                              n, params=params, samples=samples, progress=job.progress,
                                              cancelled=job.cancelled)

        self.jobs.start(work, self._on_surface_done, self._on_failed)

    def _on_surface_done(self, surface):
        if surface is None or self.kind != NETWORK:
            return
        self._surface_params, self._surface_samples = self._pending
        self._show_surface(surface)

    def _on_failed(self, message):
        self.info.setText(f'<span style="color:#c0392b">Cannot compute the surface: {message}</span>')

    def _on_busy(self, busy):
        shown = self.jobs.busy or self.marble_jobs.busy       # a surface, or marbles rolling
        self.progress.setVisible(shown)
        self.cancel_button.setVisible(shown)
        if busy:
            self.progress.setValue(0)

    def cancel(self):
        self.jobs.cancel()
        self.marble_jobs.cancel()

    @property
    def busy(self) -> bool:
        """A surface or marble computation is pending or running."""
        return self._recompute.isActive() or self.jobs.busy or self.marble_jobs.busy

    def wait(self, ms=10000) -> bool:
        """Start any pending recomputation now and block until the threads are
        done; their results arrive with the next event processing."""
        if self._recompute.isActive():
            self.compute()
        return self.jobs.wait(ms) and self.marble_jobs.wait(ms)

    def shutdown(self):
        """Stop computing and animating, and join the threads (the window is closing)."""
        self._recompute.stop()
        self.cancel()
        self.race.stop()
        self.jobs.wait(JOIN_MS)
        self.marble_jobs.wait(JOIN_MS)

    def closeEvent(self, ev):
        self.shutdown()
        super().closeEvent(ev)

    def _labels(self):
        if self.kind == NETWORK:
            return self.surface.p1, self.surface.p2
        return "x", "y"

    def _show_surface(self, surface):
        self.surface = surface
        self._redraw()
        if self.kind != NETWORK:
            a = ANALYTIC[self.kind]
            self.map.minima.setData([m[0] for m in a.minima], [m[1] for m in a.minima])
        else:
            self.map.minima.setData([], [])
        # paths rolled on the previous surface no longer apply
        self.paths = {}
        self.race.set_paths({})
        self.marble.clear_losses()
        if not self._start_clicked:
            self.start = self.point()
        self.map.set_start(*self.start)
        self.sigSurfaceReady.emit()

    def _redraw(self, *_):
        if self.surface is None:
            return
        log = self.log.isChecked()
        self.map.set_surface(self.surface, log=log, labels=self._labels())
        if self._view3d is not None:
            self._view3d.set_surface(self.surface.xs, self.surface.ys, self.surface.Z, log=log)
        self._update_point()
        self._on_frame(self.race.frame)

    def _on_params_change(self, *_):
        if self.kind != NETWORK or self.surface is None or self.session.model is None:
            return
        if self.hidden_now():
            self._point_stale = True
            return
        params = current_params(self.session)
        s = self.surface
        if s.p1 not in params or s.p2 not in params or params == self._point_params:
            return
        others_moved = any(abs(params[k] - v) > 1e-15 for k, v in self._surface_params.items()
                           if k not in (s.p1, s.p2) and k in params)
        x, y = params[s.p1], params[s.p2]
        outside = not (s.xs[0] <= x <= s.xs[-1] and s.ys[0] <= y <= s.ys[-1])
        self._update_point()
        if others_moved or outside:
            self._schedule()
