"""The objective is one documented thing: the backward pass starts at the
``output`` a file names (a leaf included), otherwise at the loss, otherwise at
the cost, and training minimises that same node, the mean over the samples
everywhere (trace, gradcheck, training).  PyTorch float64 is the reference."""
from __future__ import annotations

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is the reference for these tests: pip install 'visualnn[bench]'")

from visualnn.cli import main
from visualnn.engine import record
from visualnn.engine.gradcheck import gradcheck
from visualnn.engine.training import Objective, train
from visualnn.io import load, loads

REGULARISED = {
    "format": "visualnn", "version": 1, "title": "L2-regularised cost",
    "network": {"type": "graph", "nodes": [
        {"name": "x", "op": "input"}, {"name": "t", "op": "target"}, {"name": "w", "op": "param"},
        {"name": "o", "op": "mul", "inputs": ["x", "w"]},
        {"name": "L", "op": "mse", "inputs": ["o", "t"]},
        {"name": "w2", "op": "square", "inputs": ["w"]},
        {"name": "total", "op": "add", "inputs": ["L", "w2"]}], "output": "total"},
    "params": {"w": 0.5}, "data": {"samples": [{"x": 2, "t": 3}]},
    "training": {"epochs": 1, "learning_rate": 0.1}}


def _doc(decl, tmp_path, name="net.json"):
    p = tmp_path / name
    p.write_text(json.dumps(decl))
    return str(p)


def _torch_total():
    w = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    o = 2.0 * w
    total = torch.nn.functional.mse_loss(o, torch.tensor(3.0, dtype=torch.float64)) + w ** 2
    total.retain_grad()
    total.backward()
    return w.grad.item(), total


def test_a_named_output_after_the_loss_starts_the_backward_pass_like_torch(tmp_path, capsys):
    wgrad, total = _torch_total()
    assert wgrad == -7.0
    assert main(["trace", _doc(REGULARISED, tmp_path), "--json"]) == 0
    res = json.loads(capsys.readouterr().out)["result"]
    assert res["params"]["w"]["gradient"] == wgrad == -7.0
    assert res["gradients"]["total"] == 1.0 and res["gradients"]["w2"] == 1.0
    assert res["objective"] == {"node": "total", "value": 4.25}


def test_training_minimises_the_named_output_with_the_same_gradient(tmp_path):
    doc = load(_doc(REGULARISED, tmp_path))
    obj = Objective(doc.model)
    assert obj.target == "total"
    value, grad = obj.value_and_grad(np.array([0.5]))
    assert (value, grad.tolist()) == (4.25, [-7.0])
    result = train(doc.model, epochs=1, lr=0.1)
    assert result.model.params["w"] == pytest.approx(0.5 - 0.1 * -7.0, rel=1e-15)
    assert [r.backprop for r in gradcheck(doc.model)] == [-7.0]


def test_a_leaf_named_as_output_gets_gradient_one(tmp_path, capsys):
    decl = json.loads(json.dumps(REGULARISED))
    decl["network"]["output"] = "w"
    assert main(["trace", _doc(decl, tmp_path), "--json"]) == 0
    res = json.loads(capsys.readouterr().out)["result"]
    w = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    w.backward()
    assert res["params"]["w"]["gradient"] == w.grad.item() == 1.0
    assert res["gradients"] == {"w": 1.0}


COST = {
    "format": "visualnn", "version": 1, "title": "squared cost",
    "network": {"type": "graph", "nodes": [
        {"name": "x", "op": "input"}, {"name": "w", "op": "param"},
        {"name": "d", "op": "sub", "inputs": ["w", "x"]},
        {"name": "cost", "op": "square", "inputs": ["d"]}], "output": "cost", "cost": True},
    "params": {"w": 0.0}, "data": {"columns": {"x": [1, 2, 3]}},
    "training": {"epochs": 1, "learning_rate": 0.1}}


def test_gradcheck_and_training_take_the_same_mean_over_samples(tmp_path):
    doc = load(_doc(COST, tmp_path))
    w = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    ((w - torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)) ** 2).mean().backward()
    (row,) = gradcheck(doc.model)
    assert row.backprop == pytest.approx(w.grad.item(), rel=1e-12) and w.grad.item() == -4.0
    _, grad = Objective(doc.model).value_and_grad(np.array([0.0]))
    assert grad.tolist() == [row.backprop]


def test_the_window_and_the_trace_show_the_named_objective():
    from visualnn.engine import explain as X
    from visualnn.engine.trace import Stepper
    doc = loads(json.dumps(REGULARISED))
    st = Stepper(doc.model.graph, doc.model.params, doc.model.samples(), lr=0.1)
    assert st.has_update
    assert X.objective_name(doc.model.graph) == "total"
    state = st.seek(st.trace_length)
    assert state.param_gradients["w"] == -7.0
    after = st.seek(st.cycle_length)
    assert after.params["w"] == pytest.approx(1.2, rel=1e-15)
    assert record(doc.model.graph, doc.model.params, doc.model.samples()[0]).param_gradients["w"] == -7.0
