"""Why a network is stuck: dead ReLU units, saturated sigmoid/tanh units and
exploding gradients, found over the whole training set.

A unit's pre-activation (``net``) on every sample comes from the matrix form
(``DenseModel.forward``), the gradients from ``DenseModel.gradient``: the
same functions training uses.  Each finding is a ``Flag`` whose ``text`` says,
in plain words, what it means and what usually helps; the graph view puts it
on the neuron and in its tooltip.  No Qt.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Mapping

import numpy as np

from .model import Model
from .network import DenseModel

SATURATION_NET = {"sigmoid": 4.0, "tanh": 2.5}   # |net| beyond this: slope under 2% (sigmoid) / 3% (tanh) of its top
SATURATED_SHARE = 0.9          # "most samples": at least this share of them saturated
EXPLODING_GRADIENT = 100.0     # |dL/dw| beyond this (or not finite) on a weight into the unit

MEANING = {
    "dead": ("Dead ReLU: its weighted sum is negative on every training sample, so it outputs 0 and passes "
             "back no gradient; its weights never change again. What usually helps: a smaller learning rate, "
             "a small positive starting bias, another random start, or leaky ReLU."),
    "saturated": ("Saturated: its weighted sum is so large on most samples that the squash is flat there, so "
                  "almost no gradient passes back through it and its weights learn very slowly. What usually "
                  "helps: smaller starting weights, inputs scaled to about -1..1, a smaller learning rate, or "
                  "ReLU in hidden layers."),
    "exploding": ("Exploding gradient: a weight into this unit has a gradient so large that one update throws "
                  "it far away, and the loss jumps or becomes NaN. What usually helps: a smaller learning rate, "
                  "smaller starting weights, inputs scaled to about -1..1, or clipping the gradient."),
}


@dataclass(frozen=True)
class Flag:
    neuron: str
    kind: str                  # dead | saturated | exploding
    share: float               # share of samples on which it holds (1.0 for exploding)
    detail: str                # the numbers behind it, one line

    @property
    def text(self) -> str:
        """What it means and what usually helps, with the numbers: plain text."""
        return f"{self.detail}\n{MEANING[self.kind]}"


def diagnose(model: Model, params: Mapping[str, float] | None = None) -> dict[str, list[Flag]]:
    """Every flagged unit of a layered network with a loss and data: {neuron: flags}.
    Healthy units, and networks without data or a matrix form, give nothing.
    The answers for the last two sets of weights are kept: stepping back and forth
    across an update asks for the same two again."""
    form = _matrix_form(model)
    spec = model.spec
    if form is None or spec is None or not model.data.columns:
        return {}
    dense, weights_of, units = form
    params = model.params if params is None else params
    X = model.data.matrix(spec.inputs)
    T = model.data.matrix(spec.targets)
    if not len(X):
        return {}
    try:
        theta = np.array(weights_of(params), dtype=float).reshape(-1)
    except KeyError:
        theta = dense.theta(params)             # the error names the missing parameter
    key = (dense, X.shape, T.shape, theta.tobytes(), X.tobytes(), T.tobytes())
    flags = next((f for seen, f in _FOUND if seen == key), None)
    if flags is None:
        flags = _flags(dense, units, theta, X, T)
        _FOUND[:] = [(key, flags)] + _FOUND[:1]
    return {neuron: list(found) for neuron, found in flags.items()}


_FORMS: list[tuple] = []                       # the last two (spec, names, shape, matrix form) built
_FOUND: list[tuple[tuple, dict]] = []          # the last two (inputs, flags) found


def _matrix_form(model: Model):
    """(the matrix form, a getter of its weights in order, each unit's parameter
    indices): built once per network structure, not per step."""
    spec = model.spec
    if spec is None or spec.loss is None:
        return None
    names = model.graph.param_names
    shape = (tuple((L.activation, repr(L.attrs), len(L.neurons)) for L in spec.layers), spec.loss,
             repr(spec.loss_attrs))
    hit = next((f for f in _FORMS if f[0] is spec and f[2] == shape and f[1] == names), None)
    if hit is None:
        dense = model.dense()
        if dense is None:
            return None
        units = [[[k for k in dense.idx_w[l][j].tolist() + [int(dense.idx_b[l][j])] if k < dense.P]
                  for j in range(len(layer.neurons))] for l, layer in enumerate(spec.layers)]
        hit = (spec, names, shape, (dense, operator.itemgetter(*dense.names) if dense.names else (lambda p: ()),
                                    units))
        _FORMS[:] = [hit] + _FORMS[:1]
    return hit[3]


def _flags(dense: DenseModel, units: list, theta: np.ndarray, X: np.ndarray, T: np.ndarray) -> dict[str, list[Flag]]:
    spec = dense.spec
    flags: dict[str, list[Flag]] = {}
    with np.errstate(all="ignore"):
        cache = dense.forward(theta, X)
        _, grad = dense.gradient(theta, X, T)
    for l, layer in enumerate(spec.layers):
        Z = cache[l + 1][0]
        for j, neuron in enumerate(layer.neurons):
            for flag in _unit_flags(neuron, layer.activation, Z[:, j]):
                flags.setdefault(neuron, []).append(flag)
            g = grad[units[l][j]]
            big = float(np.max(np.abs(g))) if g.size else 0.0
            if g.size and not (np.isfinite(big) and big <= EXPLODING_GRADIENT):
                flags.setdefault(neuron, []).append(Flag(
                    neuron, "exploding", 1.0,
                    f"{neuron}: largest |dL/dw| into it is {big:.3g} (over {EXPLODING_GRADIENT:g})."))
    return flags


def _unit_flags(neuron: str, activation: str, net: np.ndarray) -> list[Flag]:
    n = len(net)
    if activation == "relu":
        alive = int(np.count_nonzero(net > 0))
        if alive == 0:
            return [Flag(neuron, "dead", 1.0,
                         f"{neuron}: weighted sum at most 0 on all {n} samples (largest {float(net.max()):.3g}).")]
        return []
    limit = SATURATION_NET.get(activation)
    if limit is None:
        return []
    share = float(np.count_nonzero(np.abs(net) > limit)) / n
    if share >= SATURATED_SHARE:
        return [Flag(neuron, "saturated", share,
                     f"{neuron}: |weighted sum| over {limit:g} on {share:.0%} of {n} samples "
                     f"(median |sum| {float(np.median(np.abs(net))):.3g}).")]
    return []
