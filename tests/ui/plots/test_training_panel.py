import numpy as np
import pytest

from visualnn.ui.plots.source import ModelSource
from visualnn.ui.plots.training import TrainingPanel


def finish(qtbot, panel, timeout=20000):
    qtbot.waitUntil(lambda: panel.thread is None and panel.state != "running", timeout=timeout)


def test_trained_xor_decision_boundary_classifies_its_four_points(qtbot, xor):
    source = ModelSource(xor)
    panel = TrainingPanel(source)
    qtbot.addWidget(panel)
    assert panel.boundary_plot.isVisibleTo(panel)
    panel.play()
    finish(qtbot, panel)
    assert panel.epoch == 400 and len(panel.history) == 400
    assert panel.history[-1] < 0.01
    for x1, x2, t in zip(xor.data.columns["x1"], xor.data.columns["x2"], xor.data.columns["t1"]):
        assert (panel.boundary_value_at(x1, x2) > 0.5) == (t > 0.5)
    # the weights went back to the session (the graph recolours from them)
    assert xor.params == pytest.approx(panel.params)


def test_training_divergence_pauses_with_a_message(qtbot):
    from nets import mlp_model
    line = mlp_model([1, 1], "linear", loss="mse", data={"x1": np.array([1.0, 2.0, 3.0]), "t1": np.array([2.0, 4.0, 6.0])},
                     params={"w_x1_y1": 0.5, "b_y1": 0.0}, title="line", epochs=100000, learning_rate=5.0,
                     optimizer="sgd")
    panel = TrainingPanel(ModelSource(line))
    qtbot.addWidget(panel)
    panel.play()
    finish(qtbot, panel)
    assert panel.state == "paused"
    text = panel.status.text()
    assert "paused" in text and "diverged" in text and "learning rate" in text
    assert 0 < panel.epoch < 100000
    assert all(np.isfinite(v) for v in panel.params.values())
    assert panel.play_button.isEnabled() and not panel.pause_button.isEnabled()


def test_one_epoch_at_a_time_and_pause_keep_the_window_live(qtbot, xor):
    panel = TrainingPanel(ModelSource(xor))
    qtbot.addWidget(panel)
    panel.step_epoch()
    qtbot.waitUntil(lambda: panel.epoch == 1, timeout=5000)
    qtbot.wait(100)
    assert panel.epoch == 1 and panel.state == "paused"
    panel.step_epoch()
    qtbot.waitUntil(lambda: panel.epoch == 2, timeout=5000)
    qtbot.wait(100)
    assert panel.epoch == 2 and len(panel.history) == 2
    panel.epochs.setValue(10_000_000)
    panel.play()                                  # settings changed while paused: a new run
    qtbot.waitUntil(lambda: panel.epoch > 50, timeout=10000)
    panel.pause()
    qtbot.wait(200)
    n = panel.epoch
    qtbot.wait(200)
    assert panel.epoch == n and panel.state == "paused"
    assert panel.epochs_axis == list(range(1, n + 1))
    panel.reset()
    assert panel.epoch == 0 and panel.history == []
    assert panel.wait(5000)


def test_loss_curve_shows_train_and_test(qtbot, xor):
    xor.data.test = {k: v.copy() for k, v in xor.data.columns.items()}
    xor.training.epochs = 30
    panel = TrainingPanel(ModelSource(xor))
    qtbot.addWidget(panel)
    panel.play()
    finish(qtbot, panel)
    x, y = panel.train_curve.getData()
    xt, yt = panel.test_curve.getData()
    assert len(x) == len(xt) == 30
    np.testing.assert_allclose(10 ** y if panel.loss_plot.getPlotItem().ctrl.logYCheck.isChecked() else y,
                               panel.history, rtol=1e-9)
    np.testing.assert_allclose(panel.test_history, panel.history)   # test set = training set here


def test_the_decision_map_is_redrawn_for_new_weights_not_for_every_step(qtbot, xor, monkeypatch):
    from visualnn.ui.plots import training
    from visualnn.ui.session import Session
    s = Session(model=xor)
    panel = TrainingPanel(s)
    qtbot.addWidget(panel)
    calls = []
    real = training.decision_grid
    monkeypatch.setattr(training, "decision_grid", lambda *a, **k: calls.append(1) or real(*a, **k))
    for _ in range(s.cycle_length - 1):
        s.step()                           # forward and backward: the same weights
    assert calls == []
    s.step()                               # the update step
    assert len(calls) == 1 and panel.params == s.state.params


def test_a_run_that_diverges_at_once_pauses_and_leaves_the_networks_weights_alone(qtbot):
    from PySide6.QtWidgets import QApplication
    from visualnn.io import examples_dir, load
    from visualnn.ui.session import Session
    doc = load(examples_dir() / "and_or_perceptron.json")
    # BCE clamps its logs at -100 like PyTorch; with the clamp off the update below gives NaN weights
    doc.model.graph.nodes["loss"].attrs["clamp_log"] = 0
    doc.model.spec.loss_attrs["clamp_log"] = 0
    s = Session(document=doc)
    s.edit_value("b_OR", 1e12)
    s.end()                                           # the update leaves weights that are not numbers
    assert any(v != v for v in s.state.params.values())
    panel = TrainingPanel(s)
    qtbot.addWidget(panel)
    edits = s.undo_stack.count()
    panel.epochs.setValue(5)
    with qtbot.capture_exceptions() as caught:
        panel.play()
        finish(qtbot, panel)
        QApplication.processEvents()
    assert not caught
    assert panel.state == "paused" and "diverged" in panel.status.text()
    assert s.undo_stack.count() == edits              # nothing pushed: the session takes numbers only
    s.mark_saved()


def _spiral():
    from visualnn.io import examples_dir, load
    return load(examples_dir() / "spiral.json").model


def test_a_window_busy_elsewhere_gets_one_news_of_training_not_a_queue(qtbot):
    import time
    from PySide6.QtWidgets import QApplication
    model = _spiral()
    model.training.epochs = 1_000_000
    panel = TrainingPanel(ModelSource(model))
    qtbot.addWidget(panel)
    panel.play()
    qtbot.waitUntil(lambda: panel.epoch > 2, timeout=20000)
    th = panel.thread
    time.sleep(0.5)                                       # the window is busy: epochs go on in the worker
    assert th.news_sent - th.news_taken <= 1              # at most one news waits for the window
    QApplication.processEvents()                          # it takes the latest, everything since included
    assert panel.epochs_axis == list(range(1, panel.epoch + 1)) and panel.epoch > 2
    assert panel.train_curve.getData()[0] is not None and len(panel.train_curve.xData) == panel.epoch
    panel.reset()
    assert panel.wait(10000)


def test_reset_during_spiral_training_is_answered_within_one_event_loop_turn(qtbot, window):
    from PySide6.QtWidgets import QApplication
    from shiboken6 import isValid
    from visualnn.io import examples_dir
    assert window.open_file(str(examples_dir() / "spiral.json"))
    dock = window.docks["Training"]
    dock.toggleViewAction().trigger()
    dock.raise_()
    panel = window.plot_panels["Training"]
    start = dict(window.session.state.params)
    panel.epochs.setValue(1_000_000)
    panel.play()
    qtbot.waitUntil(lambda: panel.epoch > 20, timeout=30000)
    th = panel.thread
    panel.reset_button.click()
    QApplication.processEvents()                          # one turn of the event loop
    assert panel.state == "idle" and panel.thread is None and panel.history == []
    assert window.session.state.params == start           # the starting weights are back in the graph
    assert not isValid(th) or th.wait(10000)              # and the run has ended (joined, maybe deleted)
    qtbot.wait(100)
    assert panel.history == [] and window.session.state.params == start    # nothing late arrived
    window.session.mark_saved()


def test_a_long_history_is_drawn_downsampled_and_clipped_to_view(qtbot, xor):
    panel = TrainingPanel(ModelSource(xor))
    qtbot.addWidget(panel)
    curve = panel.train_curve
    assert curve.opts["autoDownsample"] and curve.opts["clipToView"]
    assert curve.opts["downsampleMethod"] == "peak"


def shown_ticks(axis, lo, hi):
    """The labels an axis writes over the view lo..hi (blank ticks left out)."""
    axis.setRange(lo, hi)
    out: dict = {}                      # a value of several tick levels is drawn once
    for spacing, values in axis.tickValues(lo, hi, 200):
        for v, t in zip(values, axis.tickStrings(values, axis.scale, spacing)):
            out.setdefault(round(v, 9), t)
    return [t for _, t in sorted(out.items()) if t]


def test_log_loss_axis_labels_do_not_pile_up_within_a_decade(qtbot, xor):
    panel = TrainingPanel(ModelSource(xor))
    qtbot.addWidget(panel)
    axis = panel.loss_plot.getPlotItem().getAxis("left")
    within = shown_ticks(axis, np.log10(1.5), np.log10(9.5))          # 2, 3, ..., 9 before
    assert within == ["2", "5"]
    assert shown_ticks(axis, -4, 0.5) == ["0.0001", "0.001", "0.01", "0.1", "1"]


def test_decision_map_of_a_single_sample_reads_in_short_ticks(qtbot, mazur):
    panel = TrainingPanel(ModelSource(mazur))
    qtbot.addWidget(panel)
    xs, ys, _ = panel.boundary_grid
    assert xs[0] < 0.05 - 0.9 and xs[-1] > 0.05 + 0.9 and ys[0] < 0.1 - 0.9 and ys[-1] > 0.1 + 0.9
    for name, (lo, hi) in (("bottom", (xs[0], xs[-1])), ("left", (ys[0], ys[-1]))):
        labels = shown_ticks(panel.boundary_plot.getPlotItem().getAxis(name), lo, hi)
        assert labels and all(len(t) <= 4 for t in labels), labels
