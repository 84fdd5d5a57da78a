"""The trace of a layered network, computed a layer at a time.

A neuron-view graph compiled from a ``LayeredSpec`` is a stack of dense
layers, so its trace need not walk 50,000 edges one by one: the forward pass
is the matrix form's layer functions (``network.activate``,
``sums_in_edge_order``) on one sample, the backward pass is whole-layer
arrays (local × upstream for every edge at once, the running sums at each
node a cumulative sum down the layer, in the order the graph walk adds them),
and the per-edge records are read from those arrays.  Every number is the
same float the graph walk (``trace._record``) computes, bit for bit: the sums
add their terms in edge order, and the running sums add in backward-step order.

A backward step's edges are built when first read (``LazyEdges``): a new
pass costs the arrays, and a step's records are made when it is shown.
Networks this does not cover (softmax layers, missing or shared weights, no
loss, a node added after compiling) are traced by the graph walk.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from .graph import Graph
from .lazy import LazyTuple
from .network import DenseModel, activate, activation_local, net_name, out_name, sums_in_edge_order
from .ops import OPS
from .trace import EdgeGradient, Step, Trace, _f, _floats


class LazyEdges(LazyTuple[EdgeGradient]):
    """A backward step's edge records, made on first use (then kept); compares as a tuple."""
    __slots__ = ()


@dataclass(frozen=True)
class _Layer:
    nets: list[str]
    outs: list[str]
    act: str
    attrs: dict
    srcs: tuple[str, ...]                 # every neuron's inputs (the layer below), the bias aside
    inputs: list[tuple[str, ...]]         # [neuron]: its net node's inputs (srcs, then the bias)
    weights: list[tuple[str | None, ...]]  # [neuron]: its net node's edge weights (None: the bias)
    biases: list[str | None]
    w_pos: np.ndarray                     # where each weight (the rows of W, flattened) is in param_names


@dataclass(frozen=True)
class _Plan:
    layers: list[_Layer]
    loss: str
    dense: DenseModel
    feeds: list[str]
    param_leaves: list[str]               # the biases (the weights are on edges, not nodes)


@dataclass
class _Arrays:
    """One layer's numbers for one sample."""
    a_in: np.ndarray          # the layer's inputs
    W: np.ndarray             # (neurons, inputs)
    z: np.ndarray             # the weighted sums
    a: np.ndarray             # the activations


def plan_of(graph: Graph) -> _Plan | None:
    """The graph's layers when it is exactly the neuron view ``compile_layered`` made
    of a dense spec with a loss (checked once per graph), else None."""
    return graph._cached("layer_plan", lambda: _make_plan(graph))


def _make_plan(graph: Graph) -> _Plan | None:
    spec = graph.layered
    if spec is None or not spec.loss or graph.start != [spec.loss_name] or graph.loss != spec.loss_name:
        return None
    weights = [w for L in spec.layers for row in L.weights for w in row]
    biases = {b for L in spec.layers for b in L.biases if b is not None}
    if None in weights or len(set(weights)) != len(weights) or biases & set(weights):
        return None
    layers, srcs, expected = [], tuple(spec.inputs), []
    pos = {p: k for k, p in enumerate(graph.param_names)}
    for L in spec.layers:
        if L.activation not in OPS or OPS[L.activation].arity != 1:
            return None               # softmax (and any activation across the layer): the walk
        nets = [net_name(n) for n in L.neurons]
        outs = [out_name(n) for n in L.neurons]
        for net, out, row, b in zip(nets, outs, L.weights, L.biases):
            node = graph.nodes.get(net)
            if node is None or node.inputs != srcs + ((b,) if b else ()) or node.weights[:len(srcs)] != tuple(row):
                return None
            expected += [net, out]
        layers.append(_Layer(nets, outs, L.activation, dict(graph.nodes[outs[0]].attrs), srcs,
                             [graph.nodes[n].inputs for n in nets], [graph.nodes[n].weights for n in nets],
                             list(L.biases), np.array([pos[w] for row in L.weights for w in row], dtype=np.intp)))
        srcs = tuple(outs)
    if [n for n in graph.order if not graph.nodes[n].is_leaf] != expected + [spec.loss_name]:
        return None
    return _Plan(layers, spec.loss_name, DenseModel(spec, graph.param_names), graph.feeds_needed(),
                 [n for n in graph.order if graph.nodes[n].op == "param"])


def record_layers(graph: Graph, plan: _Plan, params: Mapping[str, float], sample: Mapping[str, float]) -> Trace:
    """``record`` for a graph with a plan: the same Trace, a layer at a time."""
    names = graph.param_names
    P = _floats_by_name(params, names)
    vals = {k: float(sample[k]) for k in plan.feeds}          # node values: the leaves first
    vals.update((b, P[b]) for b in plan.param_leaves)
    steps: list[Step] = []
    arrays = _forward(plan, P, vals, steps)
    fv = {n: vals[n] for n in graph.order if n != plan.loss}     # the loss (last) comes next
    gf: dict[str, float] = {plan.loss: 1.0}     # the seed: one sample, d mean / d loss = 1
    grad = np.zeros(len(names))                # d objective / d parameter, in param_names order
    biases: dict[str, float] = {}
    _loss_backward(graph, plan, fv, gf, steps)
    for L, arr in zip(reversed(plan.layers), reversed(arrays)):
        pg = _layer_backward(graph.frozen, L, arr, gf, biases, steps)
        grad[L.w_pos] = pg.ravel() + 0.0        # 0 + x: a sum that starts at 0, as the walk's
    if graph.frozen:
        grad[[k for k, p in enumerate(names) if p in graph.frozen]] = 0.0
    totals = dict(zip(names, grad.tolist()))
    totals.update(biases)                      # the biases' running sums (a frozen one has none)
    return Trace(graph, P, dict(sample), steps, fv, gf, totals)


def _floats_by_name(params: Mapping[str, float], names: list[str]) -> dict[str, float]:
    """{name: float(params[name])} in ``names`` order; a copy when ``params`` already is that."""
    if type(params) is dict and len(params) == len(names) and list(params) == names \
            and set(map(type, params.values())) == {float}:
        return dict(params)
    return dict(zip(names, map(float, map(params.__getitem__, names))))


def _forward(plan: _Plan, P: dict[str, float], vals: dict[str, float], steps: list[Step]) -> list[_Arrays]:
    """The forward steps, layer by layer; every value into ``vals``; each layer's arrays."""
    theta = np.fromiter(P.values(), dtype=float, count=len(P))
    a = np.array([vals[s] for s in plan.layers[0].srcs])
    arrays = []
    for L, (W, b) in zip(plan.layers, plan.dense.layer_weights(theta)):
        z = sums_in_edge_order(W, b, a)
        out = np.asarray(activate(OPS[L.act], L.attrs, z), dtype=float)
        a_in, zl, al = a.tolist(), z.tolist(), out.tolist()
        for net, o, ins, ws, row, bias, zj, aj in zip(L.nets, L.outs, L.inputs, L.weights, W.tolist(),
                                                     L.biases, zl, al):
            if bias:
                xs, wv = tuple(a_in + [vals[bias]]), tuple(row + [None])
            else:
                xs, wv = tuple(a_in), tuple(row)
            steps.append(Step(len(steps), "forward", net, "weighted_sum", ins, xs, ws, wv, zj))
            steps.append(Step(len(steps), "forward", o, L.act, (net,), (zj,), (), (), aj))
        vals.update(zip(L.nets, zl))
        vals.update(zip(L.outs, al))
        arrays.append(_Arrays(a, W, z, out))
        a = out
    return arrays


def _loss_backward(graph: Graph, plan: _Plan, fv, gf, steps: list[Step]) -> None:
    """The loss's forward and backward steps, as the graph walk takes them (one node)."""
    n = graph.nodes[plan.loss]
    op, targets = OPS[n.op], set(graph.targets)
    xs = [np.array([fv[i]]) for i in n.inputs]
    value = np.asarray(op.forward(xs, [], n.attrs), dtype=float)
    fv[plan.loss] = _f(value)
    steps.append(Step(len(steps), "loss", plan.loss, n.op, n.inputs, tuple(fv[i] for i in n.inputs),
                      n.weights, (), fv[plan.loss]))
    local, _ = op.local(xs, [], value, n.attrs)
    edges = []
    for src, loc in zip(n.inputs, _floats(list(local), len(xs))):
        g = loc * 1.0                 # local x upstream; the loss's inputs get their first gradient
        gf[src] = g
        if src not in targets:        # targets are given: nothing is sent back to them
            edges.append(EdgeGradient(src, plan.loss, loc, 1.0, g, g))
    steps.append(Step(len(steps), "backward", plan.loss, n.op, n.inputs, weights=n.weights, upstream=1.0,
                      edges=tuple(edges)))


def _layer_backward(frozen, L: _Layer, arr: _Arrays, gf: dict[str, float], pgrads: dict[str, float],
                    steps: list[Step]) -> np.ndarray:
    """One layer's backward steps (each neuron's activation, then its sum), from whole-layer
    arrays; the biases' running sums into ``pgrads``; returns d objective / d W."""
    up = np.array([gf[o] for o in L.outs])
    d = np.broadcast_to(np.asarray(activation_local(OPS[L.act], L.attrs, arr.z, arr.a), dtype=float), up.shape)
    dz = d * up                                   # d objective / d net: local × upstream
    G = arr.W * dz[:, None]                       # what each edge sends down: w × upstream
    acc = np.cumsum(G, axis=0)                    # the running sums at the inputs, neuron after neuron
    PG = dz[:, None] * arr.a_in[None, :]          # d objective / d w: x × upstream
    upl, dl, dzl = up.tolist(), d.tolist(), dz.tolist()
    for j, (net, o, bias) in enumerate(zip(L.nets, L.outs, L.biases)):
        gf[net] = dzl[j]
        steps.append(Step(len(steps), "backward", o, L.act, (net,), upstream=upl[j],
                          edges=(EdgeGradient(net, o, dl[j], upl[j], dzl[j], dzl[j]),)))
        if j == 0:
            gf.update(zip(L.srcs, acc[-1].tolist()))
        tail = _bias_edge(frozen, bias, net, dzl[j], gf, pgrads) if bias else None
        make = _edge_maker(frozen, L, j, G, acc, PG, dzl[j], arr.W, tail)
        steps.append(Step(len(steps), "backward", net, "weighted_sum", L.inputs[j], weights=L.weights[j],
                          upstream=dzl[j], edges=LazyEdges(len(L.inputs[j]), make)))
    return PG


def _bias_edge(frozen, bias: str, net: str, up: float, gf, pgrads) -> EdgeGradient:
    g = 1.0 * up
    prev = gf.get(bias)
    acc = g if prev is None else prev + g
    gf[bias] = acc
    if bias in frozen:
        return EdgeGradient(bias, net, 1.0, up, g, acc)
    total = pgrads[bias] = pgrads.get(bias, 0.0) + g
    return EdgeGradient(bias, net, 1.0, up, g, acc, bias, g, True, total)


def _edge_maker(frozen, L: _Layer, j: int, G, acc, PG, up: float, W, tail: EdgeGradient | None):
    def make() -> list[EdgeGradient]:
        net = L.nets[j]
        ws = L.weights[j][:len(L.srcs)]
        params = [None if w in frozen else w for w in ws]
        pgs, totals = PG[j].tolist(), (PG[j] + 0.0).tolist()     # unique weights: each total is its one term
        edges = [EdgeGradient(s, net, w, up, g, a, p, None if p is None else pg, False, None if p is None else t)
                 for s, p, w, g, a, pg, t in zip(L.srcs, params, W[j].tolist(), G[j].tolist(), acc[j].tolist(),
                                                 pgs, totals)]
        if tail is not None:
            edges.append(tail)
        return edges
    return make
