"""Layered networks: declared as layers of neurons, compiled to the graph.

Neuron view: each neuron is a ``weighted_sum`` node ``net_<name>`` (its edges
carry the weight parameters, the bias comes in as a parameter leaf) followed
by an activation node ``out_<name>``.  Gate view: the same neuron expanded
into ``mul`` and ``add`` gates with the weights as parameter leaves.

``DenseModel`` evaluates the same network with matrices, for training and
loss surfaces, where stepping one node at a time would be too slow.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from .graph import Graph, GraphError, Node
from .ops import OPS


@dataclass
class Layer:
    neurons: list[str]
    activation: str
    weights: list[list[str | None]]          # [neuron][input]: parameter name, None = no connection
    biases: list[str | None]                 # parameter per neuron, None = no bias
    attrs: dict = field(default_factory=dict)  # activation settings (alpha)


@dataclass
class LayeredSpec:
    inputs: list[str]
    layers: list[Layer]
    loss: str | None = None                  # a loss op name, or None
    targets: list[str] = field(default_factory=list)
    loss_name: str = "loss"
    loss_attrs: dict = field(default_factory=dict)

    @property
    def sizes(self) -> list[int]:
        return [len(self.inputs)] + [len(l.neurons) for l in self.layers]


def auto_names(sizes: list[int]) -> tuple[list[str], list[list[str]]]:
    """Default neuron names: inputs x1.., hidden h<layer>_<j>, outputs y1.."""
    inputs = [f"x{i + 1}" for i in range(sizes[0])]
    layers = []
    for l, n in enumerate(sizes[1:], start=1):
        last = l == len(sizes) - 1
        layers.append([f"y{j + 1}" if last else f"h{l}_{j + 1}" for j in range(n)])
    return inputs, layers


def out_name(neuron: str) -> str:
    return f"out_{neuron}"


def net_name(neuron: str) -> str:
    return f"net_{neuron}"


def compile_layered(spec: LayeredSpec, gates: bool = False) -> Graph:
    """The computational graph of a layered network, at neuron or gate level."""
    g = Graph()
    for x in spec.inputs:
        g.add(Node(x, "input", layer=0))
    prev = list(spec.inputs)
    for l, layer in enumerate(spec.layers, start=1):
        if len(layer.weights) != len(layer.neurons) or len(layer.biases) != len(layer.neurons):
            raise GraphError(f"layer {l}: {len(layer.neurons)} neurons but {len(layer.weights)} weight rows "
                             f"and {len(layer.biases)} biases")
        col_net, col_out = 2 * l - 1, 2 * l
        nets = []
        for j, neuron in enumerate(layer.neurons):
            row = layer.weights[j]
            if len(row) != len(prev):
                raise GraphError(f"layer {l}, neuron {neuron!r}: {len(row)} weights for {len(prev)} inputs")
            b = layer.biases[j]
            if b is not None:
                _param_leaf(g, b, 2 * l - 2)
            conns = [(src, w) for src, w in zip(prev, row) if w is not None]
            if not conns and b is None:
                raise GraphError(f"layer {l}, neuron {neuron!r} has no inputs")
            if gates:
                _add_gate_sum(g, neuron, conns, b, l)
            else:
                ins = [s for s, _ in conns] + ([b] if b is not None else [])
                ws = [w for _, w in conns] + ([None] if b is not None else [])
                g.add(Node(net_name(neuron), "weighted_sum", tuple(ins), tuple(ws), layer=col_net, group=neuron))
            nets.append(net_name(neuron))
            # each neuron's activation right after its sum: the lecture goes neuron by neuron
            if layer.activation != "softmax":
                if layer.activation not in OPS or OPS[layer.activation].kind != "activation":
                    raise GraphError(f"layer {l}: unknown activation {layer.activation!r}")
                g.add(Node(out_name(neuron), layer.activation, (net_name(neuron),), attrs=dict(layer.attrs),
                           layer=col_out, group=neuron))
        if layer.activation == "softmax":
            for j, neuron in enumerate(layer.neurons):
                g.add(Node(out_name(neuron), "softmax", tuple(nets), attrs={"index": j}, layer=col_out, group=neuron))
        prev = [out_name(n) for n in layer.neurons]
    if spec.loss:
        _add_loss(g, spec, prev)
    g.validate()
    if not gates:
        g.layered = spec          # the trace may be computed layer by layer (layer_trace)
    return g


def _param_leaf(g: Graph, name: str, layer: int) -> None:
    if name not in g.nodes:
        g.add(Node(name, "param", layer=layer))


def _add_gate_sum(g: Graph, neuron: str, conns: list[tuple[str, str]], b: str | None, l: int) -> None:
    """A neuron's weighted sum at gate level: a mul per weight, then adds (the bias last)."""
    col_net = 2 * l - 1
    terms = []
    for src, w in conns:
        _param_leaf(g, w, 2 * l - 2)
        m = f"{w}*{src}"
        while m in g.nodes:
            m += "'"
        g.add(Node(m, "mul", (w, src), layer=col_net, group=neuron))
        terms.append(m)
    if b is not None:
        terms.append(b)
    if len(terms) == 1:
        g.add(Node(net_name(neuron), "linear", (terms[0],), layer=col_net, group=neuron))
    acc = terms[0]
    for k, t in enumerate(terms[1:], start=1):
        name = net_name(neuron) if k == len(terms) - 1 else f"{neuron}.sum{k}"
        g.add(Node(name, "add", (acc, t), layer=col_net, group=neuron))
        acc = name


def _add_loss(g: Graph, spec: LayeredSpec, outputs: list[str]) -> None:
    assert spec.loss is not None
    wanted = OPS[spec.loss].targets or len(outputs)
    if len(spec.targets) != wanted:
        raise GraphError(f"loss: {len(spec.targets)} targets for {len(outputs)} outputs (expected {wanted})")
    last = 2 * len(spec.layers)
    for t in spec.targets:
        g.add(Node(t, "target", layer=last))
    g.add(Node(spec.loss_name, spec.loss, tuple(outputs) + tuple(spec.targets), attrs=dict(spec.loss_attrs),
               layer=last + 1))


def activate(act, attrs, Z):
    """A layer's activations from its weighted sums ``Z`` (neurons on the last axis):
    the op's own forward rule; softmax across the layer."""
    if act.name == "softmax":
        e = np.exp(Z - Z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    return act.forward([Z], [], attrs)


def activation_local(act, attrs, Z, A):
    """d A / d Z elementwise (not softmax): the op's own local derivative."""
    return act.local([Z], [], A, attrs)[0][0]


def activation_backward(act, attrs, Z, A, dA):
    """d objective / d Z from d objective / d A."""
    if act.name == "softmax":
        return A * (dA - (dA * A).sum(axis=-1, keepdims=True))
    return dA * activation_local(act, attrs, Z, A)


def sums_in_edge_order(W, b, a) -> np.ndarray:
    """One sample's weighted sums as the graph's ``weighted_sum`` adds them: 0 + w1·x1 +
    w2·x2 + ... then the bias, term by term in edge order (bit for bit the same floats;
    a matrix product adds in another order).  ``W`` (neurons, inputs), ``a`` (inputs,)."""
    z = np.zeros(W.shape[0])
    for col, x in zip(W.T, a):
        z += col * x
    return z + b


class DenseModel:
    """The layered network as matrices over a flat parameter vector.

    ``idx_w[l]`` holds, for each weight matrix entry, the index of its
    parameter in ``names`` (``P``, pointing at a constant 0, where there is no
    connection), so shared parameters simply repeat an index and their
    gradients add up by ``bincount``.
    """

    def __init__(self, spec: LayeredSpec, names: list[str]):
        self.spec = spec
        self.names = list(names)
        pos = {n: k for k, n in enumerate(self.names)}
        P = len(self.names)
        self.P = P
        self.idx_w = [np.array([[P if w is None else pos[w] for w in row] for row in L.weights], dtype=np.intp)
                      for L in spec.layers]
        self.idx_b = [np.array([P if b is None else pos[b] for b in L.biases], dtype=np.intp) for L in spec.layers]
        self.acts = [(OPS[L.activation], dict(OPS[L.activation].attrs) | L.attrs) for L in spec.layers]
        self.loss = (OPS[spec.loss], dict(OPS[spec.loss].attrs) | spec.loss_attrs) if spec.loss else None
        # a layer whose entries name distinct parameters can add its gradient in place
        self._unique_w = [len(np.unique(iw)) == iw.size for iw in self.idx_w]
        self._unique_b = [len(np.unique(ib)) == ib.size for ib in self.idx_b]

    def theta(self, params: Mapping[str, float]) -> np.ndarray:
        return np.array([float(params[n]) for n in self.names])

    def _ext(self, theta):
        theta = np.asarray(theta, dtype=float)
        return np.concatenate([theta, np.zeros(theta.shape[:-1] + (1,))], axis=-1)

    def layer_weights(self, theta) -> list[tuple[np.ndarray, np.ndarray]]:
        """Each layer's weight matrix (neurons, inputs) and bias vector from ``theta``
        (leading axes kept); an absent weight or bias is 0."""
        th = self._ext(theta)
        return [(th[..., iw], th[..., ib]) for iw, ib in zip(self.idx_w, self.idx_b)]

    def forward(self, theta, X):
        """Activations of every layer; X is (B, inputs).  ``theta`` may carry
        leading grid axes (G, P): then activations are (G, B, n)."""
        return self._forward(self.layer_weights(theta), np.asarray(X, dtype=float))

    def _forward(self, weights, X):
        """(Z, A) of every layer (the inputs first, as (None, X)) for the given weights."""
        A, cache = X, [(None, X)]
        for (W, b), (act, attrs) in zip(weights, self.acts):
            Z = A @ np.swapaxes(W, -1, -2) + b[..., None, :]
            A = activate(act, attrs, Z)
            cache.append((Z, A))
        return cache

    def per_sample_loss(self, out, T):
        op, attrs = self.loss
        if op.matrix is not None:
            return op.matrix(out, np.broadcast_to(T, out.shape), attrs)[0]
        cols = [out[..., j] for j in range(out.shape[-1])] + [T[..., j] for j in range(T.shape[-1])]
        return op.forward(cols, [], attrs)

    def objective(self, theta, X, T) -> np.ndarray:
        """Mean loss over the samples (one number per grid point)."""
        out = self.forward(theta, X)[-1][1]
        return self.per_sample_loss(out, np.asarray(T, dtype=float)).mean(axis=-1)

    def gradient(self, theta, X, T):
        """(objective, d objective / d theta) for one parameter vector."""
        X = np.asarray(X, dtype=float)
        T = np.asarray(T, dtype=float)
        th = np.empty(self.P + 1)
        th[:-1] = theta
        th[-1] = 0.0
        Ws = [th[iw] for iw in self.idx_w]
        cache = self._forward([(W, th[ib]) for W, ib in zip(Ws, self.idx_b)], X)
        out = cache[-1][1]
        B, k = out.shape
        op, attrs = self.loss
        if op.matrix is not None:
            # a sum or mean of per-output terms: whole matrices, no per-column calls
            L, dA = op.matrix(out, T, attrs)
        else:
            cols = [out[:, j] for j in range(k)] + [T[:, j] for j in range(k)]
            L = op.forward(cols, [], attrs)
            dcols, _ = op.local(cols, [], L, attrs)
            dA = np.stack(dcols[:k], axis=1)
        dA /= B
        g = np.zeros(self.P + 1)
        for l in range(len(self.idx_w) - 1, -1, -1):
            Z, A = cache[l + 1]
            dZ = activation_backward(*self.acts[l], Z, A, dA)
            gW = dZ.T @ cache[l][1]
            if self._unique_w[l]:
                g[self.idx_w[l]] += gW
            else:
                g += np.bincount(self.idx_w[l].ravel(), weights=gW.ravel(), minlength=self.P + 1)
            gb = dZ.sum(axis=0)
            if self._unique_b[l]:
                g[self.idx_b[l]] += gb
            else:
                g += np.bincount(self.idx_b[l], weights=gb, minlength=self.P + 1)
            if l:
                dA = dZ @ Ws[l]
        return float(L.mean()), g[:-1]

    def predict(self, theta, X) -> np.ndarray:
        return self.forward(theta, X)[-1][1]
