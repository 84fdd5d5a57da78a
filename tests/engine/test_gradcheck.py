"""The numerical gradient check: backprop against central differences."""
import dataclasses

import numpy as np
import pytest

from nets import MAZUR_PARAMS, MAZUR_SAMPLE, mazur_model, mlp_model
from visualnn.engine import Dataset, Graph, Node, record
from visualnn.engine.datasets import as_dataset, generate
from visualnn.engine.gradcheck import (backprop_gradients, gradcheck, kink_distances, numerical_gradient,
                                       relative_error)
from visualnn.engine.ops import OPS
from visualnn.engine.training import initial_params


def test_mazur_backprop_passes_the_gradient_check():
    rows = gradcheck(mazur_model())
    assert [r.name for r in rows] == mazur_model().graph.param_names
    tr = record(mazur_model().graph, MAZUR_PARAMS, MAZUR_SAMPLE)
    for r in rows:
        assert r.backprop == tr.param_gradients[r.name]
        assert r.relative_error < 1e-6
        assert r.numerical == pytest.approx(r.backprop, rel=1e-6)


def test_gradient_check_can_include_the_inputs():
    rows = gradcheck(mazur_model(), inputs=True)
    by_name = {r.name: r for r in rows}
    tr = record(mazur_model().graph, MAZUR_PARAMS, MAZUR_SAMPLE)
    assert by_name["i1"].backprop == tr.gradients["i1"]
    assert by_name["i2"].relative_error < 1e-6


def test_a_wrong_local_derivative_is_caught(monkeypatch):
    sig = OPS["sigmoid"]
    wrong = dataclasses.replace(sig, local=lambda xs, ws, out, a: ([out * (1.0 - out) * 1.1], []))
    monkeypatch.setitem(OPS, "sigmoid", wrong)
    rows = gradcheck(mazur_model())
    assert all(r.relative_error > 0.05 for r in rows)


def test_one_sample_or_the_whole_data_set():
    data = as_dataset(*generate("xor", n=8, noise=0.2, seed=1), ["x1", "x2"], ["t1"])
    m = mlp_model([2, 3, 1], "tanh", out_activation="sigmoid", loss="binary_cross_entropy", data=data)
    m.params = initial_params(m, seed=1)
    one = gradcheck(m, sample_index=5)
    alone = mlp_model([2, 3, 1], "tanh", out_activation="sigmoid", loss="binary_cross_entropy",
                      data=Dataset({k: v[5:6] for k, v in data.columns.items()}))
    alone.params = m.params
    assert [(r.name, r.backprop) for r in one] == [(r.name, r.backprop) for r in gradcheck(alone)]
    whole = gradcheck(m)
    assert [r.backprop for r in whole] != [r.backprop for r in one]
    assert max(r.relative_error for r in whole) < 1e-6
    with pytest.raises(IndexError, match="sample 8 out of range 0..7"):
        gradcheck(m, sample_index=8)


def test_numerical_gradient_of_an_input_is_per_sample():
    g = Graph([Node("x", "input"), Node("w", "param"), Node("t", "target"),
               Node("y", "mul", ("x", "w")), Node("L", "mse", ("y", "t"))])
    params, feeds = {"w": 1.5}, {"x": np.array([1.0, -2.0, 0.5]), "t": np.array([0.0, 1.0, 2.0])}
    num = numerical_gradient(g, params, feeds, "x")
    grads, pgrads = backprop_gradients(g, params, feeds)
    # L = (w x - t)^2 per sample, objective = mean: d/dx_b = 2 (w x_b - t_b) w / 3
    np.testing.assert_allclose(num, 2 * (1.5 * feeds["x"] - feeds["t"]) * 1.5 / 3, rtol=1e-8)
    np.testing.assert_allclose(grads["x"], num, rtol=1e-8)
    assert numerical_gradient(g, params, feeds, "w") == pytest.approx(float(pgrads["w"]), rel=1e-8)


def test_graph_without_a_loss_checks_its_output():
    g = Graph([Node("x", "input"), Node("y", "input"), Node("z", "input"),
               Node("q", "add", ("x", "y")), Node("f", "mul", ("q", "z"))])
    feeds = {"x": -2.0, "y": 5.0, "z": -4.0}
    assert numerical_gradient(g, {}, feeds, "x")[0] == pytest.approx(-4.0, rel=1e-9)
    assert numerical_gradient(g, {}, feeds, "z")[0] == pytest.approx(3.0, rel=1e-9)


def test_a_node_inside_the_graph_is_checked_by_nudging_its_value():
    """The inspector's finite-difference check of q in f = (x + y) z, and of net_o1
    in the 2-2-2 network: the same one gradient check as for weights and inputs."""
    g = Graph([Node("x", "input"), Node("y", "input"), Node("z", "input"),
               Node("q", "add", ("x", "y")), Node("f", "mul", ("q", "z"))])
    assert numerical_gradient(g, {}, {"x": -2.0, "y": 5.0, "z": -4.0}, "q")[0] == pytest.approx(-4.0, rel=1e-9)
    m = mazur_model()
    tr = record(m.graph, MAZUR_PARAMS, MAZUR_SAMPLE)
    num = numerical_gradient(m.graph, MAZUR_PARAMS, MAZUR_SAMPLE, "net_o1")[0]
    assert num == pytest.approx(tr.gradients["net_o1"], rel=1e-7)
    assert f"{num:.9f}" == "0.138498562"
    with pytest.raises(ValueError, match="not a parameter, input, target or op node"):
        numerical_gradient(g, {}, {"x": 1.0, "y": 1.0, "z": 1.0}, "nowhere")


def test_fourth_order_stencil_is_more_accurate():
    g = Graph([Node("p", "param"), Node("e", "exp", ("p",))])
    exact = np.exp(1.0)
    two = numerical_gradient(g, {"p": 1.0}, {}, "p", eps=1e-3, stencil=2)
    four = numerical_gradient(g, {"p": 1.0}, {}, "p", eps=1e-3, stencil=4)
    assert abs(four - exact) < abs(two - exact) / 1000


def test_unknown_name_is_refused():
    with pytest.raises(ValueError, match="'w9' is not a parameter, input, target or op node of the graph"):
        numerical_gradient(mazur_model(), MAZUR_PARAMS, MAZUR_SAMPLE, "w9")


def test_kinks_are_measured():
    g = Graph([Node("x", "input"), Node("r", "relu", ("x",)), Node("m", "max", ("x", "r"))])
    values = g.forward({}, {"x": np.array([0.3, -0.02])})
    d = kink_distances(g, values)
    assert d["r"] == pytest.approx(0.02)
    assert d["m"] == pytest.approx(0.0)        # x = 0.3 ties with relu(x) = 0.3


def test_relative_error_uses_a_floor_for_tiny_gradients():
    assert relative_error(1.0, 1.0 + 1e-9) == pytest.approx(1e-9, rel=1e-6)
    assert relative_error(0.0, 1e-12) == pytest.approx(1e-4)
    assert relative_error(0.0, 0.0) == 0.0
