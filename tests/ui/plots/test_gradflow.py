"""The gradient-flow panel: per-layer mean |dL/dw| and histograms of the
current step, and over training, equal to the trace's gradients."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from visualnn.engine import record
from visualnn.engine.inside import dataset_gradients, gradient_history, layer_gradients
from visualnn.io import load
from visualnn.ui.plots.gradflow import FLOOR, GradientFlowPanel
from visualnn.ui.session import Session

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


@pytest.fixture
def panel_on(shown):
    def make(name):
        session = Session(document=load(EXAMPLES / f"{name}.json"))
        return session, shown(GradientFlowPanel(session), 700, 800)
    return make


def test_after_the_backward_pass_the_bars_are_the_traces_mean_gradients(qtbot, panel_on):
    session, panel = panel_on("vanishing_sigmoid")
    m = session.model
    session.seek(session.cycle_length - 1)      # the end of the backward pass, before the update
    tr = record(m.graph, m.params, m.samples()[0])
    want = [abs(tr.param_gradients[f"w{k}"]) for k in range(1, 7)]
    assert [L.mean_abs_gradient for L in panel.layers] == want
    heights = panel.bars.opts["height"]
    np.testing.assert_allclose(heights, np.log10(want) - np.log10(FLOOR), rtol=1e-12)
    assert list(heights) == sorted(heights)      # a staircase down towards the input: the gradient vanishes
    assert "1: 7.199e-05, 2: 0.0002677" in panel.readout.text() and "6: 0.09763" in panel.readout.text()


def test_the_histograms_count_every_weight_and_gradient(qtbot, panel_on):
    session, panel = panel_on("relu_stuck")
    session.seek(session.cycle_length - 1)
    counts = [item.yData.sum() for item in panel.weights_plot.listDataItems()]
    assert counts == [6, 9, 3]


def test_recording_over_training_equals_the_engines_history(qtbot, panel_on):
    session, panel = panel_on("vanishing_sigmoid")
    panel.epochs.setValue(20)
    panel.run_history()
    qtbot.waitUntil(lambda: panel.history is not None, timeout=10000)
    m = session.model
    want = gradient_history(m, m.params, 20)
    np.testing.assert_array_equal(panel.history.mean_abs, want.mean_abs)
    first = layer_gradients(m.spec, m.params, dataset_gradients(m, m.params))
    assert panel.history.mean_abs[0].tolist() == [L.mean_abs_gradient for L in first]
    assert len(panel.history_plot.listDataItems()) == 6


def test_a_hidden_panel_does_no_work_on_a_step(qtbot, panel_on):
    session, panel = panel_on("vanishing_sigmoid")
    panel.set_seen(False)
    before = list(panel.layers)
    session.seek(session.cycle_length - 1)
    assert panel.layers == before and panel._stale
    panel.set_seen(True)
    assert not panel._stale and panel.layers[0].mean_abs_gradient > 0
