"""Roll the marble: SGD, momentum, Nesterov, RMSProp, Adam and AdaGrad from
the same start on the same surface, each path computed by the engine's
``marble_run`` and animated one optimizer step per timer tick, with what each
optimizer remembers (velocity, running averages) read out beside it."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from ...engine.optimizers import OPTIMIZERS
from ...engine.surface import MarbleRun, marble_run
from ..text import plain_label
from .adaptive import FlowLayout, labelled
from .style import OPTIMIZER_COLOURS, OPTIMIZER_LABELS, fmt, plot_colours

# learning rates that show each optimizer's character on each surface
PRESETS: dict[str, dict[str, float]] = {
    "bowl": {"sgd": 0.1, "momentum": 0.05, "nesterov": 0.05, "rmsprop": 0.05, "adam": 0.1, "adagrad": 0.5},
    "valley": {"sgd": 0.45, "momentum": 0.1, "nesterov": 0.1, "rmsprop": 0.1, "adam": 0.2, "adagrad": 1},
    "saddle": {"sgd": 0.05, "momentum": 0.02, "nesterov": 0.02, "rmsprop": 0.02, "adam": 0.05, "adagrad": 0.25},
    "rosenbrock": {"sgd": 0.0015, "momentum": 0.0004, "nesterov": 0.0004, "rmsprop": 0.01, "adam": 0.05,
                   "adagrad": 0.25},
    "himmelblau": {"sgd": 0.01, "momentum": 0.003, "nesterov": 0.003, "rmsprop": 0.05, "adam": 0.1, "adagrad": 0.5},
    "beale": {"sgd": 0.005, "momentum": 0.001, "nesterov": 0.001, "rmsprop": 0.01, "adam": 0.05, "adagrad": 0.25},
    "network": {"sgd": 0.5, "momentum": 0.5, "nesterov": 0.5, "rmsprop": 0.05, "adam": 0.05, "adagrad": 0.25},
}
STEPS = 150


def hyper_for(name: str, momentum: float) -> dict:
    """The settings each optimizer takes from the shared controls."""
    return {"momentum": momentum} if name in ("momentum", "nesterov") else {}


def roll_all(grad_fn, f, start, runs: list[tuple[str, float, dict]], steps: int, job=None,
             decay: float = 0.0) -> dict | None:
    """One engine ``marble_run`` per (optimizer, lr, hyper): {name: MarbleRun}
    (``run[0]`` the path, ``run[1]`` the losses).
    With ``job`` (a worker ``Job``): reports progress, and gives up (None) when cancelled."""
    out = {}
    for i, (name, lr, hyper) in enumerate(runs):
        watch = {}
        if job is not None:
            watch = dict(cancelled=job.cancelled,
                         progress=lambda x, i=i: job.progress((i + x) / len(runs)))
        run = marble_run(grad_fn, np.asarray(start, float), name, lr, steps, f=f, decay=decay, **watch, **hyper)
        if job is not None and job.cancelled():
            return None
        out[name] = run
    return out


class MarbleControls(QGroupBox):
    """Which optimizers roll, at which learning rate; momentum, steps, speed;
    each optimizer's current loss printed beside it."""
    sigRoll = Signal()
    sigStop = Signal()
    sigAgain = Signal()

    def __init__(self, parent=None):
        super().__init__("Roll the marble", parent)
        grid = self._make_rows()
        self.momentum = QDoubleSpinBox()
        self.momentum.setRange(0.0, 0.999)
        self.momentum.setDecimals(3)
        self.momentum.setSingleStep(0.05)
        self.momentum.setValue(0.9)
        self.steps = QSpinBox()
        self.steps.setRange(1, 100000)
        self.steps.setValue(STEPS)
        self.interval = QSpinBox()
        self.interval.setRange(0, 2000)
        self.interval.setValue(30)
        self.interval.setSuffix(" ms/step")
        self.decay = QDoubleSpinBox()
        self.decay.setRange(0.0, 10.0)
        self.decay.setDecimals(3)
        self.decay.setSingleStep(0.01)
        self.decay.setToolTip("Learning-rate schedule: step t uses lr / (1 + decay · t); 0 keeps it constant")
        self.roll_button = QPushButton("Roll")
        self.stop_button = QPushButton("Stop")
        self.again_button = QPushButton("Run again from the same start")
        self.again_button.setToolTip("Keep this run's paths (dashed) and roll again with the settings now: "
                                     "two runs side by side")
        self.note = plain_label("Click the map to choose where the marbles start.")
        self.note.setWordWrap(True)
        settings = FlowLayout()
        for label, w in (("momentum", self.momentum), ("steps", self.steps), ("speed", self.interval),
                         ("lr decay", self.decay)):
            settings.addWidget(labelled(label, w))
        buttons = FlowLayout()
        buttons.addWidget(self.roll_button)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.again_button)
        lay = QVBoxLayout(self)
        # the buttons first: under seven optimizers they fall below a 1080p screen
        lay.addLayout(buttons)
        lay.addWidget(self.note)
        lay.addLayout(settings)
        lay.addLayout(grid)
        self.roll_button.clicked.connect(self.sigRoll)
        self.stop_button.clicked.connect(self.sigStop)
        self.again_button.clicked.connect(self.sigAgain)

    def _make_rows(self) -> QGridLayout:
        """One row per optimizer (shown, learning rate, loss) and under it its memory."""
        grid = QGridLayout()
        grid.addWidget(plain_label("learning rate"), 0, 1)
        grid.addWidget(plain_label("loss"), 0, 2)
        self.rows: dict[str, tuple[QCheckBox, QDoubleSpinBox, QLabel]] = {}
        self.memory: dict[str, QLabel] = {}
        for k, name in enumerate(OPTIMIZERS):
            r = 2 * k + 1               # its controls, and under them its gradient and memory
            check = QCheckBox(OPTIMIZER_LABELS.get(name, name))
            check.setChecked(True)
            c = QColor(*OPTIMIZER_COLOURS[name])
            check.setStyleSheet(f"QCheckBox {{ color: {c.name()}; font-weight: bold; }}")
            lr = QDoubleSpinBox()
            lr.setDecimals(4)
            lr.setRange(1e-4, 10.0)
            lr.setSingleStep(0.001)
            loss = plain_label("-")
            loss.setMinimumWidth(90)
            grid.addWidget(check, r, 0)
            grid.addWidget(lr, r, 1)
            grid.addWidget(loss, r, 2)
            memory = plain_label("-")
            memory.follow_theme = lambda c, label=memory: label.setStyleSheet(f"QLabel {{ color: {c.muted}; }}")
            memory.follow_theme(plot_colours())
            memory.setToolTip("The gradient this marble stepped with and what its optimizer remembers "
                              "(velocity, running averages) after the step shown")
            grid.addWidget(memory, r + 1, 0, 1, 3)
            self.rows[name] = (check, lr, loss)
            self.memory[name] = memory
        return grid

    def set_presets(self, key: str):
        for name, lr in PRESETS.get(key, PRESETS["network"]).items():
            self.rows[name][1].setValue(lr)

    def runs(self) -> list[tuple[str, float, dict]]:
        m = self.momentum.value()
        return [(name, lr.value(), hyper_for(name, m)) for name, (check, lr, _) in self.rows.items()
                if check.isChecked()]

    def show_loss(self, name: str, step: int, loss: float | None, done: bool = False):
        label = self.rows[name][2]
        text = f"{fmt(loss)}  (step {step})" if loss is not None else f"step {step}"
        label.setText(text + ("  ✓" if done else ""))

    def show_memory(self, name: str, run: MarbleRun, step: int):
        """The gradient the marble stepped with and what its optimizer remembers
        after ``step`` steps (velocity, running averages), one line each."""
        self.memory[name].setText(memory_text(run, step))

    def clear_losses(self):
        for name, (_, _, label) in self.rows.items():
            label.setText("-")
            self.memory[name].setText("-")


def _vec(v) -> str:
    return "(" + ", ".join(fmt(float(x)) for x in np.ravel(v)) + ")"


def memory_text(run: MarbleRun, step: int) -> str:
    """"g (..)" and each remembered quantity after ``step`` steps (0: nothing yet)."""
    if step <= 0 or step > len(run.gradients):
        return "-"
    parts = [f"g {_vec(run.gradients[step - 1])}"]
    parts += [f"{name} {_vec(v[step - 1])}" for name, v in run.memory.items()]
    return "\n".join(parts)


class MarbleRace(QObject):
    """The animation clock: frame k shows every path up to step k."""
    sigFrame = Signal(int)
    sigFinished = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.paths: dict[str, tuple[np.ndarray, np.ndarray | None]] = {}
        self.frame = 0
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)

    @property
    def frames(self) -> int:
        return max((len(run[0]) for run in self.paths.values()), default=0)

    @property
    def running(self) -> bool:
        return self.timer.isActive()

    def set_paths(self, paths: dict):
        self.stop()
        self.paths = dict(paths)
        self.frame = 0
        self.sigFrame.emit(0)

    def start(self, interval_ms: int = 30):
        if not self.paths:
            return
        if interval_ms <= 0:          # no animation: straight to the end
            self.seek(self.frames - 1)
            self.sigFinished.emit()
            return
        self.timer.start(int(interval_ms))

    def stop(self):
        self.timer.stop()

    def seek(self, frame: int):
        self.frame = max(0, min(int(frame), self.frames - 1))
        self.sigFrame.emit(self.frame)

    def _tick(self):
        if self.frame >= self.frames - 1:
            self.timer.stop()
            self.sigFinished.emit()
            return
        self.seek(self.frame + 1)


class MarbleLayer:
    """The paths and marbles drawn on a 2-D plot, with a legend entry each."""

    def __init__(self, plot: pg.PlotItem, legend: pg.LegendItem | None = None):
        self.plot = plot
        self.legend = legend
        self.lines: dict[str, pg.PlotDataItem] = {}
        self.heads: dict[str, pg.ScatterPlotItem] = {}
        # at each marble: where plain gradient descent would step (grey) and the step it takes (its colour)
        self.arrows = pg.PlotDataItem(pen=pg.mkPen((60, 60, 60), width=2), connect="pairs")
        self.steps = pg.PlotDataItem(pen=pg.mkPen((20, 20, 20), width=4), connect="pairs")
        self.ghosts = pg.PlotDataItem(pen=pg.mkPen((90, 90, 90), width=1.5, style=Qt.DashLine), connect="finite")
        for item, z in ((self.ghosts, 19), (self.arrows, 22), (self.steps, 22)):
            item.setZValue(z)
            plot.addItem(item, ignoreBounds=True)
        for name in OPTIMIZERS:
            colour = OPTIMIZER_COLOURS[name]
            # a plain polyline: its corners are the steps (per-step symbols cost 5x the frame time)
            line = pg.PlotDataItem(pen=pg.mkPen(colour, width=2.5))
            # one spot at the origin, moved by setPos: a frame moves it without rebuilding the scatter's spots
            head = pg.ScatterPlotItem(x=[0.0], y=[0.0], size=15, pen=pg.mkPen("w", width=2), brush=colour)
            line.setZValue(20)
            head.setZValue(21)
            self.lines[name], self.heads[name] = line, head
            plot.addItem(line, ignoreBounds=True)
            plot.addItem(head, ignoreBounds=True)
            line.hide()
            head.hide()

    def show_ghosts(self, paths: dict):
        """An earlier run's paths, dashed, under the new ones."""
        gap = np.full((1, 2), np.nan)
        pts = [np.concatenate([run[0].reshape(len(run[0]), -1)[:, :2], gap]) for run in paths.values()]
        xy = np.concatenate(pts) if pts else np.zeros((0, 2))
        self.ghosts.setData(xy[:, 0], xy[:, 1])

    def _show_arrows(self, paths: dict, frame: int):
        grad, step = [], []
        for run in paths.values():
            path = run[0]
            k = min(frame, len(path) - 1)
            if path.ndim != 2 or k >= len(run.gradients):
                continue
            grad += [path[k], path[k] - run.rates[k] * run.gradients[k]]
            step += [path[k], path[k + 1]]
        for item, pts in ((self.arrows, grad), (self.steps, step)):
            xy = np.array(pts).reshape(-1, 2)
            item.setData(xy[:, 0], xy[:, 1])

    def show(self, paths: dict, frame: int):
        self._show_arrows(paths, frame)
        for name in OPTIMIZERS:
            line, head = self.lines[name], self.heads[name]
            if name not in paths:
                if line.isVisible():
                    line.hide()
                    head.hide()
                    if self.legend is not None:
                        self.legend.removeItem(line)
                continue
            path = paths[name][0]
            k = min(frame, len(path) - 1)
            line.setData(path[:k + 1, 0], path[:k + 1, 1])
            head.setPos(float(path[k, 0]), float(path[k, 1]))
            if not line.isVisible():
                line.show()
                head.show()
                if self.legend is not None:
                    self.legend.addItem(line, OPTIMIZER_LABELS[name])

    def clear(self):
        self.show({}, 0)
        self.show_ghosts({})
