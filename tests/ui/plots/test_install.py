import numpy as np
import pytest

from visualnn.io import examples_dir, load
from visualnn.ui.plots import PANELS
from visualnn.ui.plots.worker import stop_all


@pytest.fixture(autouse=True)
def _stop_threads():
    yield
    stop_all()


def test_plot_panels_dock_in_the_window_and_follow_its_session(qtbot, window):
    assert set(PANELS) <= set(window.docks)
    window.show_model(load(examples_dir() / "mazur_2_2_2.json").model)
    panels = window.plot_panels
    window.docks["Loss surface"].show()
    window.docks["Loss surface"].raise_()
    surface = panels["Loss surface"]
    qtbot.waitUntil(lambda: surface.surface is not None and not surface.busy, timeout=10000)
    assert (surface.surface.p1, surface.surface.p2) == ("w5", "w6")
    s = window.session
    window.docks["Activation"].raise_()
    while s.state.step is None or s.state.step.node != "out_o1":
        s.step()
    x, f, d = panels["Activation"].marker()
    assert panels["Activation"].node == "out_o1" and x == pytest.approx(s.state.values["net_o1"])
    window.docks["Loss surface"].raise_()
    s.end()                                               # the update step
    (px,), (py,) = surface.map.point.getData()
    assert (px, py) == pytest.approx((s.state.params["w5"], s.state.params["w6"]))


def test_a_panel_behind_another_tab_waits_until_its_tab_is_chosen(qtbot, window):
    window.show_model(load(examples_dir() / "mazur_2_2_2.json").model)
    activation, surface = window.plot_panels["Activation"], window.plot_panels["Loss surface"]
    window.docks["Inspector"].raise_()
    assert activation.hidden_now() and surface.hidden_now()
    before = surface.surface
    s = window.session
    while s.state.step is None or s.state.step.node != "out_o1":
        s.step()
    assert activation.node != "out_o1"
    window.docks["Activation"].raise_()                   # shown: brought up to date at once
    qtbot.waitUntil(lambda: not activation.hidden_now())
    x, f, d = activation.marker()
    assert activation.node == "out_o1" and x == pytest.approx(s.state.values["net_o1"])
    s.end()                                               # new weights: a hidden surface is not recomputed
    assert surface.surface is before and not surface.busy
    window.docks["Loss surface"].raise_()
    qtbot.waitUntil(lambda: surface.surface is not None and not surface.busy, timeout=10000)
    (px,), (py,) = surface.map.point.getData()
    assert (px, py) == pytest.approx((s.state.params["w5"], s.state.params["w6"]))


def test_training_pushes_weights_back_to_the_graph(qtbot, window):
    window.show_model(load(examples_dir() / "xor.json").model)
    panel = window.plot_panels["Training"]
    panel.epochs.setValue(50)
    panel.play()
    qtbot.waitUntil(lambda: panel.thread is None and panel.state == "idle", timeout=20000)
    assert window.session.state.params == pytest.approx(panel.params)
    assert window.session.dirty                       # trained weights are unsaved edits


def test_a_whole_training_run_is_one_undo_step(qtbot, window):
    window.show_model(load(examples_dir() / "xor.json").model)
    s, panel = window.session, window.plot_panels["Training"]
    start = dict(s.state.params)
    panel.epochs.setValue(300)
    panel.play()
    qtbot.waitUntil(lambda: panel.thread is None and panel.state == "idle", timeout=30000)
    assert panel._pushes > 1                        # the graph followed the weights during the run ...
    assert s.undo_stack.count() == 1                # ... and undo takes the whole run back at once
    assert s.undo_stack.undoText() == "Train 300 epochs" and s.dirty
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
