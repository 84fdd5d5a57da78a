"""visualnn's values and gradients against PyTorch (float64) as the reference.

Hundreds of seeded random expression graphs over every op and every loss,
and random layered networks (neuron graph, gate graph and DenseModel) with
every activation and every loss, at batch size 1 and larger: every node's
value, the objective, and every gradient (parameters, inputs, inner nodes)
agree to a relative error below 1e-9.
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is the reference for these tests: pip install 'visualnn[bench]'")

try:
    from . import randnets as rn
except ImportError:                       # tests/ is not a package: pytest puts this folder on sys.path
    import randnets as rn

from nets import MAZUR_PARAMS, MAZUR_SAMPLE, mazur_spec

from visualnn.engine import DenseModel, Graph, Node, compile_layered, make_optimizer, record
from visualnn.engine.ops import LOSSES

RTOL = 1e-9
LEAVES = ("input", "target", "param", "const")


def _t(x):
    return torch.tensor(np.asarray(x, dtype=float), dtype=torch.float64)


def _grad(t):
    return np.zeros(t.shape) if t.grad is None else t.grad.numpy()


class Mismatches:
    """Collects every comparison over 1e-9 so one failure reports them all.

    ``scale`` is the largest gradient in the network: a gradient that is
    exactly 0 by cancellation (a softmax of inputs shifted together) is
    compared to that scale (1e-12 of it) instead of to itself."""

    def __init__(self):
        self.items: list[str] = []
        self.scale = 0.0

    def check(self, where, got, want):
        got = np.asarray(got, dtype=float)
        want = np.asarray(want, dtype=float)
        if got.shape != want.shape:
            # a value shared by every sample (no sample axis) against per-sample numbers
            if got.ndim == 0 or want.ndim == 0:
                got, want = np.broadcast_arrays(got, want)
            else:
                self.items.append(f"{where}: shape {got.shape} != torch {want.shape}")
                return
        e = rn.rel_err(got, want)
        if not e < RTOL and not np.max(np.abs(got - want), initial=0.0) <= 1e-12 * self.scale:
            self.items.append(f"{where}: rel err {e:.3g}\n    visualnn {got}\n    torch    {want}")

    def assert_none(self, context=""):
        assert not self.items, f"{len(self.items)} mismatch(es) with PyTorch{context}:\n" + "\n".join(self.items[:12])


def _describe(graph: Graph) -> str:
    return "; ".join(f"{n.name}={n.op}({','.join(n.inputs)}){n.attrs or ''}{n.weights or ''}"
                     for n in graph.nodes.values() if not n.is_leaf)


def _node_grad(vis, t):
    """visualnn's node gradient as torch reports it: per sample, or summed over
    the samples for a node whose value is shared by every sample."""
    vis = np.asarray(vis, dtype=float)
    if t.ndim == 0 and vis.ndim:
        return vis.sum(axis=-1)
    return vis


def _compare_twin(tw: rn.Twin, tag: str, bad: Mismatches):
    g = tw.graph()
    values = g.forward(tw.params, tw.feeds)
    grads, pgrads = g.backward(tw.params, values)
    obj = tw.objective()
    if obj.requires_grad:                      # not when every path runs through a step
        obj.backward()
    bad.scale = max(float(np.max(np.abs(_grad(t)), initial=0.0)) for t in tw.t.values() if t.requires_grad)
    for name, n in g.nodes.items():
        if n.is_leaf:
            continue
        bad.check(f"{tag} value of {name} ({n.op})", values[name], tw.t[name].detach().numpy())
    want_obj = obj.item()
    got_obj = values[g.loss].mean() if g.loss else sum(values[s].sum() for s in g.outputs)
    bad.check(f"{tag} objective", got_obj, want_obj)
    for name, n in g.nodes.items():
        t = tw.t[name]
        if n.op in ("param", "const"):
            continue
        if n.is_leaf and n.op == "target" and tw.loss:
            bad.check(f"{tag} gradient of target {name}", grads.get(name, np.zeros(())), _grad(t))
            continue
        if t.requires_grad:
            bad.check(f"{tag} gradient of {name} ({n.op})", _node_grad(grads.get(name, np.zeros(())), t), _grad(t))
    for p in g.param_names:
        bad.check(f"{tag} gradient of param {p}", pgrads[p], _grad(tw.leaves[p]))
    if tw.batch == 1:
        # the trace (what the stepper shows) computes the same numbers, edge by edge
        sample = {k: float(v[0]) for k, v in tw.feeds.items()}
        tr = record(g, tw.params, sample)
        for name, n in g.nodes.items():
            if not n.is_leaf:
                bad.check(f"{tag} trace value of {name}", tr.values[name], values[name].reshape(-1)[0])
        for name, gv in grads.items():
            bad.check(f"{tag} trace gradient of {name}", tr.gradients[name], np.sum(gv))
        for p in g.param_names:
            bad.check(f"{tag} trace gradient of param {p}", tr.param_gradients[p], _grad(tw.leaves[p]))


def test_random_expression_graphs_match_torch_in_values_and_every_gradient():
    rng = np.random.default_rng(20240613)
    order = list(rn.EXPR_OPS)
    rng.shuffle(order)
    ops_cycle = itertools.cycle(order)
    losses = itertools.cycle(LOSSES)
    bad = Mismatches()
    used: dict[str, int] = {}
    n_graphs = 0
    batches = [1, 1, 4, 16]
    while n_graphs < 320:
        batch = batches[n_graphs % len(batches)]
        tw = rn.random_expression(torch, rng, batch, ops_cycle)
        if n_graphs % 3:                             # two graphs in three end in a loss
            loss = next(losses)
            if not rn.add_loss(tw, rng, loss):
                continue
        elif any(tw.t[s].ndim == 0 for s in tw.sinks()):
            continue                                 # see the sink-without-inputs test below
        n_graphs += 1
        for op in tw.ops_used:
            used[op] = used.get(op, 0) + 1
        before = len(bad.items)
        _compare_twin(tw, f"graph {n_graphs} (batch {batch})", bad)
        if len(bad.items) > before:
            bad.items.append(f"    graph {n_graphs}: {_describe(tw.graph())}")
    bad.assert_none()
    missing = {op: used.get(op, 0) for op in rn.EXPR_OPS + LOSSES if used.get(op, 0) < 10}
    assert not missing, f"ops exercised fewer than 10 times: {missing}"


def _layered_case(rng, loss, activation, batch):
    """A random network and data inside every op's domain."""
    for _ in range(200):
        spec, params = rn.random_layered(rng, loss, activation)
        for _ in range(10):
            X = rng.normal(0.0, 1.0, (batch, len(spec.inputs)))
            T = rn.random_targets(rng, loss, batch, len(spec.targets))
            Zs, O, L = rn.torch_layered(torch, spec, {k: _t(v) for k, v in params.items()}, _t(X), _t(T))
            if rn.layered_ok(spec, Zs, O, _t(T)):
                return spec, params, X, T
    raise AssertionError(f"no valid random network for {loss}/{activation}")


def _compare_layered(spec, params, X, T, tag, bad: Mismatches):
    P = {k: _t(v).requires_grad_(True) for k, v in params.items()}
    Xt = _t(X).requires_grad_(True)
    Tt = _t(T).requires_grad_(True)
    Zs, O, L = rn.torch_layered(torch, spec, P, Xt, Tt)
    obj = L.mean()
    if obj.requires_grad:                      # not when the output layer is a step
        obj.backward()
    bad.scale = max(float(np.max(np.abs(_grad(t)), initial=0.0)) for t in [Xt, Tt, *P.values()])
    feeds = {x: X[:, i] for i, x in enumerate(spec.inputs)} | {t: T[:, j] for j, t in enumerate(spec.targets)}
    for gates in (False, True):
        view = "gate" if gates else "neuron"
        g = compile_layered(spec, gates=gates)
        values = g.forward(params, feeds)
        grads, pgrads = g.backward(params, values)
        bad.check(f"{tag} {view} graph: loss per sample", values[spec.loss_name], L.detach().numpy())
        for j, o in enumerate(g.outputs):
            bad.check(f"{tag} {view} graph: output {o}", values[o], O.detach().numpy()[:, j])
        for l, (layer, Z) in enumerate(zip(spec.layers, Zs)):
            for j, neuron in enumerate(layer.neurons):
                bad.check(f"{tag} {view} graph: net_{neuron}", values[f"net_{neuron}"], Z.detach().numpy()[:, j])
        for p in g.param_names:
            bad.check(f"{tag} {view} graph: d objective / d {p}", pgrads[p], _grad(P[p]))
        for i, x in enumerate(spec.inputs):
            bad.check(f"{tag} {view} graph: d objective / d input {x}", grads.get(x, np.zeros(len(X))), _grad(Xt)[:, i])
        for j, t in enumerate(spec.targets):
            bad.check(f"{tag} {view} graph: d objective / d target {t}", grads.get(t, np.zeros(len(X))), _grad(Tt)[:, j])
    names = compile_layered(spec).param_names
    dm = DenseModel(spec, names)
    theta = dm.theta(params)
    bad.check(f"{tag} DenseModel.objective", dm.objective(theta, X, T), obj.item())
    bad.check(f"{tag} DenseModel.predict", dm.predict(theta, X), O.detach().numpy())
    val, grad = dm.gradient(theta, X, T)
    bad.check(f"{tag} DenseModel.gradient value", val, obj.item())
    bad.check(f"{tag} DenseModel.gradient", grad, np.array([_grad(P[n]) for n in names]))
    # a grid of parameter settings (loss surfaces) gives each row's objective
    rng = np.random.default_rng(len(names))
    grid = theta + rng.normal(0.0, 0.05, (3, len(names)))
    got = dm.objective(grid, X, T)
    for r in range(3):
        Pr = {n: _t(v) for n, v in zip(names, grid[r])}
        _, _, Lr = rn.torch_layered(torch, spec, Pr, _t(X), _t(T))
        bad.check(f"{tag} DenseModel.objective on grid row {r}", got[r], Lr.mean().item())


@pytest.mark.parametrize("loss", LOSSES)
def test_random_layered_networks_match_torch_with_every_activation(loss):
    rng = np.random.default_rng(LOSSES.index(loss) + 7)
    bad = Mismatches()
    for activation in rn.LAYER_ACTIVATIONS:
        for batch in (1, 1, 9, 9):
            spec, params, X, T = _layered_case(rng, loss, activation, batch)
            tag = f"{loss}/{activation}/batch {batch} sizes {spec.sizes} acts {[l.activation for l in spec.layers]}"
            _compare_layered(spec, params, X, T, tag, bad)
    bad.assert_none(f" ({loss})")


def test_mazur_network_matches_torch_and_one_sgd_step():
    spec, params, sample = mazur_spec(), dict(MAZUR_PARAMS), dict(MAZUR_SAMPLE)
    X = np.array([[sample["i1"], sample["i2"]]])
    T = np.array([[sample["target_o1"], sample["target_o2"]]])
    bad = Mismatches()
    _compare_layered(spec, params, X, T, "mazur", bad)
    bad.assert_none()
    # one update with lr 0.5 against torch.optim.SGD
    names = compile_layered(spec).param_names
    P = {k: _t(v).requires_grad_(True) for k, v in params.items()}
    opt = torch.optim.SGD([P[n] for n in names], lr=0.5)
    _, _, L = rn.torch_layered(torch, spec, P, _t(X), _t(T))
    L.mean().backward()
    opt.step()
    dm = DenseModel(spec, names)
    theta = dm.theta(params)
    new = make_optimizer("sgd", 0.5).step(theta, dm.gradient(theta, X, T)[1])
    np.testing.assert_allclose(new, [P[n].item() for n in names], rtol=RTOL, atol=0)
    assert round(L.item(), 9) == 0.298371109
    assert round(new[names.index("w5")], 8) == 0.35891648


def test_trace_gives_a_parameter_leaf_on_a_weighted_edge_its_gradient():
    """A parameter leaf can feed a weighted_sum edge that carries another
    parameter (y = w * p + x): the trace (the stepper's numbers and its
    update) must give p the gradient dE/dy * w, as Graph.backward does."""
    params = {"p": 0.7, "w": -1.3}
    sample = {"x": 0.4, "t": 0.25}
    g = Graph([Node("x", "input"), Node("p", "param"), Node("w", "param"),
               Node("y", "weighted_sum", ("p", "x"), ("w", None)), Node("t", "target"),
               Node("E", "squared_error", ("y", "t"))])
    P = {k: _t(v).requires_grad_(True) for k, v in params.items()}
    (0.5 * (sample["t"] - (P["w"] * P["p"] + sample["x"])) ** 2).backward()
    _, pgrads = g.backward(params, g.forward(params, {k: np.array([v]) for k, v in sample.items()}))
    tr = record(g, params, sample)
    assert pgrads["p"] == pytest.approx(P["p"].grad.item(), rel=RTOL)
    assert tr.param_gradients["w"] == pytest.approx(P["w"].grad.item(), rel=RTOL)
    assert tr.param_gradients["p"] == pytest.approx(P["p"].grad.item(), rel=RTOL), \
        "trace.record drops the gradient of a parameter leaf that enters through a weighted edge"


@pytest.mark.parametrize("loss", LOSSES)
def test_dense_objective_on_a_parameter_grid_matches_torch_for_every_loss(loss):
    """Loss surfaces evaluate DenseModel.objective on a (G, P) grid of
    parameter settings; every loss must accept one."""
    rng = np.random.default_rng(3)
    spec, params, X, T = _layered_case(rng, loss, "tanh", 5)
    names = compile_layered(spec).param_names
    dm = DenseModel(spec, names)
    grid = dm.theta(params) + rng.normal(0.0, 0.05, (4, len(names)))
    got = dm.objective(grid, X, T)
    want = [rn.torch_layered(torch, spec, {n: _t(v) for n, v in zip(names, row)}, _t(X), _t(T))[2].mean().item()
            for row in grid]
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=0)


def test_a_sink_without_inputs_counts_once_per_sample_like_every_sink():
    """Without a loss the objective is the sum over samples of every output.
    An output that depends on no input has the same value for every sample,
    so it counts once per sample, whether or not it shares parameters with an
    output that does depend on the inputs."""
    x = np.array([1.0, 2.0, 3.0])
    params = {"p": 2.0, "q": 3.0}
    P = {k: _t(v).requires_grad_(True) for k, v in params.items()}
    xt = _t(x)
    # sinks: n = -p (no input) and y = x + q
    g = Graph([Node("x", "input"), Node("p", "param"), Node("q", "param"),
               Node("n", "neg", ("p",)), Node("y", "add", ("x", "q"))])
    values = g.forward(params, {"x": x})
    _, pgrads = g.backward(params, values)
    (torch.neg(P["p"]).expand(3).sum() + (xt + P["q"]).sum()).backward()
    assert pgrads["p"] == pytest.approx(P["p"].grad.item(), rel=RTOL), \
        "d/dp of sum over 3 samples of (-p) should be -3"
    assert pgrads["q"] == pytest.approx(P["q"].grad.item(), rel=RTOL)
