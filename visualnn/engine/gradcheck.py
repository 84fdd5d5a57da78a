"""Check backprop against the numerical gradient (finite differences), as
the lecture recommends: nudge one number by +-eps, watch the objective.

The objective is the one ``Graph.backward`` differentiates, seeded the same
way: the mean of the loss over the samples, or, for a graph without a loss,
the sum of its outputs (each output value seeded with 1).
"""
from __future__ import annotations

import math
from typing import Mapping, NamedTuple

import numpy as np

from .graph import Graph
from .model import Model
from .ops import OPS


class GradRow(NamedTuple):
    name: str
    backprop: float
    numerical: float
    relative_error: float


TOLERANCE = 1e-5     # backprop and finite differences agree below this relative error


def relative_error(a: float, b: float, floor: float = 1e-8) -> float:
    """|a - b| / max(|a|, |b|); gradients smaller than ``floor`` are compared
    against ``floor`` (finite differences cannot resolve less).  Infinite or
    NaN gradients cannot be checked: their error is infinite."""
    if not (math.isfinite(a) and math.isfinite(b)):
        return math.inf
    return float(abs(a - b) / max(abs(a), abs(b), floor))


def _graph(model_or_graph) -> Graph:
    return model_or_graph.graph if isinstance(model_or_graph, Model) else model_or_graph


def _batch(feeds: Mapping[str, np.ndarray]) -> int:
    return max((v.shape[-1] for v in feeds.values() if v.ndim), default=1)


def _prepare(graph: Graph, params, feeds):
    P = {k: np.atleast_1d(np.asarray(v, dtype=float)) for k, v in params.items()}
    F = {k: np.atleast_1d(np.asarray(v, dtype=float)) for k, v in feeds.items()}
    return P, F


def objective_terms(graph: Graph, params: Mapping, feeds: Mapping,
                    nudge: Mapping[str, float] | None = None) -> list[np.ndarray]:
    """The objective as ``Graph.backward`` seeds it: one array per start node
    (the loss, or each output), ``seed * value``; their total is the objective."""
    values = graph.forward(params, feeds, nudge=nudge)
    seed = graph.default_seed(values)
    return [seed[k] * np.asarray(values[k], dtype=float) for k in seed]


def numerical_gradient(model_or_graph, params: Mapping[str, float], feeds: Mapping[str, object], name: str,
                       eps: float = 1e-6, stencil: int = 2):
    """d objective / d ``name`` by finite differences.

    ``name`` is a parameter (returns a float), an input or target, or an op
    node inside the graph (its value nudged as it is computed, the rest of
    the graph following) — the last two return one number per sample, like
    ``Graph.backward``'s node gradients: the samples are independent, so
    nudging all of them at once gives each one's derivative.  ``stencil=2`` is the central difference
    (f(x+e) - f(x-e)) / 2e; ``stencil=4`` the fourth-order
    (f(x-2e) - 8f(x-e) + 8f(x+e) - f(x+2e)) / 12e.
    """
    graph = _graph(model_or_graph)
    P, F = _prepare(graph, params, feeds)
    if name in P:
        where = P
    elif name in F:
        where = F
    elif name in graph.nodes and graph.nodes[name].op not in ("param", "input", "target", "const"):
        where = {}                        # an op node: nudged inside the forward pass
    else:
        raise ValueError(f"{name!r} is not a parameter, input, target or op node of the graph")
    x0 = where.get(name)
    B = (x0.shape[-1] if where is F else 1) if x0 is not None else _batch(F)

    def at(h):
        if x0 is None:
            terms = objective_terms(graph, P, F, nudge={name: h})
        else:
            where[name] = x0 + h
            try:
                terms = objective_terms(graph, P, F)
            finally:
                where[name] = x0
        if where is P:
            return sum(float(np.sum(t)) for t in terms)
        # samples are independent: each sample's terms depend on its own input only
        return sum(np.broadcast_to(t, t.shape[:-1] + (B,)) if t.ndim else np.full(B, float(t)) for t in terms)

    if stencil == 2:
        d = (at(eps) - at(-eps)) / (2 * eps)
    elif stencil == 4:
        d = (at(-2 * eps) - 8 * at(-eps) + 8 * at(eps) - at(2 * eps)) / (12 * eps)
    else:
        raise ValueError(f"stencil must be 2 or 4, got {stencil}")
    return float(d) if where is P else np.asarray(d, dtype=float)


def kink_distances(graph: Graph, values: Mapping[str, np.ndarray]) -> dict[str, float]:
    """For each node whose op has a kink (relu at 0, a max between tied
    inputs, ...; each op says where its kinks are), how close its inputs come
    to it over all samples.  Finite differences are meaningless within eps of a kink."""
    out = {}
    for name in graph.order:
        n = graph.nodes[name]
        kink = None if n.is_leaf else OPS[n.op].kink
        if kink is None:
            continue
        d = kink([np.asarray(values[i], dtype=float) for i in n.inputs], n.attrs)
        out[name] = float(np.min(d)) if np.size(d) else float("inf")
    return out


def backprop_gradients(model_or_graph, params: Mapping[str, float], feeds: Mapping[str, object]):
    """(node gradients, parameter gradients) from ``Graph.backward``."""
    graph = _graph(model_or_graph)
    P, F = _prepare(graph, params, feeds)
    values = graph.forward(P, F)
    return graph.backward(P, values)


def _feeds(model: Model, sample_index: int | None) -> dict[str, np.ndarray]:
    cols = model.data.columns
    needed = model.graph.feeds_needed()
    if not needed:
        return {}
    missing = [n for n in needed if n not in cols]
    if missing:
        raise ValueError(f"the data has no column for {', '.join(missing)}")
    if sample_index is None:
        return {n: np.asarray(cols[n], dtype=float) for n in needed}
    n = len(model.data)
    if not 0 <= sample_index < n:
        raise IndexError(f"sample {sample_index} out of range 0..{n - 1}")
    return {k: np.asarray(cols[k], dtype=float)[sample_index:sample_index + 1] for k in needed}


def gradcheck(model: Model, sample_index: int | None = None, inputs: bool = False, eps: float = 1e-6,
              params: Mapping[str, float] | None = None) -> list[GradRow]:
    """Backprop versus central differences for every parameter (and, with
    ``inputs=True``, every input of the selected sample(s), summed over
    samples), over the whole data set or the one sample ``sample_index``."""
    with np.errstate(all="ignore"):
        return _gradcheck(model, sample_index, inputs, eps, params)


def _gradcheck(model, sample_index, inputs, eps, params) -> list[GradRow]:
    p = dict(model.params)
    p.update(params or {})
    feeds = _feeds(model, sample_index)
    grads, pgrads = backprop_gradients(model, p, feeds)
    rows = []
    for name in model.graph.param_names:
        b = float(np.sum(pgrads[name]))
        nm = numerical_gradient(model, p, feeds, name, eps)
        rows.append(GradRow(name, b, nm, relative_error(b, nm)))
    if inputs:
        for name in model.graph.inputs:
            b = float(np.sum(grads.get(name, 0.0)))
            nm = float(np.sum(numerical_gradient(model, p, feeds, name, eps)))
            rows.append(GradRow(name, b, nm, relative_error(b, nm)))
    return rows
