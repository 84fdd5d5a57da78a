"""An expression of ``Value``s as the engine's graph, model and file document.

``build(root)`` names every node (the name given, or a short one made from
its op: ``add1``, ``mul2``, ``p1``), and returns the ``Graph`` with the
parameter values and the one sample of inputs and targets.  ``document_of``
wraps that as the ``io.Document`` the app opens and ``io.save`` writes.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine.graph import Graph, Node
from ..engine.model import Dataset, Model, TrainingSettings
from ..engine.ops import OPS
from ..engine.trace import record
from ..io.document import Document
from .value import Value, topological

DEFAULT_TITLE = "An expression"
LEAF_PREFIX = {"param": "p", "input": "x", "target": "t"}


@dataclass
class Built:
    """An expression as the engine sees it."""
    graph: Graph
    params: dict[str, float]
    sample: dict[str, float]
    names: dict[int, str]            # id(Value) -> its node or parameter name
    values: list[Value]              # every node, then the weights that are no node


class _Namer:
    """Unique names: the one given, else the op's name and a count; clashes get _2, _3."""

    def __init__(self):
        self.used: set[str] = set()
        self.counts: dict[str, int] = {}
        self.suffix: dict[str, int] = {}

    def __call__(self, v: Value) -> str:
        if v.name:
            base = v.name
        elif v.kind == "const":
            base = f"{v.data:g}"
        else:
            prefix = LEAF_PREFIX.get(v.kind, v.op)
            self.counts[prefix] = self.counts.get(prefix, 0) + 1
            base = f"{prefix}{self.counts[prefix]}"
        name, k = base, self.suffix.get(base, 1)
        while name in self.used:          # each base resumes where it stopped: n copies cost n, not n²
            k += 1
            name = f"{base}_{k}"
        self.suffix[base] = k
        self.used.add(name)
        return name


def build(root: Value, cost: bool | None = None) -> Built:
    """The graph of ``root`` and everything it depends on; its output is ``root``.
    ``cost``: minimise ``root`` (an update step follows the backward pass); None:
    only when ``root`` is a loss."""
    if not isinstance(root, Value):
        raise TypeError(f"expected a Value (an expression built from visualnn.Value), got {type(root).__name__}")
    order = topological(root)
    name_of = _Namer()
    names: dict[int, str] = {}
    values: list[Value] = []
    weights: list[Value] = []
    for v in order:
        names[id(v)] = name_of(v)
        values.append(v)
    for v in order:
        for w in v.weights:
            if w is not None and id(w) not in names:
                if w.kind != "param":
                    raise ValueError(f"the weight on an edge into {names[id(v)]} is a {w.kind}; "
                                     f"edge weights are parameters")
                names[id(w)] = name_of(w)
                weights.append(w)
    nodes = [_node(v, names) for v in order]
    graph = Graph(nodes, output=names[id(root)])
    is_loss = not root.is_leaf and OPS[root.op].kind == "loss"
    graph.cost_output = bool(cost) and not is_loss
    graph.validate()
    params = {names[id(v)]: v.data for v in values + weights if v.kind == "param"}
    sample = {names[id(v)]: v.data for v in values if v.kind in ("input", "target")}
    return Built(graph, params, sample, names, values + weights)


def _node(v: Value, names: dict[int, str]) -> Node:
    name = names[id(v)]
    if v.is_leaf:
        return Node(name, v.kind, value=v.data if v.kind == "const" else 0.0, layer=v.layer, group=v.group)
    ws = tuple(None if w is None else names[id(w)] for w in v.weights)
    return Node(name, v.op, tuple(names[id(x)] for x in v.inputs), ws, dict(v.attrs), layer=v.layer, group=v.group)


def model_of(built: Built, title: str = DEFAULT_TITLE, learning_rate: float = 0.5, optimizer: str = "sgd") -> Model:
    data = Dataset({k: np.array([v]) for k, v in built.sample.items()})
    return Model(title, built.graph, dict(built.params), data=data,
                 training=TrainingSettings(learning_rate=float(learning_rate), optimizer=optimizer))


def document_of(root: Value, title: str = DEFAULT_TITLE, cost: bool | None = None, learning_rate: float = 0.5,
                optimizer: str = "sgd") -> Document:
    """The file document of an expression: what ``visualnn.save`` writes and the window opens."""
    return Document(model=model_of(build(root, cost), title, learning_rate, optimizer))


def trace_values(root: Value):
    """(value, d root / d value) for every value of the expression, by the engine's
    recorded backward pass (parameters: their gradient as a weight and as a node)."""
    b = build(root)
    tr = record(b.graph, b.params, b.sample)
    for v in b.values:
        name = b.names[id(v)]
        yield v, tr.param_gradients[name] if v.kind == "param" else tr.gradients.get(name, 0.0)
