"""Seeing inside learning: neuron pictures, gradient flow, stuck units, the
bent input plane and pixel pictures, each equal to the engine's own numbers."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from nets import mlp_model

from visualnn.engine import record
from visualnn.engine.diagnosis import diagnose
from visualnn.engine.inside import (
    bent_planes,
    dataset_gradients,
    gradient_history,
    grid_points,
    layer_gradients,
    neuron_grids,
    pixel_image,
    weight_image,
)
from visualnn.engine.plotting_data import decision_grid
from visualnn.engine.training import Objective
from visualnn.io import load

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# dE/dw1 .. dE/dw6 of examples/vanishing_sigmoid.json, as its lecture shows them (4 digits)
GOLDEN_SIGMOID_CHAIN = ["7.199e-05", "0.0002677", "0.001127", "0.004948", "0.02195", "0.09763"]
XOR = {"x1": np.array([0.0, 0, 1, 1]), "x2": np.array([0.0, 1, 0, 1]), "t1": np.array([0.0, 1, 1, 0])}


def _one_hidden(activation, w, b, out="sigmoid"):
    """2-1-1: one hidden unit with weights ``w`` and bias ``b`` on XOR's four samples."""
    m = mlp_model([2, 1, 1], activation, out_activation=out, loss="squared_error", data=dict(XOR))
    m.params.update({"w_x1_h1_1": w[0], "w_x2_h1_1": w[1], "b_h1_1": b, "w_h1_1_y1": 0.5, "b_y1": 0.1})
    return m


# -- why it is stuck --------------------------------------------------------------------
def test_a_relu_unit_negative_on_every_sample_is_flagged_dead():
    flags = diagnose(_one_hidden("relu", (-1.0, -2.0), -0.5))
    assert [f.kind for f in flags["h1_1"]] == ["dead"]
    text = flags["h1_1"][0].text
    assert "outputs 0" in text and "What usually helps" in text and "leaky ReLU" in text


def test_a_sigmoid_unit_with_huge_sums_is_flagged_saturated():
    flags = diagnose(_one_hidden("sigmoid", (20.0, 20.0), 10.0))
    assert [f.kind for f in flags["h1_1"]] == ["saturated"]
    assert flags["h1_1"][0].share == 1.0
    assert "smaller starting weights" in flags["h1_1"][0].text


def test_a_saturated_tanh_is_flagged_and_a_healthy_one_is_not():
    assert [f.kind for f in diagnose(_one_hidden("tanh", (-9.0, -9.0), -4.0))["h1_1"]] == ["saturated"]
    assert diagnose(_one_hidden("tanh", (0.7, -0.4), 0.1)) == {}


def test_a_healthy_relu_unit_is_not_flagged():
    # active on three samples of four: alive
    assert diagnose(_one_hidden("relu", (1.0, 1.0), -0.5)) == {}


def test_a_gradient_over_the_limit_is_flagged_exploding():
    m = mlp_model([2, 2, 2, 1], "linear", loss="squared_error", data=dict(XOR))
    m.params.update({p: 12.0 for p in m.params})
    flags = diagnose(m)
    assert any(f.kind == "exploding" for fs in flags.values() for f in fs)
    assert "smaller learning rate" in next(f for fs in flags.values() for f in fs if f.kind == "exploding").text


def test_the_relu_net_stuck_at_0_693_shows_its_dead_units():
    m = load(EXAMPLES / "relu_stuck.json").model
    assert Objective(m).value(Objective(m).theta(m.params)) == pytest.approx(np.log(2), abs=1e-15)
    flags = diagnose(m)
    assert sorted(flags) == ["h1_2", "h1_3", "h2_1", "h2_2", "h2_3"]
    assert all(f.kind == "dead" for fs in flags.values() for f in fs)


# -- each neuron's picture ----------------------------------------------------------------
def test_neuron_heat_maps_equal_the_engines_outputs_exactly():
    m = mlp_model([2, 3, 2, 1], "tanh", out_activation="sigmoid", data=dict(XOR), random_seed=4)
    grids = neuron_grids(m, m.params, n=9)
    dense = m.dense()
    cache = dense.forward(dense.theta(m.params), grid_points(grids.xs, grids.ys))
    for l, layer in enumerate(m.spec.layers):
        for j, neuron in enumerate(layer.neurons):
            np.testing.assert_array_equal(grids.outputs[neuron].ravel(), cache[l + 1][1][:, j])
            np.testing.assert_array_equal(grids.nets[neuron].ravel(), cache[l + 1][0][:, j])
    # the output neuron's picture is the decision map, number for number
    _, _, V, _ = decision_grid(m, m.params, n=9)
    np.testing.assert_array_equal(grids.outputs["y1"], V)
    # and the graph, one point at a time, computes the same outputs
    i, j = 3, 7
    tr = record(m.graph, m.params, {"x1": grids.xs[i], "x2": grids.ys[j], "t1": 0.0})
    for neuron, V in grids.outputs.items():
        assert V[i, j] == pytest.approx(tr.values[f"out_{neuron}"], rel=1e-14, abs=1e-15)


def test_neuron_pictures_only_for_the_neurons_asked_for():
    m = mlp_model([2, 3, 1], "relu", data=dict(XOR), random_seed=1)
    assert set(neuron_grids(m, m.params, n=4, neurons={"h1_2"}).outputs) == {"h1_2"}


# -- gradient flow --------------------------------------------------------------------------
def test_gradient_flow_figures_equal_the_traces_gradients():
    m = load(EXAMPLES / "vanishing_sigmoid.json").model
    tr = record(m.graph, m.params, m.samples()[0])
    layers = layer_gradients(m.spec, m.params, tr.param_gradients)
    assert [L.names for L in layers] == [(f"w{k}",) for k in range(1, 7)]
    for L in layers:
        assert L.mean_abs_gradient == abs(tr.param_gradients[L.names[0]])
    # the lecture's numbers: the gradient shrinks layer by layer through the sigmoids
    means = [L.mean_abs_gradient for L in layers]
    assert all(a < b / 3 for a, b in zip(means, means[1:]))
    assert [f"{x:.4g}" for x in means] == GOLDEN_SIGMOID_CHAIN


def test_the_relu_chain_keeps_its_gradient_through_the_layers():
    m = load(EXAMPLES / "vanishing_relu.json").model
    tr = record(m.graph, m.params, m.samples()[0])
    means = [L.mean_abs_gradient for L in layer_gradients(m.spec, m.params, tr.param_gradients)]
    assert f"{means[0]:.6f}" == "0.143735" and max(means) == min(means)


def test_several_samples_gradient_flow_uses_the_mean_gradient_of_training():
    m = mlp_model([2, 3, 1], "sigmoid", data=dict(XOR), random_seed=2)
    g = dataset_gradients(m, m.params)
    obj = Objective(m)
    _, want = obj.value_and_grad(obj.theta(m.params))
    assert [g[n] for n in obj.names] == want.tolist()
    layers = layer_gradients(m.spec, m.params, g)
    assert layers[1].mean_abs_gradient == np.mean(np.abs([g["w_h1_1_y1"], g["w_h1_2_y1"], g["w_h1_3_y1"]]))


def test_gradient_history_starts_with_the_current_gradients_and_follows_training():
    m = mlp_model([2, 3, 1], "sigmoid", data=dict(XOR), random_seed=2, learning_rate=1.0)
    hist = gradient_history(m, m.params, epochs=5)
    assert hist.mean_abs.shape == (6, 2) and hist.stopped == ""
    first = layer_gradients(m.spec, m.params, dataset_gradients(m, m.params))
    assert hist.mean_abs[0].tolist() == [L.mean_abs_gradient for L in first]
    assert hist.losses[-1] < hist.losses[0]


# -- how each layer bends the plane ------------------------------------------------------------
def test_bent_planes_are_the_layers_outputs_on_the_grid_lines():
    m = mlp_model([2, 2, 1], "tanh", data=dict(XOR), random_seed=3)
    planes = bent_planes(m, m.params, lines=3, per_line=5)
    assert [p.layer for p in planes] == [0, 1]
    dense = m.dense()
    line = planes[0].lines[1]
    out = dense.forward(dense.theta(m.params), line)[1][1]
    np.testing.assert_array_equal(planes[1].lines[1], out)
    np.testing.assert_array_equal(planes[1].points, dense.forward(dense.theta(m.params), m.data.matrix(["x1", "x2"]))[1][1])
    lines, points = planes[1].axes(1, 0)
    np.testing.assert_array_equal(lines[1], out[:, [1, 0]])
    assert planes[0].neurons == ("x1", "x2") and planes[1].neurons == ("h1_1", "h1_2")


# -- pixel pictures ------------------------------------------------------------------------------
def test_the_cameras_pictures_are_its_pixels_and_first_layer_weights():
    m = load(EXAMPLES / "four_pixel_camera.json").model
    s = m.samples()[2]
    img = pixel_image([s[p] for p in m.spec.inputs])
    assert img.tolist() == [[1.0, -1.0], [1.0, -1.0]]        # vertical: left white, right black
    assert weight_image(m.spec, m.params, "left_top_white").tolist() == [[1.0, 0.0], [-1.0, 0.0]]
    with pytest.raises(ValueError, match="square"):
        pixel_image([1.0, 2.0, 3.0])


def test_a_neurons_formula_has_its_weights_plugged_in():
    from visualnn.engine.inside import neuron_formula
    m = load(EXAMPLES / "mazur_2_2_2.json").model
    assert neuron_formula(m.spec, m.params, "h1") == "h1 = sigmoid(0.15·i1 + 0.2·i2 + 0.35)"
    m.params["w5"] = -0.4
    assert neuron_formula(m.spec, m.params, "o1") == "o1 = sigmoid(-0.4·h1 + 0.45·h2 + 0.6)"
    big = mlp_model([784, 2, 1], "relu")
    big.params.update({"w_x784_h1_1": 0.5, "b_h1_1": -1.0})
    assert neuron_formula(big.spec, big.params, "h1_1") == "h1_1 = relu(0·x1 + 0·x2 + 0·x3 + … + 0.5·x784 - 1)"
