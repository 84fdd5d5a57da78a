"""Layers bend the plane: the input grid and the samples after each hidden
layer, stepped through layer by layer, equal to the layer's outputs."""
from __future__ import annotations

import numpy as np
import pytest
from nets import mlp_model

from visualnn.engine.inside import bent_planes
from visualnn.ui.plots.layers import LayersPanel
from visualnn.ui.plots.source import ModelSource

XOR = {"x1": np.array([0.0, 0, 1, 1]), "x2": np.array([0.0, 1, 0, 1]), "t1": np.array([0.0, 1, 1, 0])}


@pytest.fixture
def panel(shown):
    model = mlp_model([2, 3, 2, 1], "tanh", out_activation="sigmoid", data=dict(XOR), random_seed=5)
    return shown(LayersPanel(ModelSource(model)), 700, 600)


def test_stepping_through_the_layers_shows_each_layers_outputs(panel):
    model = panel.session.model
    want = bent_planes(model, model.params)
    assert [p.layer for p in panel.planes] == [0, 1, 2]
    panel.next_button.click()
    assert panel.layer == 1 and panel.x_axis.currentText() == "h1_1" and panel.y_axis.currentText() == "h1_2"
    x, y = panel.points.getData()
    np.testing.assert_array_equal(np.column_stack([x, y]), want[1].points[:, [0, 1]])
    panel.y_axis.setCurrentIndex(2)
    x, y = panel.lines.getData()
    first = want[1].lines[0][:, [0, 2]]
    np.testing.assert_array_equal(np.column_stack([x, y])[:len(first)], first)
    panel.next_button.click()
    assert panel.layer == 2 and not panel.next_button.isEnabled()
    assert "after hidden layer 2" in panel.title.text()


def test_new_weights_bend_the_plane_anew(panel):
    panel.show_layer(1)
    before = panel.planes[1].points.copy()
    panel.session.set_params({"w_x1_h1_1": 3.0})
    assert not np.array_equal(panel.planes[1].points, before) and panel.layer == 1


def test_a_network_without_two_inputs_says_why_there_is_no_picture(shown):
    panel = shown(LayersPanel(ModelSource(mlp_model([3, 2, 1], data=None))), 500, 400)
    assert panel.planes == [] and "two inputs" in panel.title.text()
