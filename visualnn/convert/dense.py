"""A stack of fully connected layers, from whatever file it came in, as a layered network document.

The readers (PyTorch, ONNX, NumPy) turn a file into a list of ``Piece``s in
order: a dense layer (weight matrix, bias) or an activation.  ``fold`` pairs
each dense layer with the activation after it (none: linear); ``to_document``
names everything as a ``"sizes"`` network file does (inputs x1.., hidden
neurons h<layer>_<j>, outputs y1.., weights w_<from>_<to>, biases b_<neuron>)
and returns the ``io.Document`` the app opens and ``io.save`` writes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..engine.model import Dataset, Model, TrainingSettings
from ..engine.network import Layer, LayeredSpec, auto_names, compile_layered
from ..engine.ops import ACTIVATIONS, LOSSES
from ..io.document import Document


class ImportRefused(ValueError):
    """A model visualnn cannot show: the message names the file, the layer and why."""


class ActivationsNeeded(ImportRefused):
    """A file of weights only (a state dict, an .npz without ``activations``): ``layers`` activations are needed."""

    def __init__(self, message: str, layers: int):
        super().__init__(message)
        self.layers = layers


@dataclass
class Piece:
    name: str                               # where it is in the file (a module path, an ONNX node)
    kind: str                               # "dense" | "activation"
    weight: np.ndarray | None = None        # (outputs, inputs)
    bias: np.ndarray | None = None
    activation: str = "linear"
    attrs: dict = field(default_factory=dict)


@dataclass
class DenseLayer:
    name: str
    weight: np.ndarray
    bias: np.ndarray | None
    activation: str = "linear"
    attrs: dict = field(default_factory=dict)


def dense(name: str, weight, bias, source: str) -> Piece:
    W = np.asarray(weight, dtype=float)
    if W.ndim != 2:
        shape = "x".join(map(str, W.shape))
        what = "a convolution's kernel" if W.ndim in (3, 4, 5) else f"a {W.ndim}-D array"
        raise ImportRefused(f"{source}: layer {name!r} has a weight of shape {shape} ({what}); "
                            f"visualnn shows fully connected layers, whose weight is a matrix")
    b = None if bias is None else np.asarray(bias, dtype=float).reshape(-1)
    if b is not None and b.shape[0] != W.shape[0]:
        raise ImportRefused(f"{source}: layer {name!r} has {W.shape[0]} outputs but {b.shape[0]} biases")
    return Piece(name, "dense", W, b)


def activation(name: str, op: str, source: str, **attrs) -> Piece:
    if op not in ACTIVATIONS and op not in ("linear", "softmax"):
        raise ImportRefused(f"{source}: {name!r}: the engine has no activation {op!r}")
    return Piece(name, "activation", activation=op, attrs=attrs)


def fold(pieces: list[Piece], source: str) -> list[DenseLayer]:
    """Each dense layer with the activation right after it."""
    layers: list[DenseLayer] = []
    open_layer = False
    for p in pieces:
        if p.kind == "dense":
            assert p.weight is not None
            if layers and layers[-1].weight.shape[0] != p.weight.shape[1]:
                raise ImportRefused(f"{source}: layer {p.name!r} takes {p.weight.shape[1]} inputs but the layer "
                                    f"before it gives {layers[-1].weight.shape[0]}")
            layers.append(DenseLayer(p.name, p.weight, p.bias))
            open_layer = True
        elif p.activation != "linear":
            if not layers:
                raise ImportRefused(f"{source}: {p.name!r} ({p.activation}) comes before any fully connected "
                                    f"layer; a neuron applies its activation to its weighted sum")
            if not open_layer:
                raise ImportRefused(f"{source}: {p.name!r} ({p.activation}) follows {layers[-1].activation} "
                                    f"with no layer between; a neuron applies one activation")
            layers[-1].activation, layers[-1].attrs = p.activation, dict(p.attrs)
            open_layer = False
    if not layers:
        raise ImportRefused(f"{source}: no fully connected layer found")
    for L in layers[:-1]:
        if L.activation == "softmax":
            raise ImportRefused(f"{source}: {L.name!r} is followed by a softmax inside the network; "
                                f"visualnn has a softmax on the output layer only")
    return layers


def to_document(layers: list[DenseLayer], title: str, inputs: np.ndarray | None = None,
                targets: np.ndarray | None = None, loss: str | None = None) -> Document:
    """The layered network file of ``layers``, with samples (one row each) when given."""
    sizes = [layers[0].weight.shape[1]] + [L.weight.shape[0] for L in layers]
    in_names, neuron_names = auto_names(sizes)
    spec_layers, params = [], {}
    prev = in_names
    for L, names in zip(layers, neuron_names):
        rows = [[f"w_{src}_{n}" for src in prev] for n in names]
        for j, row in enumerate(rows):
            params.update({w: float(L.weight[j, i]) for i, w in enumerate(row)})
        biases = [f"b_{n}" for n in names] if L.bias is not None else [None] * len(names)
        if L.bias is not None:
            params.update({b: float(v) for b, v in zip(biases, L.bias)})
        spec_layers.append(Layer(list(names), L.activation, rows, biases, dict(L.attrs)))
        prev = names
    if loss is None and targets is not None:
        loss = "mse"
    if loss is not None and loss not in LOSSES:
        raise ImportRefused(f"unknown loss {loss!r}; one of {', '.join(LOSSES)}")
    target_names = [f"target_{n}" for n in prev] if loss else []
    spec = LayeredSpec(in_names, spec_layers, loss, target_names, "loss")
    cols = {}
    if inputs is not None:
        X = np.atleast_2d(np.asarray(inputs, dtype=float))
        if X.shape[1] != sizes[0]:
            raise ImportRefused(f"the data has {X.shape[1]} input columns but the network takes {sizes[0]} inputs")
        cols.update({n: X[:, i] for i, n in enumerate(in_names)})
        if targets is not None:
            T = np.asarray(targets, dtype=float).reshape(len(X), -1)
            if T.shape[1] != sizes[-1]:
                raise ImportRefused(f"the data has {T.shape[1]} target columns but the network has "
                                    f"{sizes[-1]} outputs")
            cols.update({n: T[:, j] for j, n in enumerate(target_names)})
    if loss and not cols:
        raise ImportRefused("a loss needs samples with targets (--data)")
    if not cols:
        cols = {n: np.zeros(1) for n in in_names}      # no samples given: one at input 0, to edit in the window
    model = Model(title, compile_layered(spec), params, spec=spec, data=Dataset(cols), training=TrainingSettings())
    return Document(model=model)
