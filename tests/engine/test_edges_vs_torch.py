"""The issue's edge cases against PyTorch float64: saturated cross-entropies,
ties, the binary hinge, integer class targets, and every new op at its special
points (random points are covered by test_vs_torch's random graphs)."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is the reference for these tests: pip install 'visualnn[bench]'")

from visualnn.engine import Graph, Node, record  # noqa: E402
from visualnn.engine.training import train  # noqa: E402
from visualnn.io import loads  # noqa: E402

F = torch.nn.functional


def _t(x, grad=False):
    return torch.tensor(np.asarray(x, dtype=float), dtype=torch.float64, requires_grad=grad)


def _neuron_file(loss, xs, ts, w, **loss_attrs):
    """z = w·x, o = σ(z), L = loss(o, t): the saturated neuron of the issue."""
    nodes = [{"name": "x", "op": "input"}, {"name": "t", "op": "target"}, {"name": "w", "op": "param"},
             {"name": "z", "op": "mul", "inputs": ["w", "x"]}, {"name": "o", "op": "sigmoid", "inputs": ["z"]},
             {"name": "L", "op": loss, "inputs": ["o", "t"]}]
    if loss_attrs:
        nodes[-1]["attrs"] = loss_attrs
    return loads(json.dumps({"format": "visualnn", "version": 1, "title": "saturated",
                             "network": {"type": "graph", "nodes": nodes}, "params": {"w": w},
                             "data": {"columns": {"x": xs, "t": ts}},
                             "training": {"epochs": 5, "learning_rate": 0.1}}))


def _torch_bce(xs, ts, w):
    wt = _t(w, True)
    L = F.binary_cross_entropy(torch.sigmoid(wt * _t(xs)), _t(ts))
    L.backward()
    return L.item(), wt.grad.item()


def _mean_loss_and_grad(doc):
    from visualnn.engine.training import Objective
    value, grad = Objective(doc.model).value_and_grad(np.array([doc.model.params["w"]]))
    return value, float(grad[0])


@pytest.mark.parametrize("xs, ts, printed", [([1.0, -1.0], [1.0, 0.0], "2.1e-18"),
                                             ([1.0, 0.5], [0.0, 1.0], "50.000000001")])
def test_saturated_binary_cross_entropy_is_clamped_like_torch(xs, ts, printed):
    doc = _neuron_file("binary_cross_entropy", xs, ts, 40.0)
    value, grad = _mean_loss_and_grad(doc)
    want, want_grad = _torch_bce(xs, ts, 40.0)
    assert value == pytest.approx(want, rel=1e-12) and grad == pytest.approx(want_grad, rel=1e-9, abs=1e-300)
    assert (f"{value:.2g}" if value < 1 else f"{value:.9f}") == printed
    result = train(doc.model, epochs=5)
    assert result.status == "done" and result.epochs_done == 5


def test_clamp_log_off_shows_the_nan_on_purpose_and_names_the_operation():
    doc = _neuron_file("binary_cross_entropy", [1.0, -1.0], [1.0, 0.0], 40.0, clamp_log=0)
    result = train(doc.model, epochs=5)
    assert result.status == "diverged"
    assert "binary_cross_entropy(" in result.stopped_reason and "learning rate" not in result.stopped_reason


def test_cross_entropy_on_probabilities_is_clamped_like_torchs_clamped_log():
    g = Graph([Node("p", "input"), Node("t", "target"), Node("L", "cross_entropy", ("p", "t"))])
    tr = record(g, {}, {"p": 1e-50, "t": 1.0})
    p = _t([1e-50], True)
    L = -(_t([1.0]) * torch.log(p).clamp(min=-100)).sum()
    L.backward()
    assert tr.loss == L.item() == 100.0 and tr.gradients["p"] == p.grad.item() == 0.0
    # at p = 0 itself torch's expression gives 0 × ∞ = nan; visualnn keeps the clamp's slope 0 (documented)
    assert record(g, {}, {"p": 0.0, "t": 1.0}).gradients["p"] == 0.0


@pytest.mark.parametrize("z, t", [(40.0, 1.0), (-40.0, 1.0), (800.0, 0.0), (0.3, 0.25)])
def test_bce_with_logits_is_fused_and_stable_like_torch(z, t):
    g = Graph([Node("z", "input"), Node("t", "target"), Node("L", "binary_cross_entropy_with_logits", ("z", "t"))])
    tr = record(g, {}, {"z": z, "t": t})
    zt = _t([z], True)
    L = F.binary_cross_entropy_with_logits(zt, _t([t]))
    L.backward()
    assert tr.loss == pytest.approx(L.item(), rel=1e-12, abs=1e-300)
    assert tr.gradients["z"] == pytest.approx(zt.grad.item(), rel=1e-12, abs=1e-300)


def test_integer_class_targets_give_torch_cross_entropy():
    z = [0.2, -1.3, 2.0]
    g = Graph([Node("z1", "input"), Node("z2", "input"), Node("z3", "input"), Node("c", "target"),
               Node("L", "class_cross_entropy", ("z1", "z2", "z3", "c"))])
    assert g.outputs == ["z1", "z2", "z3"]
    for c in (0, 1, 2):
        tr = record(g, {}, {"z1": z[0], "z2": z[1], "z3": z[2], "c": c})
        zt = _t([z], True)
        L = F.cross_entropy(zt, torch.tensor([c]))
        L.backward()
        assert tr.loss == pytest.approx(L.item(), rel=1e-13)
        got = [tr.gradients[n] for n in ("z1", "z2", "z3")]
        np.testing.assert_allclose(got, zt.grad.numpy()[0], rtol=1e-12)
    assert math.isnan(record(g, {}, {"z1": 0.0, "z2": 0.0, "z3": 0.0, "c": 1.5}).loss)   # not a class


@pytest.mark.parametrize("op, torch_fn", [("max", torch.maximum), ("min", torch.minimum)])
def test_ties_split_the_gradient_evenly_like_torch(op, torch_fn):
    g = Graph([Node("a", "input"), Node("b", "input"), Node("m", op, ("a", "b"))])
    tr = record(g, {}, {"a": 1.5, "b": 1.5})
    a, b = _t([1.5], True), _t([1.5], True)
    torch_fn(a, b).sum().backward()
    assert (tr.gradients["a"], tr.gradients["b"]) == (a.grad.item(), b.grad.item()) == (0.5, 0.5)
    first = Graph([Node("a", "input"), Node("b", "input"), Node("m", op, ("a", "b"), attrs={"split_ties": 0})])
    tr = record(first, {}, {"a": 1.5, "b": 1.5})
    assert (tr.gradients["a"], tr.gradients["b"]) == (1.0, 0.0)


def test_binary_hinge_is_max_of_zero_and_margin_minus_t_s():
    g = Graph([Node("s", "input"), Node("t", "target"), Node("L", "binary_hinge", ("s", "t"))])
    tr = record(g, {}, {"s": 0.3, "t": -1.0})
    s = _t([0.3], True)
    L = torch.relu(1.0 - _t([-1.0]) * s).mean()
    L.backward()
    assert tr.loss == L.item() == 1.3 and tr.gradients["s"] == s.grad.item() == 1.0
    multi = Graph([Node("s", "input"), Node("t", "target"), Node("L", "hinge", ("s", "t"))])
    assert record(multi, {}, {"s": 0.3, "t": -1.0}).loss == 0.0      # the multi-class loss, one output: documented


SPECIAL = [
    ("pow", {"p": 0.0}, [0.0], lambda x: torch.pow(x, 0.0)),
    ("pow", {"p": 2.0}, [0.0], lambda x: torch.pow(x, 2.0)),
    ("sqrt", {}, [0.0], torch.sqrt),
    ("log", {}, [0.0], torch.log),
    ("abs", {}, [0.0], torch.abs),
    ("relu", {}, [0.0], torch.relu),
    ("sin", {}, [0.0], torch.sin), ("sin", {}, [math.pi / 2], torch.sin),
    ("cos", {}, [0.0], torch.cos), ("cos", {}, [math.pi], torch.cos),
    ("clamp", {"min": -1.0, "max": 1.0}, [-1.0], lambda x: torch.clamp(x, -1.0, 1.0)),
    ("clamp", {"min": -1.0, "max": 1.0}, [1.0], lambda x: torch.clamp(x, -1.0, 1.0)),
    ("clamp", {"min": -1.0, "max": 1.0}, [2.5], lambda x: torch.clamp(x, -1.0, 1.0)),
    ("gelu", {}, [0.0], F.gelu), ("gelu", {}, [-0.7517915241], F.gelu), ("gelu", {}, [-9.0], F.gelu),
    ("log_softmax", {"index": 0}, [800.0, 0.0], lambda a, b: torch.log_softmax(torch.stack([a, b]), 0)[0]),
    ("log_softmax", {"index": 1}, [800.0, 0.0], lambda a, b: torch.log_softmax(torch.stack([a, b]), 0)[1]),
    ("prelu", {}, [0.0, 0.25], lambda x, a: F.prelu(x, a)),
    ("prelu", {}, [-2.0, 0.25], lambda x, a: F.prelu(x, a)),
    ("maxout", {}, [0.5, 0.5, -1.0], lambda *z: torch.stack(z).amax(0)),
    ("l1", {"lam": 0.1}, [0.0, -2.0], lambda a, b: 0.1 * (a.abs() + b.abs())),
    ("l2", {"lam": 0.1}, [0.0, -2.0], lambda a, b: 0.1 * (a ** 2 + b ** 2)),
]


@pytest.mark.parametrize("op, attrs, xs, fn", SPECIAL, ids=[f"{s[0]}@{s[2]}" for s in SPECIAL])
def test_new_and_old_ops_match_torch_at_their_special_points(op, attrs, xs, fn):
    names = [f"x{i}" for i in range(len(xs))]
    g = Graph([Node(n, "input") for n in names] + [Node("y", op, tuple(names), attrs=attrs)])
    tr = record(g, {}, dict(zip(names, xs)))
    ts = [_t([x], True) for x in xs]
    y = fn(*ts)
    y.sum().backward()
    np.testing.assert_allclose(tr.values["y"], y.item(), rtol=1e-13)
    for n, t in zip(names, ts):
        np.testing.assert_allclose(tr.gradients[n], t.grad.item(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("d", [1.0, -1.0, 0.5, 2.0])
def test_huber_matches_torch_on_both_sides_of_delta_and_at_it(d):
    g = Graph([Node("o", "input"), Node("t", "target"), Node("L", "huber", ("o", "t"))])
    tr = record(g, {}, {"o": d, "t": 0.0})
    o = _t([d], True)
    L = F.huber_loss(o, _t([0.0]), delta=1.0)
    L.backward()
    assert tr.loss == L.item() and tr.gradients["o"] == o.grad.item()


def test_prelu_slope_learns_as_a_parameter_like_torch():
    g = Graph([Node("x", "input"), Node("a", "param"), Node("y", "prelu", ("x", "a"))])
    tr = record(g, {"a": 0.25}, {"x": -2.0})
    a = _t([0.25], True)
    F.prelu(_t([-2.0]), a).sum().backward()
    assert tr.param_gradients["a"] == a.grad.item() == -2.0


@pytest.mark.parametrize("seed", range(5))
def test_class_cross_entropy_at_random_points_matches_torch(seed):
    rng = np.random.default_rng(seed)
    k, B = int(rng.integers(2, 5)), 6
    Z, c = rng.normal(0, 3, (B, k)), rng.integers(0, k, B)
    names = [f"z{j}" for j in range(k)]
    g = Graph([Node(n, "input") for n in names] + [Node("c", "target"),
                                                   Node("L", "class_cross_entropy", tuple(names) + ("c",))])
    zt = _t(Z, True)
    F.cross_entropy(zt, torch.tensor(c)).backward()
    values = g.forward({}, {**{n: Z[:, j] for j, n in enumerate(names)}, "c": c.astype(float)})
    grads, _ = g.backward({}, values)
    assert float(np.mean(values["L"])) == pytest.approx(F.cross_entropy(_t(Z), torch.tensor(c)).item(), rel=1e-13)
    np.testing.assert_allclose(np.stack([grads[n] for n in names], axis=1), zt.grad.numpy(), rtol=1e-11)


def test_a_layered_classifier_takes_integer_class_targets_like_torch():
    decl = {"format": "visualnn", "version": 1, "title": "classes",
            "network": {"type": "layered", "sizes": [2, 3, 3], "activations": ["tanh", "linear"],
                        "loss": {"op": "class_cross_entropy"}},
            "data": {"columns": {"x1": [0.5, -1.0, 2.0, 0.1], "x2": [1.0, 0.3, -0.7, 0.0],
                                 "target_class": [0, 2, 1, 2]}},
            "training": {"init": "random", "seed": 4, "epochs": 1}}
    doc = loads(json.dumps(decl))
    m = doc.model
    assert m.spec.targets == ["target_class"] and m.graph.loss == "loss"
    from visualnn.engine.gradcheck import gradcheck
    from visualnn.engine.training import Objective
    obj = Objective(m)
    value, grad = obj.value_and_grad(obj.theta(m.params))
    P = {k: _t(v, True) for k, v in m.params.items()}
    X = _t(np.stack([m.data.columns["x1"], m.data.columns["x2"]], axis=1))
    layers = m.spec.layers
    A = X
    for L in layers:
        W = torch.stack([torch.stack([P[w] for w in row]) for row in L.weights])
        b = torch.stack([P[c] for c in L.biases])
        A = A @ W.T + b
        A = torch.tanh(A) if L.activation == "tanh" else A
    loss = F.cross_entropy(A, torch.tensor([0, 2, 1, 2]))
    loss.backward()
    assert value == pytest.approx(loss.item(), rel=1e-12)
    np.testing.assert_allclose(grad, [P[n].grad.item() for n in obj.names], rtol=1e-10, atol=1e-14)
    rows = gradcheck(m)
    np.testing.assert_allclose([r.backprop for r in rows], grad, rtol=1e-10, atol=1e-14)
