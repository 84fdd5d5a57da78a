import numpy as np
import pytest

from visualnn.io import examples_dir, load
from visualnn.ui.plots import PANELS, training
from visualnn.ui.plots.worker import stop_all


@pytest.fixture(autouse=True)
def _stop_threads():
    yield
    stop_all()


def open_panel(window, name):
    """View > Panels > name: the dock opens (tabbed with the other open plot panels) in front."""
    dock = window.docks[name]
    if not dock.isVisible():
        dock.toggleViewAction().trigger()
    dock.raise_()
    return window.plot_panels[name]


def test_plot_panels_dock_in_the_window_and_follow_its_session(qtbot, window):
    assert set(PANELS) <= set(window.docks)
    window.show_model(load(examples_dir() / "mazur_2_2_2.json").model)
    surface = open_panel(window, "Loss surface")
    qtbot.waitUntil(lambda: surface.surface is not None and not surface.busy, timeout=10000)
    assert (surface.surface.p1, surface.surface.p2) == ("w5", "w7")
    s = window.session
    activation = open_panel(window, "Activation")
    while s.state.step is None or s.state.step.node != "out_o1":
        s.step()
    x, f, d = activation.marker()
    assert activation.node == "out_o1" and x == pytest.approx(s.state.values["net_o1"])
    open_panel(window, "Loss surface")
    s.end()                                               # the update step
    (px,), (py,) = surface.map.point.getData()
    assert (px, py) == pytest.approx((s.state.params["w5"], s.state.params["w7"]))


def test_a_closed_panel_or_one_behind_another_tab_waits_until_it_is_shown(qtbot, window):
    window.show_model(load(examples_dir() / "mazur_2_2_2.json").model)
    activation, surface = window.plot_panels["Activation"], window.plot_panels["Loss surface"]
    assert activation.hidden_now() and surface.hidden_now()          # closed at first
    before = surface.surface
    s = window.session
    while s.state.step is None or s.state.step.node != "out_o1":
        s.step()
    assert activation.node != "out_o1"
    open_panel(window, "Activation")                      # shown: brought up to date at once
    qtbot.waitUntil(lambda: not activation.hidden_now())
    x, f, d = activation.marker()
    assert activation.node == "out_o1" and x == pytest.approx(s.state.values["net_o1"])
    open_panel(window, "Cost curve")                      # in front of the activation's tab
    qtbot.waitUntil(activation.hidden_now)
    s.end()                                               # new weights: hidden panels are not redrawn
    assert surface.surface is before and not surface.busy
    open_panel(window, "Loss surface")
    qtbot.waitUntil(lambda: surface.surface is not None and not surface.busy, timeout=10000)
    (px,), (py,) = surface.map.point.getData()
    assert (px, py) == pytest.approx((s.state.params["w5"], s.state.params["w7"]))


def test_training_pushes_weights_back_to_the_graph(qtbot, window):
    window.show_model(load(examples_dir() / "xor.json").model)
    panel = window.plot_panels["Training"]
    panel.epochs.setValue(50)
    panel.play()
    qtbot.waitUntil(lambda: panel.thread is None and panel.state == "idle", timeout=20000)
    assert window.session.state.params == pytest.approx(panel.params)
    assert window.session.dirty                       # trained weights are unsaved edits


def test_a_whole_training_run_is_one_undo_step(qtbot, window, monkeypatch):
    # every news from the training process reaches the graph (it is throttled to 2 a second,
    # and a short run may end sooner than that)
    monkeypatch.setattr(training, "PUSH_EVERY", 0.0)
    monkeypatch.setattr(training, "PUSH_SHARE", 0.0)
    window.show_model(load(examples_dir() / "xor.json").model)
    s, panel = window.session, window.plot_panels["Training"]
    start = dict(s.state.params)
    panel.epochs.setValue(5000)
    panel.play()
    qtbot.waitUntil(lambda: panel.thread is None and panel.state == "idle", timeout=30000)
    assert panel._pushes > 1                        # the graph followed the weights during the run ...
    assert s.undo_stack.count() == 1                # ... and undo takes the whole run back at once
    assert s.undo_stack.undoText() == "Train 5000 epochs" and s.dirty
    trained = dict(s.state.params)
    assert trained != start and trained == pytest.approx(panel.params)
    panel.epochs.setValue(20)
    panel.play()                                    # a second run is a step of its own
    qtbot.waitUntil(lambda: panel.thread is None and panel.state == "idle", timeout=30000)
    assert s.undo_stack.count() == 2 and s.undo_stack.undoText() == "Train 20 epochs"
    s.undo_stack.undo()
    assert s.state.params == pytest.approx(trained)
    s.undo_stack.undo()
    assert s.state.params == start and not s.dirty


def test_closing_the_window_stops_a_training_run(qtbot, window):
    from visualnn.ui.plots.worker import live_threads
    window.show_model(load(examples_dir() / "xor.json").model)
    panel = window.plot_panels["Training"]
    panel.epochs.setValue(1_000_000)
    panel.play()
    qtbot.waitUntil(lambda: panel.epoch > 5, timeout=20000)
    window.session.mark_saved()
    window.close()
    assert panel.thread is None and panel.state == "idle"
    qtbot.waitUntil(lambda: live_threads() == 0, timeout=10000)
    qtbot.wait(300)
    assert not window.session.dirty              # nothing more arrived from the stopped run


EXIT_SCRIPT = r"""
import sys
sys.path.insert(0, sys.argv[1])
from PySide6.QtWidgets import QApplication
app = QApplication([])
from visualnn.io import examples_dir, load
from visualnn.ui.plots.source import ModelSource
from visualnn.ui.plots.surface import SurfacePanel
from visualnn.ui.plots.training import TrainingPanel
from nets import mazur_model
spiral = load(examples_dir() / "spiral.json").model
panel = SurfacePanel(ModelSource(spiral))
panel.resolution.setValue(401)
panel.compute()                      # seconds of work in a thread
xor = load(examples_dir() / "xor.json").model
xor.training.epochs = 10_000_000
trainer = TrainingPanel(ModelSource(xor))
trainer.play()
trainer2 = TrainingPanel(ModelSource(mazur_model()))
trainer2.step_epoch()                # a run paused after one epoch, waiting
app.processEvents()
print("leaving", panel.busy, trainer.thread is not None, flush=True)
"""


def test_a_script_that_ends_while_plot_threads_run_exits_cleanly():
    import os
    import subprocess
    import sys
    from pathlib import Path
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", EXIT_SCRIPT, str(Path(__file__).parents[2])], env=env,
                         capture_output=True, text=True, timeout=120)
    assert "leaving True True" in out.stdout
    assert out.returncode == 0, out.stderr[-2000:]          # not an abort: "QThread: Destroyed while ... running"
    assert "Destroyed while" not in out.stderr


def test_closing_the_window_while_marbles_roll_joins_the_thread(qtbot, window):
    panel = open_panel(window, "Loss surface")
    panel.set_source("rosenbrock")
    panel.marble.steps.setValue(panel.marble.steps.maximum())
    panel.roll()
    job = panel.marble_jobs.job
    assert job is not None and job.isRunning()
    window.close()
    assert job.isFinished()                       # joined before the window went away


def test_a_panel_opened_from_the_panels_menu_comes_to_the_front(qtbot, window):
    window.show()
    for name in ("Activation", "Loss surface"):
        window.docks[name].toggleViewAction().trigger()
        qtbot.waitUntil(lambda name=name: not window.plot_panels[name].visibleRegion().isEmpty(), timeout=5000)
    assert window.docks["Activation"].visibleRegion().isEmpty()          # now behind the surface's tab


def test_mazur_surface_opens_on_a_bowl_with_its_lowest_point_inside_the_map(qtbot, window):
    window.show_model(load(examples_dir() / "mazur_2_2_2.json").model)
    surface = open_panel(window, "Loss surface")
    qtbot.waitUntil(lambda: surface.surface is not None and not surface.busy, timeout=10000)
    Z = surface.surface.Z
    i, j = np.unravel_index(np.nanargmin(Z), Z.shape)
    assert 0 < i < Z.shape[0] - 1 and 0 < j < Z.shape[1] - 1
    assert Z[i, j] < 1e-3 < surface.surface.center_loss
    with qtbot.waitSignal(surface.sigMarblesReady, timeout=10000):
        surface.roll()
    xs, ys = surface.surface.xs, surface.surface.ys
    ends = []
    for name, (path, *_) in surface.paths.items():
        assert (xs[0] <= path[:, 0]).all() and (path[:, 0] <= xs[-1]).all(), name      # no marble leaves the map
        assert (ys[0] <= path[:, 1]).all() and (path[:, 1] <= ys[-1]).all(), name
        ends.append(tuple(np.round(path[-1], 3)))
    assert len(set(ends)) > 1                          # not all the same line
    assert min(run[1][-1] for run in surface.paths.values()) < 0.01   # at least one reaches the bottom


def test_plots_follow_the_dark_theme(qtbot, window):
    import pyqtgraph as pg
    window.show_model(load(examples_dir() / "mazur_2_2_2.json").model)
    before = open_panel(window, "Activation")
    window.set_theme("dark")
    after = open_panel(window, "Cost curve")                       # built after the switch
    for panel in (before, after):
        for view in panel.findChildren(pg.GraphicsView):
            assert view.backgroundBrush().color().lightness() < 60
            axes = [it for it in view.scene().items() if isinstance(it, pg.AxisItem) and it.isVisible()]
            assert axes and all(ax.textPen().color().lightness() > 150 for ax in axes)
            legends = [it for it in view.scene().items() if isinstance(it, pg.LegendItem)]
            assert all(lg.brush().color().lightness() < 60 and lg.labelTextColor().lightness() > 150
                       for lg in legends)
    window.set_theme("light")
    assert all(v.backgroundBrush().color().lightness() > 200 for v in before.findChildren(pg.GraphicsView))


@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768)])
def test_roll_and_stop_show_whole_beside_the_loss_surface(qtbot, window, size):
    window.setGeometry(0, 0, *size)
    window.show()
    window.show_model(load(examples_dir() / "mazur_2_2_2.json").model)
    surface = open_panel(window, "Loss surface")
    qtbot.waitUntil(lambda: surface.surface is not None and not surface.busy, timeout=10000)
    for button in (surface.marble.roll_button, surface.marble.stop_button):
        qtbot.waitUntil(lambda b=button: b.visibleRegion().boundingRect() == b.rect(), timeout=3000)


def test_activation_readout_follows_a_layer_switched_to_relu_even_behind_another_tab(qtbot, window):
    window.show()
    window.show_model(load(examples_dir() / "mazur_2_2_2.json").model)
    activation = open_panel(window, "Activation")
    s = window.session
    while s.state.step is None or s.state.step.node != "out_h1":
        s.step()
    assert "sigmoid(net_h1)" in activation.info.text()
    hidden = window.network_toolbar.activations[0]                   # layer 1's activation box
    hidden.activated.emit(hidden.findData("relu"))
    assert activation.activation == "relu" and "relu(net_h1)" in activation.info.text()
    assert "sigmoid" not in activation.info.text()
    open_panel(window, "Cost curve")                                   # the readout now behind a tab
    out = window.network_toolbar.activations[1]
    out.activated.emit(out.findData("tanh"))
    while s.state.step is None or s.state.step.node != "out_o1":
        s.step()
    open_panel(window, "Activation")
    qtbot.waitUntil(lambda: "tanh(net_o1)" in activation.info.text(), timeout=3000)
    assert activation.plot_f.titleLabel.text.startswith("tanh")


@pytest.mark.parametrize("size, shown", [((1920, 1080), True), ((1366, 768), False)])
def test_marble_legend_leaves_a_small_loss_map_uncovered(qtbot, window, size, shown):
    window.setGeometry(0, 0, *size)
    window.show()
    window.show_model(load(examples_dir() / "mazur_2_2_2.json").model)
    surface = open_panel(window, "Loss surface")
    qtbot.waitUntil(lambda: surface.surface is not None and not surface.busy, timeout=10000)
    surface.marble.interval.setValue(1)
    with qtbot.waitSignal(surface.race.sigFinished, timeout=10000):
        surface.roll()
    legend, box = surface.map.legend, surface.map.plotItem.vb.boundingRect()
    assert legend.isVisible() == shown
    if shown:
        assert legend.boundingRect().width() <= 0.3 * box.width()
