"""Frozen parameters, weight decay (as nodes and as an optimizer setting,
AdamW's decoupled form beside it) and learning-rate schedules, against
torch.optim over 100 steps."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is the reference for these tests: pip install 'visualnn[bench]'")

from visualnn.cli import main  # noqa: E402
from visualnn.engine import Stepper, make_optimizer, record  # noqa: E402
from visualnn.engine.optimizers import scheduled_lr  # noqa: E402
from visualnn.engine.training import train  # noqa: E402
from visualnn.io import dumps, load, loads  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
MAZUR = ROOT / "examples" / "mazur_2_2_2.json"
STEPS = 100


def _mazur(frozen_biases: bool):
    decl = json.loads(MAZUR.read_text())
    if frozen_biases:
        for b in ("b1", "b2"):
            decl["params"][b] = {"value": decl["params"][b], "trainable": False}
    return loads(json.dumps(decl))


@pytest.mark.parametrize("frozen, error", [(False, "0.2857508867"), (True, "0.2910277737")])
def test_mazur_update_with_and_without_fixed_biases(frozen, error):
    m = _mazur(frozen).model
    st = Stepper(m.graph, m.params, m.samples(), lr=0.5)
    after = st.seek(st.cycle_length).params
    assert f"{record(m.graph, after, m.samples()[0]).loss:.10f}" == error
    trained = train(m, epochs=1).model.params
    assert f"{record(m.graph, trained, m.samples()[0]).loss:.10f}" == error
    assert (after["b1"], after["b2"]) == ((0.35, 0.6) if frozen else (after["b1"], after["b2"]))
    assert trained == pytest.approx(after, rel=1e-12)


def test_the_steppers_update_leaves_a_frozen_parameter_alone_under_weight_decay():
    m = _mazur(True).model
    st = Stepper(m.graph, m.params, m.samples(), lr=0.5, weight_decay=0.1)
    after = st.seek(st.cycle_length).params
    assert (after["b1"], after["b2"]) == (0.35, 0.6)
    assert after["w5"] != m.params["w5"]
    trained = train(m, epochs=1, hyper={"weight_decay": 0.1}).model.params
    assert trained == pytest.approx(after, rel=1e-12)


def test_frozen_parameters_match_torch_requires_grad_false():
    m = _mazur(True).model
    P = {k: torch.tensor(v, dtype=torch.float64, requires_grad=k not in ("b1", "b2")) for k, v in m.params.items()}
    s = m.samples()[0]
    h1 = torch.sigmoid(P["w1"] * s["i1"] + P["w2"] * s["i2"] + P["b1"])
    h2 = torch.sigmoid(P["w3"] * s["i1"] + P["w4"] * s["i2"] + P["b1"])
    o1 = torch.sigmoid(P["w5"] * h1 + P["w6"] * h2 + P["b2"])
    o2 = torch.sigmoid(P["w7"] * h1 + P["w8"] * h2 + P["b2"])
    E = 0.5 * (s["target_o1"] - o1) ** 2 + 0.5 * (s["target_o2"] - o2) ** 2
    E.backward()
    tr = record(m.graph, m.params, s)
    for k, p in P.items():
        want = 0.0 if p.grad is None else p.grad.item()
        assert tr.param_gradients[k] == pytest.approx(want, rel=1e-12, abs=0.0), k


def test_a_frozen_param_node_in_a_graph_file_survives_saving():
    decl = {"format": "visualnn", "version": 1, "title": "frozen",
            "network": {"type": "graph", "nodes": [
                {"name": "x", "op": "input"}, {"name": "w", "op": "param"},
                {"name": "b", "op": "param", "trainable": False},
                {"name": "z", "op": "mul", "inputs": ["w", "x"]}, {"name": "y", "op": "add", "inputs": ["z", "b"]},
                {"name": "t", "op": "target"}, {"name": "L", "op": "mse", "inputs": ["y", "t"]}]},
            "params": {"w": 0.5, "b": 1.0}, "data": {"columns": {"x": [1, 2], "t": [3, 1]}},
            "training": {"epochs": 20, "learning_rate": 0.1}}
    doc = loads(json.dumps(decl))
    assert doc.model.graph.frozen == {"b"}
    result = train(doc.model)
    assert result.model.params["b"] == 1.0 and result.model.params["w"] != 0.5
    again = loads(dumps(doc))
    assert again.model.graph.frozen == {"b"}


# --- weight decay -----------------------------------------------------------------------
def _quadratic(seed=0):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(6, 4))
    b = rng.normal(size=6)
    return A, b


def _path(vis, torch_cls, lr, wd, **kw):
    A, b = _quadratic()
    theta = np.array([0.5, -1.0, 2.0, 0.3])
    At, bt = torch.tensor(A), torch.tensor(b)
    p = torch.tensor(theta, requires_grad=True)
    topt = torch_cls([p], lr=lr, weight_decay=wd, foreach=False, **kw)
    for _ in range(STEPS):
        theta = vis.step(theta, 2 * A.T @ (A @ theta - b))
        topt.zero_grad()
        ((At @ p - bt) ** 2).sum().backward()
        topt.step()
        np.testing.assert_allclose(theta, p.detach().numpy(), rtol=1e-9, atol=1e-12)
    return theta


@pytest.mark.parametrize("name, hyper, cls, kw", [
    ("sgd", {}, "SGD", {}), ("momentum", {}, "SGD", {"momentum": 0.9}),
    ("nesterov", {}, "SGD", {"momentum": 0.9, "nesterov": True}),
    ("rmsprop", {}, "RMSprop", {"alpha": 0.99, "eps": 1e-8}), ("adam", {}, "Adam", {"eps": 1e-8}),
    ("adagrad", {}, "Adagrad", {"eps": 1e-10}), ("adamw", {}, "AdamW", {"eps": 1e-8})])
def test_weight_decay_follows_torch_optim_for_100_steps(name, hyper, cls, kw):
    lr = {"sgd": 5e-3, "momentum": 1e-3, "nesterov": 1e-3}.get(name, 1e-2)
    _path(make_optimizer(name, lr, weight_decay=0.1, **hyper), getattr(torch.optim, cls), lr, 0.1, **kw)


def test_adamw_decays_by_default_like_torch():
    _path(make_optimizer("adamw", 1e-2), torch.optim.AdamW, 1e-2, 0.01)


def test_an_l2_node_named_as_the_output_trains_like_sgd_weight_decay():
    """total = L + λ Σ w², stepped by plain SGD, is torch's SGD(weight_decay = 2λ) on L."""
    lam, lr = 0.05, 0.1
    decl = {"format": "visualnn", "version": 1, "title": "L2 as nodes",
            "network": {"type": "graph", "nodes": [
                {"name": "x", "op": "input"}, {"name": "t", "op": "target"},
                {"name": "w", "op": "param"}, {"name": "c", "op": "param"},
                {"name": "z", "op": "weighted_sum", "inputs": ["x", "c"], "weights": ["w", None]},
                {"name": "L", "op": "mse", "inputs": ["z", "t"]},
                {"name": "decay", "op": "l2", "inputs": ["w", "c"], "attrs": {"lam": lam}},
                {"name": "total", "op": "add", "inputs": ["L", "decay"]}], "output": "total"},
            "params": {"w": 1.5, "c": -0.5}, "data": {"columns": {"x": [1, 2, 3], "t": [1, 0, 2]}},
            "training": {"epochs": STEPS, "learning_rate": lr}}
    result = train(loads(json.dumps(decl)).model)
    w = torch.tensor([1.5, -0.5], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=lr, weight_decay=2 * lam)
    x, t = torch.tensor([1.0, 2, 3], dtype=torch.float64), torch.tensor([1.0, 0, 2], dtype=torch.float64)
    for _ in range(STEPS):
        opt.zero_grad()
        ((w[0] * x + w[1] - t) ** 2).mean().backward()
        opt.step()
    assert [result.model.params["w"], result.model.params["c"]] == pytest.approx(w.tolist(), rel=1e-10)


# --- learning-rate schedules ---------------------------------------------------------------
@pytest.mark.parametrize("schedule, make", [
    ({"type": "step", "step_size": 7, "gamma": 0.5}, lambda o: torch.optim.lr_scheduler.StepLR(o, 7, 0.5)),
    ({"type": "cosine", "t_max": 30, "eta_min": 0.001},
     lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, 30, 0.001))])
def test_learning_rate_schedules_follow_torch_and_drive_training(tmp_path, schedule, make):
    p = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    opt = torch.optim.SGD([p], lr=0.2)
    sched = make(opt)
    lrs = []
    for _ in range(30):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    assert [scheduled_lr(0.2, schedule, e, 30) for e in range(30)] == pytest.approx(lrs, rel=1e-12)
    decl = {"format": "visualnn", "version": 1, "title": "schedule",
            "network": {"type": "graph", "nodes": [
                {"name": "x", "op": "input"}, {"name": "w", "op": "param"},
                {"name": "d", "op": "sub", "inputs": ["w", "x"]}, {"name": "cost", "op": "square", "inputs": ["d"]}],
                "output": "cost", "cost": True},
            "params": {"w": 0.0}, "data": {"columns": {"x": [1, 2, 3]}},
            "training": {"epochs": 30, "learning_rate": 0.2, "schedule": schedule}}
    doc = loads(json.dumps(decl))
    assert doc.model.training.schedule == schedule and loads(dumps(doc)).model.training.schedule == schedule
    w, x = 0.0, np.array([1.0, 2.0, 3.0])
    for lr in lrs:
        w -= lr * float(np.mean(2 * (w - x)))
    assert train(doc.model).model.params["w"] == pytest.approx(w, rel=1e-12)


def test_a_trained_random_start_saved_and_trained_again_starts_from_the_saved_weights(tmp_path, capsys):
    src = json.loads((ROOT / "examples" / "xor.json").read_text())
    src["training"].update(init="random", epochs=5)
    src.pop("params", None)
    first, saved = tmp_path / "first.json", tmp_path / "saved.json"
    first.write_text(json.dumps(src))
    assert main(["train", str(first), "--save", str(saved)]) == 0
    capsys.readouterr()
    doc = load(saved)
    again = train(doc.model, epochs=1)
    assert again.initial_loss == pytest.approx(train(load(first).model, epochs=5).history[-1], rel=1e-12)


def test_an_inline_bias_of_a_layered_network_can_be_frozen_and_saved(tmp_path):
    decl = json.loads((ROOT / "examples" / "and_or_perceptron.json").read_text())
    decl["network"]["layers"][0]["biases"][1] = {"value": -10, "trainable": False}
    doc = loads(json.dumps(decl))
    assert doc.model.graph.frozen == {"b_OR"}
    result = train(doc.model, epochs=20)
    assert result.model.params["b_OR"] == -10.0 and result.model.params["b_AND"] != -30.0
    doc.model = result.model
    saved = json.loads(dumps(doc))
    assert saved["network"]["layers"][0]["biases"][1] == {"value": -10.0, "trainable": False}
    assert loads(dumps(doc)).model.graph.frozen == {"b_OR"}


def test_check_lists_the_frozen_parameters(tmp_path, capsys):
    decl = json.loads(MAZUR.read_text())
    decl["params"]["b2"] = {"value": 0.6, "trainable": False}
    path = tmp_path / "frozen.json"
    path.write_text(json.dumps(decl))
    assert main(["check", str(path)]) == 0
    assert "parameters:  10 (1 frozen: b2)" in capsys.readouterr().out


def test_the_trace_marks_a_frozen_parameter_and_follows_the_schema(tmp_path, capsys):
    jsonschema = pytest.importorskip("jsonschema")
    decl = json.loads(MAZUR.read_text())
    decl["params"]["b1"] = {"value": 0.35, "trainable": False}
    path = tmp_path / "frozen.json"
    path.write_text(json.dumps(decl))
    assert main(["trace", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["result"]["params"]["b1"] == {"value": 0.35, "gradient": 0.0, "trainable": False}
    jsonschema.validate(doc, json.loads((ROOT / "docs" / "trace.schema.json").read_text()))
    assert main(["trace", str(path)]) == 0
    assert "gradient 0   (frozen: it does not learn)" in capsys.readouterr().out
