"""Training panel: play / pause / one epoch at a time, live train and test
loss, and (two inputs) the decision boundary under the data points,
playground style.  The engine's ``train`` runs in a process of its own
(``train_process``, relayed by a QThread); the window stays live, and the
graph's edges recolour as the weights change, a few times a second."""
from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ...engine.features import plane_inputs
from ...engine.optimizers import OPTIMIZERS
from ...engine.plotting_data import decision_grid
from ...engine.training import initial_params
from ..text import markup, plain_label, rich_label
from .adaptive import AdaptiveSplitter, FlowLayout, LazyPanel, scrolled
from .map_points import MapPointEditor
from .source import as_source, current_params, follow_learning_rate
from .style import OPTIMIZER_LABELS
from .train_thread import EMIT_EVERY, TrainThread
from .training_plots import DecisionMap, LossCurves, Series
from .worker import keep_alive

__all__ = ["EMIT_EVERY", "Series", "TrainThread", "TrainingPanel"]

BOUNDARY_EVERY = 0.1       # seconds between decision-boundary redraws
PUSH_EVERY = 1 / 2         # seconds between weight pushes to the graph while training (each relabels it), at least ...
PUSH_SHARE = 10            # ... and this many times what the last push cost (pushes take at most a tenth of the window)
BOUNDARY_N = 80


class TrainingPanel(LossCurves, DecisionMap, LazyPanel):
    sigStatus = Signal(str)

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = as_source(session)
        self.thread: TrainThread | None = None
        self._old_threads: list[TrainThread] = []
        self.state = "idle"                # idle | running | paused
        self.epoch = 0                     # epochs done since the last reset
        self._train_series, self._test_series = Series(), Series()     # what the curves draw
        self._push_cost = 0.0
        self.params: dict[str, float] = {}
        self.start_params: dict[str, float] = {}
        self._pushing = False
        self._last_boundary = 0.0
        self._last_push = 0.0
        self._run_offset = 0
        self._run_key = None               # one training run's pushes are one undo step
        self._runs = 0
        self._pushes = 0                   # weight pushes to the session (tests)
        self._boundary_stale = False
        self._push_timer = QTimer(self, singleShot=True, interval=int(500 * EMIT_EVERY))
        self._push_timer.timeout.connect(self._push_now)

        self._make_controls()
        form = self._lay_out()
        self._connect(form)
        self._on_document_change()

    def _make_controls(self):
        icon = self.style().standardIcon
        self.play_button = QPushButton(icon(QStyle.SP_MediaPlay), "Play")
        self.pause_button = QPushButton(icon(QStyle.SP_MediaPause), "Pause")
        self.step_button = QPushButton(icon(QStyle.SP_MediaSkipForward), "1 epoch")
        self.reset_button = QPushButton(icon(QStyle.SP_BrowserReload), "Reset")
        self.step_button.setToolTip("Train one more epoch, then pause")
        self.optimizer = QComboBox()
        for name in OPTIMIZERS:
            self.optimizer.addItem(OPTIMIZER_LABELS.get(name, name), name)
        self.lr = QDoubleSpinBox()
        self.lr.setDecimals(4)
        self.lr.setRange(1e-4, 100.0)
        self.lr.setSingleStep(0.01)
        self.batch = QSpinBox()
        self.batch.setRange(0, 100000)
        self.batch.setSpecialValueText("full")
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 10_000_000)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.status = rich_label()
        self.status.setWordWrap(True)

    def _lay_out(self):
        buttons = FlowLayout()
        for b in (self.play_button, self.pause_button, self.step_button, self.reset_button):
            buttons.addWidget(b)
        form = QFormLayout()
        form.addRow(plain_label("Optimizer"), self.optimizer)
        form.addRow(plain_label("Learning rate"), self.lr)
        form.addRow(plain_label("Batch size"), self.batch)
        form.addRow(plain_label("Seed"), self.seed)
        form.addRow(plain_label("Epochs per run"), self.epochs)
        self._make_loss_plot()
        self._make_boundary_plot()
        plots = AdaptiveSplitter()
        plots.addWidget(self.loss_plot)
        plots.addWidget(self.boundary_plot)

        side_w = QWidget()
        side = QVBoxLayout(side_w)
        side.setContentsMargins(0, 0, 0, 0)
        side.addLayout(buttons)
        side.addLayout(form)
        side.addWidget(self.progress)
        side.addWidget(self.status)
        side.addStretch(1)
        side_w.setMaximumWidth(360)
        # wide: controls left of the plots; a narrow column puts the controls on top
        self.split = AdaptiveSplitter(narrow=900, natural=0, share=0.4)
        self.split.addWidget(scrolled(side_w))
        self.split.addWidget(plots)
        self.split.setStretchFactor(0, 0)
        self.split.setStretchFactor(1, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.split)
        return form

    def _connect(self, form):
        self.play_button.clicked.connect(self.play)
        self.pause_button.clicked.connect(self.pause)
        self.step_button.clicked.connect(self.step_epoch)
        self.reset_button.clicked.connect(self.reset)
        for w in (self.optimizer, ):
            w.currentIndexChanged.connect(self._on_settings_change)
        for w in (self.lr, self.batch, self.seed, self.epochs):
            w.valueChanged.connect(self._on_settings_change)
        self.point_editor = MapPointEditor(self, form)    # click the map to add a point, right-click to remove one
        s = self.session
        s.sigDocumentChanged.connect(self._on_document_change)
        follow_learning_rate(self.lr, s)                            # the session's one learning rate
        s.sigShownParamsChanged.connect(self._on_params_change)     # the weights in effect, after every edit

    # -- document ------------------------------------------------------------------
    def _on_document_change(self):
        self._end_run()
        model = self.session.model
        self.model = model
        if model is None:
            self._set_status("No network loaded.")
            self._update_buttons()
            return
        t = model.training
        for w, v in ((self.batch, t.batch_size or 0), (self.seed, t.seed), (self.epochs, t.epochs)):
            w.blockSignals(True)
            w.setValue(v)
            w.blockSignals(False)
        self.optimizer.blockSignals(True)
        self.optimizer.setCurrentIndex(max(0, self.optimizer.findData(t.optimizer)))
        self.optimizer.blockSignals(False)
        self.start_params = current_params(self.session)
        self.params = dict(self.start_params)
        self._clear_history()
        two = plane_inputs(model) is not None and bool(model.data.columns)
        self.boundary_plot.setVisible(two)
        if two:
            self._draw_points()
            self._draw_boundary(force=True)
            xs, ys, _ = self.boundary_grid
            if np.all(np.abs([xs[0], xs[-1], ys[0], ys[-1]]) < 1e300):   # 1e308: padded, it overflows
                self.boundary_plot.setRange(xRange=(xs[0], xs[-1]), yRange=(ys[0], ys[-1]), padding=0.02)
        if model.graph.loss is None:
            self._set_status("This network has no loss node: there is nothing to train.")
        elif not model.data.columns:
            self._set_status("This network has no training data.")
        else:
            self._set_status(f"Ready: {len(model.data)} training samples. Press play.")
        self._update_buttons()


    # -- controls ------------------------------------------------------------------
    def _hyper(self) -> dict:
        return dict(self.model.training.hyper) if self.optimizer.currentData() == self.model.training.optimizer else {}

    def _start(self, step_mode: bool):
        if self.model is None or self.model.graph.loss is None or not self.model.data.columns:
            return
        self._end_run()
        self._run_offset = self.epoch
        self._runs += 1
        self._run_key = ("train", id(self), self._runs)
        budget = self.epochs.value()
        self.progress.setRange(0, budget)
        self.progress.setValue(0)
        th = TrainThread(self.model, self.params, budget, self.session.learning_rate, self.optimizer.currentData(),
                         self.batch.value() or None, self.seed.value(), self._hyper(), step_mode=step_mode)
        th.sigEpochs.connect(self._on_epochs)
        th.sigResult.connect(self._on_result)
        th.sigFailed.connect(self._on_failed)
        self.thread = th
        keep_alive(th)
        self.destroyed.connect(th.stop)     # a paused run must not outlive its panel
        th.start()

    def play(self):
        if self.state == "paused" and self.thread is not None:
            self.thread.resume()
        else:
            self._start(step_mode=False)
        if self.thread is not None:
            self.state = "running"
            self._set_status("Training…")
        self._update_buttons()

    def pause(self):
        if self.thread is not None and self.state == "running":
            self.thread.pause()
            self.state = "paused"
            self._set_status(f"Paused after epoch {self.epoch}.")
            self._push(force=True)
        self._update_buttons()

    def step_epoch(self):
        """Train exactly one more epoch, then pause."""
        if self.thread is not None and self.state in ("paused", "running"):
            self.thread.one_epoch()
        else:
            self._start(step_mode=True)
        if self.thread is not None:
            self.state = "paused"
        self._update_buttons()

    def reset(self):
        """Back to the starting weights (seeded random ones when the file asks for
        random initialisation), history cleared."""
        self._end_run()
        if self.model is None:
            return
        if (self.model.training.init or "").lower() == "random":
            self.params = initial_params(self.model, self.seed.value())
        else:
            self.params = dict(self.start_params)
        self._clear_history()
        self._draw_boundary(force=True)
        self._run_key = None
        self._push(force=True, text="Reset the training weights")
        self._set_status("Reset to the starting weights.")
        self._update_buttons()

    def _on_settings_change(self, *_):
        # new settings take effect with the next run; a paused run ends here
        if self.state == "paused":
            self._end_run()
            self._set_status(f"Settings changed: the next run starts from epoch {self.epoch}.")
            self._update_buttons()

    def _end_run(self):
        th = self.thread
        self.thread = None
        self.state = "idle"
        if th is not None:
            for sig in (th.sigEpochs, th.sigResult, th.sigFailed):
                try:
                    sig.disconnect()
                except (RuntimeError, TypeError):
                    pass
            th.stop()
            self._retire(th)

    def _retire(self, th):
        # keep the Python object alive until its thread has returned
        if th.isFinished():
            return
        self._old_threads.append(th)
        th.finished.connect(lambda th=th: self._old_threads.remove(th) if th in self._old_threads else None)

    def wait(self, ms: int = 10000) -> bool:
        ok = True
        for th in list(self._old_threads) + ([self.thread] if self.thread else []):
            if isValid(th):
                ok = th.wait(ms) and ok
        return ok

    def shutdown(self):
        """Stop training (the window is closing)."""
        self._end_run()
        self.wait(2000)

    def closeEvent(self, ev):
        self.shutdown()
        super().closeEvent(ev)

    def _update_buttons(self):
        trainable = self.model is not None and self.model.graph.loss is not None and bool(self.model.data.columns)
        self.play_button.setEnabled(trainable and self.state != "running")
        self.pause_button.setEnabled(self.state == "running")
        self.step_button.setEnabled(trainable)
        self.reset_button.setEnabled(trainable)

    def _set_status(self, text: str, error: bool = False):
        self.status.setText(markup('<span style="color:#c0392b"><b>{}</b></span>' if error else "{}", text))
        self.sigStatus.emit(text)

    # -- results from the training thread ------------------------------------------------
    def _on_epochs(self, batch, params):
        th = self.thread
        if th is None or self.sender() is not th:   # late news of an ended run: no sender
            return
        more, latest = th.take()                    # what came since, and leave to send more
        if not self._add_epochs(batch + more, latest):
            return
        head = "Training" if self.state == "running" else "Paused"
        self._set_status(f"{head}: epoch {self.epoch}, {self._losses_text()}")
        self._draw_boundary()
        if self.state != "running":
            self._push(force=True)                  # a paused step shows its weights at once
        elif self._push_due() and not self._push_timer.isActive():
            # half a news later: the window paints its dirty widgets together, and the graph's
            # new weights in the same frame as the plots could hold it up
            self._push_timer.start()

    def _push_now(self):
        if self.state == "running":
            self._push(force=True)


    def _on_result(self, result):
        if self.thread is None or self.sender() is not self.thread:   # late news of an ended run: no sender
            return
        more, _ = self.thread.take()                # epochs not yet shown
        self._add_epochs(more, result.model.params)
        self.params = dict(result.model.params)
        self._retire(self.thread)
        self.thread = None
        if result.status == "diverged":
            self.state = "paused"
            advice = "Lower the learning rate" if result.blames_learning_rate else \
                "Change the network, its weights or its data (the learning rate is not the cause)"
            self._set_status(f"Training paused: it {result.stopped_reason}. {advice}, then press play or reset.",
                             error=True)
        else:
            self.state = "idle"
            if result.status == "done":
                self._set_status(f"Finished: epoch {self.epoch}, {self._losses_text()}")
        self._draw_boundary(force=True)
        self._push(force=True)
        self._update_buttons()

    def _on_failed(self, message):
        if self.thread is None or self.sender() is not self.thread:   # late news of an ended run: no sender
            return
        self._retire(self.thread)
        self.thread = None
        self.state = "idle"
        self._set_status(f"Cannot train: {message}", error=True)
        self._update_buttons()

    def _push(self, force=False, text: str | None = None):
        if not all(np.isfinite(v) for v in self.params.values()):
            return          # a run from weights that are not numbers (NaN) kept them: nothing to show
        if not force and not self._push_due():
            return
        now = self._last_push = time.perf_counter()
        merge = None
        if text is None and self._run_key is not None:
            n = self.epoch - self._run_offset
            text, merge = f"Train {n} epoch{'' if n == 1 else 's'}", self._run_key
        self._pushing = True
        self._pushes += 1
        try:
            self.session.set_params(dict(self.params), text=text, merge=merge)
        finally:
            self._pushing = False
            self._push_cost = time.perf_counter() - now

    def _push_due(self) -> bool:
        return time.perf_counter() - self._last_push >= max(PUSH_EVERY, PUSH_SHARE * self._push_cost)

    def _on_params_change(self, *_):
        if self._pushing or self.state == "running" or self.model is None:
            return
        self.params = current_params(self.session)
        if self.hidden_now():
            self._boundary_stale = True        # drawn when the panel is shown
            return
        self._draw_boundary(force=True)

    def catch_up(self):
        if self._boundary_stale:
            self._boundary_stale = False
            self._draw_boundary(force=True)

    # -- decision boundary (drawn by DecisionMap) ------------------------------------------
    def _draw_boundary(self, force=False):
        if self.model is None or (not force and not self.boundary_plot.isVisibleTo(self)):
            return
        if not force and self.hidden_now():
            self._boundary_stale = True           # a hidden tab: drawn when it is shown
            return
        if plane_inputs(self.model) is None or not self.model.data.columns:
            return
        now = time.perf_counter()
        if not force and now - self._last_boundary < BOUNDARY_EVERY:
            return
        self._last_boundary = now
        with np.errstate(all="ignore"):
            xs, ys, V, (lo, hi) = decision_grid(self.model, self.params, n=BOUNDARY_N)
        self._show_grid(xs, ys, V, (lo, hi))
