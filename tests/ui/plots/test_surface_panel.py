import numpy as np
import pytest

from visualnn.engine import Stepper, make_optimizer, record
from visualnn.engine.plotting_data import loss_surface_in_strips
from visualnn.engine.surface import ANALYTIC, gradient_at, loss_surface, marble_path
from visualnn.ui.plots.source import ModelSource
from visualnn.ui.plots.surface import SurfacePanel


def ready(qtbot, panel):
    qtbot.waitUntil(lambda: panel.surface is not None and not panel.busy, timeout=10000)


def test_selecting_two_weights_gives_a_surface_whose_current_point_is_the_engine_loss(qtbot, mazur):
    source = ModelSource(mazur)
    panel = SurfacePanel(source)
    qtbot.addWidget(panel)
    source.select([("out_h1", "net_o1"), ("out_h2", "net_o2")])     # the edges carrying w5 and w8
    qtbot.waitUntil(lambda: panel.surface is not None and panel.surface.p2 == "w8", timeout=10000)
    s = panel.surface
    assert (s.p1, s.p2) == ("w5", "w8")
    loss = record(mazur.graph, mazur.params, mazur.samples()[0]).loss
    assert loss == pytest.approx(0.298371109)                           # E_total in the lecture
    n = len(s.xs)
    assert s.xs[n // 2] == pytest.approx(0.40) and s.ys[n // 2] == pytest.approx(0.55)
    assert s.Z[n // 2, n // 2] == pytest.approx(loss, abs=1e-12)
    assert panel.point_loss == pytest.approx(loss, abs=1e-12)
    r = panel.span.value()                     # the default range: the one that shows the bowl of w5, w7
    assert r == 12.0
    np.testing.assert_allclose(s.Z, loss_surface(mazur, "w5", "w8", (0.4 - r, 0.4 + r), (0.55 - r, 0.55 + r), n).Z)


def test_surface_in_strips_matches_the_engine_and_can_be_cancelled(mazur):
    a = loss_surface_in_strips(mazur, "w1", "b2", (-1, 1), (0, 2), 37, strips=7)
    b = loss_surface(mazur, "w1", "b2", (-1, 1), (0, 2), 37)
    np.testing.assert_array_equal(a.Z, b.Z)
    seen = []
    assert loss_surface_in_strips(mazur, "w1", "b2", n=20, progress=seen.append,
                                  cancelled=lambda: len(seen) >= 2) is None
    assert seen == [0.1, 0.2]


def test_downhill_arrow_points_against_the_engine_gradient(qtbot, mazur):
    panel = SurfacePanel(ModelSource(mazur))
    qtbot.addWidget(panel)
    panel.set_pair("w5", "w6")
    ready(qtbot, panel)
    g = gradient_at(mazur)
    assert panel.point_gradient == pytest.approx((g["w5"], g["w6"]))
    assert g["w5"] == pytest.approx(0.082167041)                        # the lecture's dE/dw5
    (x0, x1), (y0, y1) = panel.map.shaft.getData()
    d = np.array([x1 - x0, y1 - y0])
    assert np.dot(d, [g["w5"], g["w6"]]) < 0
    u = d / np.linalg.norm(d)
    v = -np.array([g["w5"], g["w6"]]) / np.hypot(g["w5"], g["w6"])
    assert u[0] * v[1] - u[1] * v[0] == pytest.approx(0, abs=1e-9)


def test_sgd_marble_path_equals_the_engine_optimizer_steps(qtbot, mazur):
    panel = SurfacePanel(ModelSource(mazur))
    qtbot.addWidget(panel)
    panel.set_pair("w5", "w6")
    ready(qtbot, panel)
    panel.marble.steps.setValue(25)
    panel.marble.interval.setValue(1)
    with qtbot.waitSignal(panel.race.sigFinished, timeout=10000):
        panel.roll()
    path = panel.paths["sgd"][0]
    opt = make_optimizer("sgd", panel.marble.rows["sgd"][1].value())
    theta = np.array([0.40, 0.45])
    expected = [theta]
    for _ in range(25):
        g = gradient_at(mazur, dict(mazur.params, w5=theta[0], w6=theta[1]))
        theta = opt.step(theta, np.array([g["w5"], g["w6"]]))
        expected.append(theta)
    np.testing.assert_array_equal(path, np.array(expected))
    x, y = panel.map.marbles.lines["sgd"].getData()
    np.testing.assert_array_equal(np.column_stack([x, y]), path)
    assert set(panel.paths) == {"sgd", "momentum", "nesterov", "rmsprop", "adam", "adagrad", "adamw"}
    assert panel.marble.rows["adam"][2].text().endswith("✓")


def test_stepping_the_update_moves_the_marker_on_the_surface(qtbot, mazur):
    source = ModelSource(mazur)
    panel = SurfacePanel(source)
    qtbot.addWidget(panel)
    panel.set_pair("w5", "w6")
    ready(qtbot, panel)
    stepper = Stepper(mazur.graph, mazur.params, mazur.samples())
    state = stepper.end()                                   # forward, backward and the update
    assert state.updated
    source.set_state(state)
    (x,), (y,) = panel.map.point.getData()
    assert x == pytest.approx(0.35891648) and y == pytest.approx(0.408666186)   # the lecture's new w5, w6
    ready(qtbot, panel)                                     # other weights moved: recomputed around it
    n = len(panel.surface.xs)
    assert panel.surface.xs[n // 2] == pytest.approx(x)


def test_analytic_surfaces_roll_every_optimizer_from_the_clicked_point(qtbot, mazur):
    panel = SurfacePanel(ModelSource(mazur))
    qtbot.addWidget(panel)
    for name in ANALYTIC:
        panel.set_source(name)
        assert panel.surface.Z.shape == (panel.resolution.value(),) * 2
    panel.set_source("rosenbrock")
    panel._on_map_clicked(-1.0, 2.0)
    panel.marble.interval.setValue(0)
    with qtbot.waitSignal(panel.sigMarblesReady, timeout=10000):
        panel.roll()                                        # computed in the worker
    a = ANALYTIC["rosenbrock"]
    for name, lr, hyper in panel.marble.runs():
        path, losses = marble_path(a, np.array([-1.0, 2.0]), name, lr, panel.marble.steps.value(), **hyper)
        np.testing.assert_array_equal(panel.paths[name][0], path)
        np.testing.assert_array_equal(panel.paths[name][1], losses)
        assert panel.marble.rows[name][2].text().startswith(f"{losses[-1]:.4g}")


def test_a_slow_surface_computes_off_the_gui_thread_and_can_be_cancelled(qtbot, monkeypatch):
    import time

    from PySide6.QtCore import QTimer

    from visualnn.io import examples_dir, load
    from visualnn.ui.plots import surface as surface_module
    real = surface_module.loss_surface_in_strips

    def slow(*args, progress=None, **kwargs):       # a slower machine: each strip takes 0.2 s more
        def each_strip(fraction):
            time.sleep(0.2)
            progress(fraction)
        return real(*args, progress=each_strip, **kwargs)
    monkeypatch.setattr(surface_module, "loss_surface_in_strips", slow)
    spiral = load(examples_dir() / "spiral.json").model
    panel = SurfacePanel(ModelSource(spiral))
    qtbot.addWidget(panel)
    panel.resolution.setValue(301)                  # 90,000 grid points x 300 samples, 10 strips: 2 s or more
    panel.compute()
    assert panel.jobs.busy and panel.progress.isVisibleTo(panel) and panel.cancel_button.isVisibleTo(panel)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    qtbot.wait(300)                                 # the event loop keeps running meanwhile
    timer.stop()
    assert len(ticks) >= 5
    assert panel.jobs.busy
    panel.cancel_button.click()
    assert not panel.busy and not panel.progress.isVisibleTo(panel)
    assert panel.surface is None or panel.surface.Z.shape != (301, 301)
    assert panel.wait(30000)
    qtbot.wait(50)
    assert panel.surface is None or panel.surface.Z.shape != (301, 301)   # the cancelled result is dropped


def test_stepping_within_a_pass_leaves_the_surface_alone_and_the_update_moves_the_point(qtbot, mazur):
    from visualnn.ui.session import Session
    s = Session(model=mazur)
    panel = SurfacePanel(s)
    qtbot.addWidget(panel)
    panel.set_pair("w5", "w6")
    ready(qtbot, panel)
    first = panel.surface
    updates = []
    real = panel._update_point
    panel._update_point = lambda: updates.append(1) or real()
    for _ in range(s.cycle_length - 1):
        s.step()
    assert updates == [] and not panel.busy and panel.surface is first
    s.step()                                                # the update: new w5, w6 (and other weights)
    (x,), (y,) = panel.map.point.getData()
    assert updates and (x, y) == pytest.approx((s.state.params["w5"], s.state.params["w6"]))


def test_a_huge_marble_roll_runs_in_the_worker_with_progress_and_can_be_cancelled(qtbot, mazur):
    panel = SurfacePanel(ModelSource(mazur))
    qtbot.addWidget(panel)
    panel.show()
    panel.set_source("rosenbrock")
    panel.marble.steps.setValue(panel.marble.steps.maximum())
    panel.roll()
    assert panel.marble_jobs.busy                       # the window goes on while it rolls
    assert panel.progress.isVisibleTo(panel) and panel.cancel_button.isVisibleTo(panel)
    panel.cancel_button.click()
    assert not panel.busy and not panel.progress.isVisibleTo(panel)
    assert panel.marble_jobs.wait(5000)
    qtbot.wait(50)
    assert panel.paths == {}                            # a cancelled roll shows nothing


MARBLE_EXIT_SCRIPT = r"""
import sys
sys.path.insert(0, sys.argv[1])
from PySide6.QtWidgets import QApplication
app = QApplication([])
from visualnn.io import examples_dir, load
from visualnn.ui.plots.source import ModelSource
from visualnn.ui.plots.surface import SurfacePanel
spiral = load(examples_dir() / "spiral.json").model
panel = SurfacePanel(ModelSource(spiral))
panel.resolution.setValue(21)
panel.show()
panel.wait()
app.processEvents()
panel.marble.steps.setValue(100000)
panel.roll()                         # minutes of marble steps in the worker
app.processEvents()
print("rolling", panel.marble_jobs.busy, flush=True)
panel.close()
"""


def test_closing_while_marbles_are_computed_exits_cleanly():
    from scripts import run_script_that_exits
    out = run_script_that_exits(MARBLE_EXIT_SCRIPT)
    assert "rolling True" in out.stdout
    assert out.returncode == 0, out.stderr[-2000:]          # not an abort: "QThread: Destroyed while ... running"
    assert "Destroyed while" not in out.stderr


def test_the_marbles_velocity_readout_is_torchs_momentum_buffer(qtbot, mazur):
    torch = pytest.importorskip("torch")
    from visualnn.ui.plots.style import fmt
    panel = SurfacePanel(ModelSource(mazur))
    qtbot.addWidget(panel)
    panel.set_source("rosenbrock")
    panel._on_map_clicked(-1.0, 2.0)
    panel.marble.steps.setValue(12)
    panel.marble.interval.setValue(0)
    with qtbot.waitSignal(panel.sigMarblesReady, timeout=10000):
        panel.roll()
    k = 7
    panel.race.seek(k)
    lr = panel.marble.rows["momentum"][1].value()
    x = torch.tensor([-1.0, 2.0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([x], lr=lr, momentum=panel.marble.momentum.value(), foreach=False)
    for _ in range(k):
        opt.zero_grad()
        ((1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2).backward()
        opt.step()
    buf = opt.state[x]["momentum_buffer"].tolist()
    text = panel.marble.memory["momentum"].text()
    assert f"velocity ({fmt(buf[0])}, {fmt(buf[1])})" in text
    assert panel.marble.memory["adam"].text().count("running average") == 2
    assert "sum of g²" in panel.marble.memory["adagrad"].text()
    # the arrows at the marbles: SGD's step is its gradient arrow
    gx, gy = panel.map.marbles.arrows.getData()
    assert len(gx) == 2 * len(panel.paths)


def test_run_again_keeps_the_first_run_dashed_and_rolls_from_the_same_start(qtbot, mazur):
    panel = SurfacePanel(ModelSource(mazur))
    qtbot.addWidget(panel)
    panel.set_source("bowl")
    panel._on_map_clicked(1.5, -1.0)
    panel.marble.steps.setValue(10)
    panel.marble.interval.setValue(0)
    with qtbot.waitSignal(panel.sigMarblesReady, timeout=10000):
        panel.roll()
    first = {name: run[0].copy() for name, run in panel.paths.items()}
    panel.marble.decay.setValue(0.5)
    with qtbot.waitSignal(panel.sigMarblesReady, timeout=10000):
        panel.marble.again_button.click()
    gx, gy = panel.map.marbles.ghosts.getData()
    assert np.isnan(gx).sum() == len(first)                     # one dashed path per earlier marble
    for name, run in panel.paths.items():
        assert run[0][0].tolist() == [1.5, -1.0] and run.rates[1] == pytest.approx(run.rates[0] / 1.5)
        assert not np.array_equal(run[0], first[name])
