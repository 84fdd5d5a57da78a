"""Pictures of what happens inside a layered network, computed with the same
functions training and the decision map use (``DenseModel.forward``,
``DenseModel.gradient``, ``Trainer``), so every picture equals the engine's
numbers exactly.  No Qt.

- ``neuron_grids``: every neuron's output over the input plane (two inputs).
- ``layer_gradients``: per layer, the weights and their gradients (from a
  trace's or a ``State``'s parameter gradients, or the whole training set's),
  with the mean |dL/dw| the gradient-flow panel draws.
- ``gradient_history``: the per-layer mean |dL/dw| over a training run.
- ``bent_planes``: the input plane's grid lines pushed through each layer.
- ``weight_image`` / ``pixel_image``: a neuron's weights and a sample's
  pixels as a small square picture (the four-pixel camera).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

from .model import Model
from .network import DenseModel, LayeredSpec
from .plotting_data import input_box
from .textfmt import fmt
from .training import Trainer


def _dense(model: Model) -> tuple[DenseModel, LayeredSpec]:
    if model.spec is None:
        raise ValueError(f"{model.title or 'the model'} is not a layered network")
    # the forward pass of the matrix form needs no loss: networks without one have pictures too
    return DenseModel(model.spec, model.graph.param_names), model.spec


# -- each neuron's picture -----------------------------------------------------------
@dataclass(frozen=True)
class NeuronGrids:
    xs: np.ndarray                      # (n,) first input
    ys: np.ndarray                      # (n,) second input
    outputs: dict[str, np.ndarray]      # neuron -> (n, n): its output at (xs[i], ys[j])
    nets: dict[str, np.ndarray]         # neuron -> (n, n): its weighted sum there


def grid_points(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """The (n*n, 2) points of the grid, first input slowest (``V[i, j]`` at ``(xs[i], ys[j])``)."""
    X, Y = np.meshgrid(xs, ys, indexing="ij")
    return np.column_stack([X.ravel(), Y.ravel()])


def neuron_grids(model: Model, params: Mapping[str, float], n: int = 24, box=None,
                 neurons: set[str] | None = None) -> NeuronGrids:
    """Each neuron's output over the plane of the two inputs, on the decision map's
    extent (``input_box``).  ``neurons``: only these (None: all)."""
    dense, spec = _dense(model)
    if len(spec.inputs) != 2:
        raise ValueError(f"a neuron's picture over the input plane needs two inputs; "
                         f"{model.title or 'the model'} has {len(spec.inputs)}")
    (x0, x1), (y0, y1) = input_box(model) if box is None else box
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    with np.errstate(all="ignore"):
        cache = dense.forward(dense.theta(params), grid_points(xs, ys))
    outputs, nets = {}, {}
    for l, layer in enumerate(spec.layers):
        Z, A = cache[l + 1]
        for j, neuron in enumerate(layer.neurons):
            if neurons is None or neuron in neurons:
                outputs[neuron] = A[:, j].reshape(n, n)
                nets[neuron] = Z[:, j].reshape(n, n)
    return NeuronGrids(xs, ys, outputs, nets)


def neuron_formula(spec: LayeredSpec, params: Mapping[str, float], neuron: str, digits: int = 4,
                   max_terms: int = 8) -> str:
    """The neuron's output with its weights plugged in, one line of plain text:
    ``h1 = sigmoid(0.15·i1 + 0.2·i2 + 0.35)``; more than ``max_terms`` terms
    keep the first three and the last two around "…"."""
    prev = list(spec.inputs)
    for layer in spec.layers:
        if neuron in layer.neurons:
            j = layer.neurons.index(neuron)
            pairs: list = [(w, src) for src, w in zip(prev, layer.weights[j]) if w is not None]
            b = layer.biases[j]
            if b is not None:
                pairs.append((b, None))
            if len(pairs) > max_terms:          # formatted only where shown: a neuron may have 784 inputs
                pairs = pairs[:3] + [None] + pairs[-2:]
            terms = ["…" if p is None else fmt(params[p[0]], digits) + ("" if p[1] is None else f"·{p[1]}")
                     for p in pairs]
            total = " + ".join(terms).replace("+ -", "- ") or "0"
            return f"{neuron} = {layer.activation}({total})"
        prev = list(layer.neurons)
    raise KeyError(neuron)


# -- gradient flow ---------------------------------------------------------------------
@dataclass(frozen=True)
class LayerGradients:
    layer: int                          # 1 = the first layer of weights
    names: tuple[str, ...]              # its weight parameters (biases left out), in order
    weights: np.ndarray
    gradients: np.ndarray

    @property
    def mean_abs_gradient(self) -> float:
        return float(np.mean(np.abs(self.gradients))) if self.gradients.size else 0.0

    @property
    def mean_abs_weight(self) -> float:
        return float(np.mean(np.abs(self.weights))) if self.weights.size else 0.0


def layer_weight_names(spec: LayeredSpec) -> list[list[str]]:
    """Each layer's weight parameters, each once, in the order of the file."""
    out = []
    for layer in spec.layers:
        names: list[str] = []
        for row in layer.weights:
            names += [w for w in row if w is not None and w not in names]
        out.append(names)
    return out


def layer_gradients(spec: LayeredSpec, params: Mapping[str, float],
                    param_gradients: Mapping[str, float]) -> list[LayerGradients]:
    """Per layer, its weights and their gradients as given (a trace's
    ``param_gradients``, a ``State``'s so far, or ``dataset_gradients``);
    a weight not reached yet counts as 0."""
    return [LayerGradients(l, tuple(names),
                           np.array([float(params[w]) for w in names]),
                           np.array([float(param_gradients.get(w, 0.0)) for w in names]))
            for l, names in enumerate(layer_weight_names(spec), start=1)]


def dataset_gradients(model: Model, params: Mapping[str, float]) -> dict[str, float]:
    """dL/dp of the mean loss over the whole training set (what one full-batch step uses)."""
    dense = model.dense()
    if dense is None or model.spec is None:
        raise ValueError(f"{model.title or 'the model'} has no loss to take gradients of")
    X = model.data.matrix(model.spec.inputs)
    T = model.data.matrix(model.spec.targets)
    with np.errstate(all="ignore"):
        _, g = dense.gradient(dense.theta(params), X, T)
    return dict(zip(dense.names, g.tolist()))


@dataclass(frozen=True)
class GradientHistory:
    epochs: np.ndarray                  # (E+1,) 0 = the start
    losses: np.ndarray                  # (E+1,) training loss before each epoch's update
    mean_abs: np.ndarray                # (E+1, layers) mean |dL/dw| per layer
    stopped: str = ""                   # why it ended early ("" = all epochs)


def gradient_history(model: Model, params: Mapping[str, float], epochs: int,
                     cancelled: Callable[[], bool] | None = None) -> GradientHistory:
    """Train a copy from ``params`` with the model's settings for ``epochs``
    epochs, recording each layer's mean |dL/dw| over the training set before each update."""
    if model.spec is None:
        raise ValueError(f"{model.title or 'the model'} is not a layered network")
    spec = model.spec
    tr = Trainer(model, start=dict(params))
    names = tr.objective.names
    pos = {n: k for k, n in enumerate(names)}
    idx = [np.array([pos[w] for w in ws], dtype=np.intp) for ws in layer_weight_names(spec)]
    losses, rows, stopped = [], [], ""
    for epoch in range(epochs + 1):
        if cancelled is not None and cancelled():
            stopped = "cancelled"
            break
        with np.errstate(all="ignore"):
            loss, g = tr.objective.value_and_grad(tr.theta)
        losses.append(loss)
        rows.append([float(np.mean(np.abs(g[i]))) if i.size else 0.0 for i in idx])
        if epoch == epochs:
            break
        bad = tr.run_epoch()
        if bad:
            stopped = bad
            break
    return GradientHistory(np.arange(len(losses)), np.array(losses), np.array(rows).reshape(len(rows), len(idx)),
                           stopped)


# -- how each layer bends the plane ----------------------------------------------------
@dataclass(frozen=True)
class BentPlane:
    layer: int                          # 0 = the input plane itself
    neurons: tuple[str, ...]            # the layer's neurons (the inputs for layer 0): the picture's axes
    lines: list[np.ndarray]             # each grid line as (k, neurons) points: the layer's outputs along it
    points: np.ndarray                  # the training samples there, (samples, neurons)
    classes: np.ndarray                 # each sample's first target

    def axes(self, i: int = 0, j: int = 1) -> tuple[list[np.ndarray], np.ndarray]:
        """The lines and points seen on two of the layer's neurons (one neuron: against itself)."""
        j = j if j < len(self.neurons) else i
        return [line[:, [i, j]] for line in self.lines], self.points[:, [i, j]]


def bent_planes(model: Model, params: Mapping[str, float], lines: int = 11, per_line: int = 60) -> list[BentPlane]:
    """The input plane's grid lines and the training samples after each hidden
    layer (the layer's outputs as the axes): how each layer bends the plane."""
    dense, spec = _dense(model)
    if len(spec.inputs) != 2:
        raise ValueError(f"bending the input plane needs two inputs; {model.title or 'the model'} has "
                         f"{len(spec.inputs)}")
    (x0, x1), (y0, y1) = input_box(model)
    t = np.linspace(0.0, 1.0, per_line)
    pts = []
    for a in np.linspace(0.0, 1.0, lines):
        pts.append(np.column_stack([x0 + (x1 - x0) * t, np.full(per_line, y0 + (y1 - y0) * a)]))
        pts.append(np.column_stack([np.full(per_line, x0 + (x1 - x0) * a), y0 + (y1 - y0) * t]))
    grid = np.concatenate(pts)
    X = model.data.matrix(spec.inputs)
    T = model.data.matrix(spec.targets) if spec.targets and model.data.columns else np.zeros((len(X), 1))
    theta = dense.theta(params)
    with np.errstate(all="ignore"):
        gcache = dense.forward(theta, grid)
        scache = dense.forward(theta, X)
    out = []
    hidden = len(spec.layers) - 1
    for l in range(hidden + 1):
        A = gcache[l][1]
        names = tuple(spec.inputs) if l == 0 else tuple(spec.layers[l - 1].neurons)
        out.append(BentPlane(l, names, [A[k * per_line:(k + 1) * per_line] for k in range(2 * lines)],
                             scache[l][1], T[:, 0] if T.shape[1] else np.zeros(len(X))))
    return out


# -- pixel pictures ---------------------------------------------------------------------
def square_side(count: int) -> int | None:
    """The side of a square image of ``count`` pixels (4 -> 2), or None."""
    side = math.isqrt(count)
    return side if side * side == count and side >= 2 else None


def pixel_image(values) -> np.ndarray:
    """A sample's pixels (row by row) as a (side, side) array, brightness -1..+1."""
    v = np.asarray(values, dtype=float)
    side = square_side(v.size)
    if side is None:
        raise ValueError(f"{v.size} pixels do not make a square image")
    return v.reshape(side, side)


def weight_image(spec: LayeredSpec, params: Mapping[str, float], neuron: str) -> np.ndarray:
    """A first-layer neuron's weights as a (side, side) image: +1 white, -1 black,
    a missing connection 0 (grey), as the seed draws them."""
    layer = spec.layers[0]
    row = layer.weights[layer.neurons.index(neuron)]
    return pixel_image([0.0 if w is None else float(params[w]) for w in row])
