"""Neurons, layers and a multilayer perceptron, as small as micrograd's.

``MLP([2, 16, 16, 1])`` draws its weights as micrograd does (``random.uniform(-1, 1)``
for each weight, in the same order, bias 0), so after ``random.seed(s)`` both
libraries start from the same numbers.  A neuron is one ``weighted_sum`` node
(the weights ride on its edges, the bias comes in as a parameter) followed by
its activation node: exactly what the layered network file compiles to, with
the same names (``net_h1_1``, ``out_y1``, ``w_x1_h1_1``, ``b_h1_1``), so
``mlp.document(...)`` opens as the layered network that expression is.
"""
from __future__ import annotations

import random
from typing import Sequence

import numpy as np

from ..engine.model import Dataset, Model, TrainingSettings
from ..engine.network import Layer as SpecLayer
from ..engine.network import LayeredSpec, auto_names, compile_layered, net_name, out_name
from ..engine.ops import ACTIVATIONS, LOSSES
from ..io.document import Document
from .value import Value, as_value, weighted_sum


class Module:
    def parameters(self) -> list[Value]:
        return []

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0


class Neuron(Module):
    def __init__(self, inputs: Sequence[str], name: str, activation: str = "relu", column: int = 1,
                 rng: random.Random | None = None):
        uniform = (rng or random).uniform
        self.name, self.activation, self.column = name, activation, column
        self.input_names = list(inputs)
        self.w = [Value(uniform(-1, 1), f"w_{i}_{name}") for i in inputs]
        self.b = Value(0.0, f"b_{name}")
        self.b.layer = 2 * column - 2

    def __call__(self, xs: Sequence[Value]) -> Value:
        net = weighted_sum(list(xs) + [self.b], list(self.w) + [None], name=net_name(self.name))
        out = net.activate(self.activation)
        out.name = out_name(self.name)
        for v, col in ((net, 2 * self.column - 1), (out, 2 * self.column)):
            v.layer, v.group = col, self.name
        return out

    def parameters(self) -> list[Value]:
        return self.w + [self.b]

    def __repr__(self) -> str:
        return f"{self.activation} Neuron({len(self.w)})"


class Layer(Module):
    def __init__(self, inputs: Sequence[str], names: Sequence[str], activation: str = "relu", column: int = 1,
                 rng: random.Random | None = None):
        self.neurons = [Neuron(inputs, n, activation, column, rng) for n in names]

    def __call__(self, xs: Sequence[Value]) -> list[Value]:
        return [n(xs) for n in self.neurons]

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """A fully connected network of ``sizes`` (inputs first): ``activation`` in the
    hidden layers, ``output`` in the last (micrograd: relu, then linear)."""

    def __init__(self, sizes: Sequence[int], activation: str = "relu", output: str = "linear",
                 seed: int | None = None):
        if len(sizes) < 2 or any(int(s) < 1 for s in sizes):
            raise ValueError(f"expected the sizes of the inputs and at least one layer, each at least 1, got {sizes}")
        for a in (activation, output):
            if a not in ACTIVATIONS and a != "linear":
                raise ValueError(f"unknown activation {a!r}; one of {', '.join(ACTIVATIONS)}")
        self.sizes = [int(s) for s in sizes]
        rng = random.Random(seed) if seed is not None else None
        self.inputs, names = auto_names(self.sizes)
        prev = self.inputs
        self.layers = []
        for l, layer_names in enumerate(names, start=1):
            act = output if l == len(names) else activation
            self.layers.append(Layer(prev, layer_names, act, l, rng))
            prev = layer_names

    def __call__(self, x: Sequence[float | Value]) -> Value | list[Value]:
        if len(x) != self.sizes[0]:
            raise ValueError(f"the network takes {self.sizes[0]} inputs, got {len(x)}")
        xs = []
        for name, xi in zip(self.inputs, x):
            v = as_value(xi, "input")
            if not isinstance(xi, Value):
                v.name, v.layer = name, 0
            xs.append(v)
        for layer in self.layers:
            xs = layer(xs)
        return xs[0] if len(xs) == 1 else xs

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"

    # -- the layered network file --------------------------------------------------------------
    def spec(self, loss: str | None = "squared_error") -> LayeredSpec:
        layers = [SpecLayer([n.name for n in L.neurons], L.neurons[0].activation,
                            [[w.name for w in n.w] for n in L.neurons], [n.b.name for n in L.neurons])
                  for L in self.layers]
        outs = layers[-1].neurons
        if loss is not None and loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}; one of {', '.join(LOSSES)}")
        targets = [f"target_{o}" for o in outs] if loss else []
        return LayeredSpec(list(self.inputs), layers, loss, targets, "loss")

    def document(self, inputs=None, targets=None, loss: str | None = "squared_error", learning_rate: float = 0.5,
                 optimizer: str = "sgd", title: str = "A multilayer perceptron") -> Document:
        """The network as a layered network file with its weights now, and the
        samples ``inputs`` (one row per sample) with their ``targets``."""
        spec = self.spec(loss if targets is not None else None)
        params = {p.name: p.data for p in self.parameters()}
        cols: dict[str, np.ndarray] = {}
        if inputs is not None:
            X = np.atleast_2d(np.asarray(inputs, dtype=float))
            cols.update({n: X[:, i] for i, n in enumerate(spec.inputs)})
            if targets is not None and spec.loss:
                T = np.asarray(targets, dtype=float).reshape(len(X), -1)
                cols.update({n: T[:, j] for j, n in enumerate(spec.targets)})
        model = Model(title, compile_layered(spec), params, spec=spec, data=Dataset(cols),
                      training=TrainingSettings(learning_rate=float(learning_rate), optimizer=optimizer))
        return Document(model=model)
