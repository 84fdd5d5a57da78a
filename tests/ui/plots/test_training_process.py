"""Live training runs in a process of its own: the window's interpreter is never the one training."""
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from visualnn.ui.plots.source import ModelSource
from visualnn.ui.plots.training import TrainingPanel
from visualnn.ui.plots.training_plots import SHOWN_MAX, Series


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _endless(panel, qtbot):
    panel.epochs.setValue(10_000_000)
    panel.play()
    qtbot.waitUntil(lambda: panel.epoch > 5, timeout=20000)
    return panel.thread


def test_training_runs_in_another_process_that_reset_ends(qtbot, xor):
    panel = TrainingPanel(ModelSource(xor))
    qtbot.addWidget(panel)
    th = _endless(panel, qtbot)
    pid = th.pid
    assert pid is not None and pid != os.getpid()
    panel.reset()
    assert panel.wait(5000)
    qtbot.waitUntil(lambda: _gone(pid), timeout=5000)


def test_a_training_process_that_dies_is_reported_not_waited_for(qtbot, xor):
    panel = TrainingPanel(ModelSource(xor))
    qtbot.addWidget(panel)
    th = _endless(panel, qtbot)
    os.kill(th.pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: panel.thread is None, timeout=5000)
    assert panel.state == "idle" and "training process ended unexpectedly" in panel.status.text()
    assert panel.play_button.isEnabled()


UNGUARDED_SCRIPT = r"""
import sys
sys.path.insert(0, sys.argv[1])
print("script ran", flush=True)
from PySide6.QtWidgets import QApplication
app = QApplication([])
from visualnn.io import examples_dir, load
from visualnn.ui.plots.source import ModelSource
from visualnn.ui.plots.training import TrainingPanel
xor = load(examples_dir() / "xor.json").model
xor.training.epochs = 30
panel = TrainingPanel(ModelSource(xor))
panel.play()
while panel.thread is not None:
    app.processEvents()
print("trained", panel.epoch, flush=True)
"""


def test_a_script_without_a_main_guard_trains_without_running_itself_again(tmp_path):
    script = tmp_path / "lesson.py"                  # no `if __name__ == "__main__":`, as students write
    script.write_text(UNGUARDED_SCRIPT)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, str(script), str(Path(__file__).parents[2])], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.splitlines() == ["script ran", "trained 30"]


def test_the_loss_view_moves_in_steps_and_keeps_the_users_zoom(qtbot, xor):
    xor.training.epochs = 130
    panel = TrainingPanel(ModelSource(xor))
    qtbot.addWidget(panel)
    panel.play()
    qtbot.waitUntil(lambda: panel.thread is None and panel.state != "running", timeout=20000)
    vb = panel.loss_plot.getPlotItem().getViewBox()
    (x0, x1), (y0, y1) = vb.viewRange()
    assert x0 <= 0 and 200 <= x1 < 210                    # the next of 1, 2, 5 x 10^k above 130 epochs
    lo, hi = np.log10(min(panel.history)), np.log10(max(panel.history))
    assert y0 <= np.floor(lo) and y1 >= np.ceil(hi) and y1 - y0 < np.ceil(hi) - np.floor(lo) + 0.2
    vb.setRange(xRange=(10, 20))
    vb.sigRangeChangedManually.emit(vb.state["mouseEnabled"])     # as a mouse zoom does
    panel.epochs.setValue(200)
    panel.play()
    qtbot.waitUntil(lambda: panel.thread is None and panel.state != "running", timeout=20000)
    assert vb.viewRange()[0] == pytest.approx((10, 20), abs=0.5)   # the user's view stays


def test_a_very_long_history_is_handed_to_the_curve_thinned_with_its_last_epoch(qtbot):
    import pyqtgraph as pg
    curve = pg.PlotDataItem()
    s = Series()
    n = 5 * SHOWN_MAX + 7
    s.extend(np.arange(1, n + 1), 1.0 / np.arange(1, n + 1))
    s.show_on(curve)
    x, y = curve.getData()
    assert len(x) <= SHOWN_MAX + 1 and x[0] == 1 and x[-1] == n and y[-1] == pytest.approx(1.0 / n)
    assert s.y_lo == pytest.approx(1.0 / n) and s.y_hi == 1.0


def test_where_no_training_process_can_start_the_run_trains_in_the_window(qtbot, xor, monkeypatch):
    from visualnn.ui.plots import train_process
    monkeypatch.setattr(train_process.sys, "executable", "/nonexistent/python")   # e.g. a frozen app
    panel = TrainingPanel(ModelSource(xor))
    qtbot.addWidget(panel)
    start = dict(panel.params)
    panel.epochs.setValue(200)
    panel.play()
    thread = panel.thread
    qtbot.waitUntil(lambda: panel.thread is None and panel.state == "idle", timeout=20000)
    assert thread.in_window and thread.pid is None
    assert panel.epoch == 200 and panel.params != start and "did not start" not in panel.status.text()


def test_the_decision_map_is_repainted_only_when_a_cell_changes_colour(qtbot, xor):
    panel = TrainingPanel(ModelSource(xor))
    qtbot.addWidget(panel)
    xs, ys, V = panel.boundary_grid
    lo, hi = panel.boundary_levels
    images = []
    panel.boundary.sigImageChanged.connect(lambda: images.append(1))
    panel._show_grid(xs, ys, V + (hi - lo) / 1000, (lo, hi))      # below a colour step: same picture
    assert images == [] and panel.boundary_grid[2][0, 0] == V[0, 0] + (hi - lo) / 1000
    panel._show_grid(xs, ys, V + (hi - lo) / 100, (lo, hi))
    assert images == [1]


def test_a_history_longer_than_a_chunk_keeps_every_point_in_order_without_copying_it(qtbot, monkeypatch):
    import pyqtgraph as pg
    monkeypatch.setattr(Series, "CHUNK", 4096)
    s = Series()
    xs = np.arange(1, 5 * 4096 + 1000, dtype=float)
    ys = 1.0 / xs
    for a, b in ((0, 7), (7, 3000), (3000, 9000), (9000, 9001), (9001, len(xs))):   # batches across chunk ends
        s.extend(xs[a:b], ys[a:b])
        chunks = [id(c) for c in s._x]
        assert s.n == b and s.last() == (xs[b - 1], ys[b - 1])
    s.extend(xs[:1], ys[:1])
    assert [id(c) for c in s._x[:-1]] == chunks[:len(s._x) - 1]    # full chunks are never copied again
    x, y = s.values()
    np.testing.assert_array_equal(x, np.r_[xs, xs[:1]])
    np.testing.assert_array_equal(y, np.r_[ys, ys[:1]])
    monkeypatch.setattr("visualnn.ui.plots.training_plots.SHOWN_MAX", 1000)
    curve = pg.PlotDataItem()
    s.show_on(curve)
    cx, _ = curve.getData()
    stride = 32                                      # 21,480 points, at most about 1,000 a curve: every 32nd
    np.testing.assert_array_equal(cx, np.r_[x[:-1:stride], x[-1]])
