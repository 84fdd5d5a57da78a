"""Editing a layered network's architecture, and seeded starting weights.

Every edit is a pure function ``(spec, params) -> (spec, params)``: it returns
a new ``LayeredSpec`` and the parameter values of the edited network, keeping
every weight and bias that still has a place (same name, same value) and
giving the new ones values drawn from a seeded generator (biases start at 0).
The inputs are never changed; ``spec`` and ``params`` are never modified.

``initial_values`` gives a whole network its start: zeros, a constant,
uniform, Xavier/Glorot (uniform) or He (normal), seeded.
"""
from __future__ import annotations

import copy
import zlib

import numpy as np

from .network import Layer, LayeredSpec, net_name, out_name
from .ops import OPS

INITS = ("zeros", "constant", "uniform", "xavier", "he")
Params = dict[str, float]


class ArchitectureError(ValueError):
    """An edit that the network cannot take (the message says why)."""


def _names(spec: LayeredSpec) -> set[str]:
    used = set(spec.inputs) | set(spec.targets) | {spec.loss_name}
    for L in spec.layers:
        for n, row, b in zip(L.neurons, L.weights, L.biases):
            used.update((n, net_name(n), out_name(n)))
            used.update(w for w in row if w is not None)
            if b is not None:
                used.add(b)
    return used


def _fresh(base: str, used: set[str]) -> str:
    name, k = base, 2
    while name in used:
        name, k = f"{base}_{k}", k + 1
    used.add(name)
    return name


def _fans(spec: LayeredSpec) -> dict[str, tuple[int, int]]:
    """(fan_in, fan_out) of each weight's layer."""
    fans = {}
    prev = len(spec.inputs)
    for L in spec.layers:
        for row in L.weights:
            for w in row:
                if w is not None:
                    fans[w] = (prev, len(L.neurons))
        prev = len(L.neurons)
    return fans


def _draw(name: str, fan: tuple[int, int], scheme: str, value: float, seed: int) -> float:
    """A weight's start, from a stream seeded by the seed and the weight's name
    (a new weight's value does not depend on what else is in the network)."""
    rng = np.random.default_rng([seed, zlib.crc32(name.encode("utf-8"))])
    fan_in, fan_out = fan
    if scheme == "zeros":
        return 0.0
    if scheme == "constant":
        return float(value)
    if scheme == "uniform":
        return float(rng.uniform(-1.0, 1.0) * value)
    if scheme == "xavier":
        return float(rng.uniform(-1.0, 1.0) * value * (6.0 / (fan_in + fan_out)) ** 0.5)
    if scheme == "he":
        return float(rng.standard_normal() * value * (2.0 / fan_in) ** 0.5)
    raise ArchitectureError(f"unknown initialisation {scheme!r}; expected one of {', '.join(INITS)}")


def initial_values(spec: LayeredSpec, scheme: str = "xavier", seed: int = 0, value: float = 1.0) -> Params:
    """Starting values for every parameter: weights by ``scheme`` (``value`` is
    the constant, the uniform range's half-width, or a scale for Xavier and He),
    biases 0."""
    fans = _fans(spec)
    out: Params = {}
    for L in spec.layers:
        for row, b in zip(L.weights, L.biases):
            for w in row:
                if w is not None and w not in out:
                    out[w] = _draw(w, fans[w], scheme, value, seed)
            if b is not None:
                out.setdefault(b, 0.0)
    return out


def _kept(spec: LayeredSpec, params: Params, seed: int) -> Params:
    """Values for ``spec``'s parameters: the old value where the name survives, else a new start."""
    fresh = initial_values(spec, "xavier", seed)
    return {k: float(params[k]) if k in params else v for k, v in fresh.items()}


def _hidden(spec: LayeredSpec, layer: int) -> Layer:
    if not 0 <= layer < len(spec.layers) - 1:
        raise ArchitectureError(f"layer {layer + 1} is not a hidden layer; only hidden layers change size "
                                f"(the output layer's size is fixed by the targets)")
    return spec.layers[layer]


def _prev_names(spec: LayeredSpec, layer: int) -> list[str]:
    return list(spec.inputs) if layer == 0 else list(spec.layers[layer - 1].neurons)


def add_neuron(spec: LayeredSpec, params: Params, layer: int, seed: int = 0) -> tuple[LayeredSpec, Params]:
    """A neuron more at the end of hidden layer ``layer`` (0-based), wired to the
    layers before and after it, with a bias if its layer has biases."""
    spec = copy.deepcopy(spec)
    L = _hidden(spec, layer)
    used = _names(spec)
    name = _fresh(f"h{layer + 1}_{len(L.neurons) + 1}", used)
    L.neurons.append(name)
    L.weights.append([_fresh(f"w_{src}_{name}", used) for src in _prev_names(spec, layer)])
    L.biases.append(_fresh(f"b_{name}", used) if any(b is not None for b in L.biases) else None)
    nxt = spec.layers[layer + 1]
    for dst, row in zip(nxt.neurons, nxt.weights):
        row.append(_fresh(f"w_{name}_{dst}", used))
    return spec, _kept(spec, params, seed)


def remove_neuron(spec: LayeredSpec, params: Params, layer: int, index: int) -> tuple[LayeredSpec, Params]:
    """Hidden layer ``layer`` without its neuron ``index`` (and the weights into and out of it)."""
    spec = copy.deepcopy(spec)
    L = _hidden(spec, layer)
    if len(L.neurons) < 2:
        raise ArchitectureError(f"layer {layer + 1} has one neuron; remove the layer instead")
    del L.neurons[index], L.weights[index], L.biases[index]
    for row in spec.layers[layer + 1].weights:
        del row[index]
    return spec, _kept(spec, params, 0)


def add_layer(spec: LayeredSpec, params: Params, after: int, size: int | None = None,
              activation: str | None = None, seed: int = 0) -> tuple[LayeredSpec, Params]:
    """A hidden layer after layer ``after`` (0: after the inputs), ``size`` neurons
    (default: as many as the layer before), the activation of the layer before
    (or the next hidden one).  The next layer's weights are new: their inputs changed."""
    if not 0 <= after < len(spec.layers):
        raise ArchitectureError(f"a layer can go after the inputs (0) or a hidden layer (1..{len(spec.layers) - 1})")
    spec = copy.deepcopy(spec)
    used = _names(spec)
    prev = _prev_names(spec, after)
    size = size or len(prev)
    act = activation or (spec.layers[after - 1].activation if after else
                         spec.layers[0].activation if len(spec.layers) > 1 else "tanh")
    if act == "softmax":
        act = "tanh"
    bias = any(b is not None for L in spec.layers for b in L.biases)
    names = [_fresh(f"h{after + 1}_{j + 1}", used) for j in range(size)]
    new = Layer(names, act, [[_fresh(f"w_{src}_{n}", used) for src in prev] for n in names],
                [_fresh(f"b_{n}", used) if bias else None for n in names], {})
    nxt = spec.layers[after]
    nxt.weights = [[_fresh(f"w_{n}_{dst}", used) for n in names] for dst in nxt.neurons]
    spec.layers.insert(after, new)
    return spec, _kept(spec, params, seed)


def remove_layer(spec: LayeredSpec, params: Params, layer: int, seed: int = 0) -> tuple[LayeredSpec, Params]:
    """The network without hidden layer ``layer``; the next layer takes the layer
    before as its inputs, with new weights."""
    _hidden(spec, layer)
    spec = copy.deepcopy(spec)
    used = _names(spec)
    gone = spec.layers.pop(layer)
    for n in gone.neurons:
        used.discard(n)
    prev = _prev_names(spec, layer)
    nxt = spec.layers[layer]
    nxt.weights = [[_fresh(f"w_{src}_{dst}", used) for src in prev] for dst in nxt.neurons]
    return spec, _kept(spec, params, seed)


def set_activation(spec: LayeredSpec, params: Params, layer: int, activation: str) -> tuple[LayeredSpec, Params]:
    """Layer ``layer`` with another activation (softmax only on the output layer)."""
    if not 0 <= layer < len(spec.layers):
        raise ArchitectureError(f"there is no layer {layer + 1}")
    op = OPS.get(activation)
    if activation != "softmax" and (op is None or op.kind != "activation" or op.arity != 1):
        raise ArchitectureError(f"unknown activation {activation!r}")
    if activation == "softmax" and layer != len(spec.layers) - 1:
        raise ArchitectureError("softmax goes on the output layer only")
    spec = copy.deepcopy(spec)
    spec.layers[layer].activation = activation
    spec.layers[layer].attrs = {}
    return spec, dict(params)


def set_bias(spec: LayeredSpec, params: Params, layer: int, index: int, on: bool) -> tuple[LayeredSpec, Params]:
    """Give neuron ``index`` of layer ``layer`` a bias (starting at 0), or take it away."""
    spec = copy.deepcopy(spec)
    L = spec.layers[layer]
    if on and L.biases[index] is None:
        L.biases[index] = _fresh(f"b_{L.neurons[index]}", _names(spec))
    elif not on:
        row = L.weights[index]
        if L.biases[index] is not None and not any(w is not None for w in row):
            raise ArchitectureError(f"neuron {L.neurons[index]!r} would have no inputs left")
        L.biases[index] = None
    return spec, _kept(spec, params, 0)


def set_inputs(spec: LayeredSpec, params: Params, names: list[str], seed: int = 0) -> tuple[LayeredSpec, Params]:
    """The network fed by the inputs ``names``: a weight from an input that stays
    keeps its name and value; the weights from new inputs are new."""
    if not names:
        raise ArchitectureError("a network needs at least one input")
    spec = copy.deepcopy(spec)
    used = _names(spec) - set(spec.inputs)
    clash = [n for n in names if n in used]
    if clash:
        raise ArchitectureError(f"the input name {clash[0]!r} is already used by the network")
    if len(set(names)) != len(names):
        raise ArchitectureError("two inputs have the same name")
    old = {n: k for k, n in enumerate(spec.inputs)}
    first = spec.layers[0]
    used |= set(names)
    first.weights = [[row[old[n]] if n in old else _fresh(f"w_{n}_{neuron}", used) for n in names]
                     for neuron, row in zip(first.neurons, first.weights)]
    spec.inputs = list(names)
    return spec, _kept(spec, params, seed)


def locate(spec: LayeredSpec, node: str) -> tuple[int, int] | None:
    """(layer, index) of the neuron a graph node belongs to (its name, net_ or out_ node)."""
    for l, L in enumerate(spec.layers):
        for j, n in enumerate(L.neurons):
            if node in (n, net_name(n), out_name(n)):
                return l, j
    return None
