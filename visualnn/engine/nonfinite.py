"""Where an infinite or NaN number first appears, in the lecture's words:
``log(0) = -∞ at net_o1``.

Non-finite numbers are data, not crashes: the trace records them, and this
module names the operation that turned finite inputs into a non-finite value
(forward) or a non-finite local gradient (backward), so a training run that
stops can say what happened instead of guessing at the learning rate.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np

from .graph import Graph
from .textfmt import fmt
from .trace import Step, first_non_finite


def describe(op: str, node: str, inputs, result, local_of: str | None = None, digits: int = 6) -> str:
    """``log(0) = -∞ at net_o1``, or for a local gradient
    ``the local gradient ∂s/∂x of sqrt(0) = ∞ at s``."""
    call = f"{op}({', '.join(fmt(x, digits) for x in inputs)})"
    if local_of is not None:
        return f"the local gradient ∂{node}/∂{local_of} of {call} = {fmt(result, digits)} at {node}"
    return f"{call} = {fmt(result, digits)} at {node}"


def in_steps(steps: list[Step], digits: int = 6) -> str | None:
    """The first non-finite number of a recorded trace, described (None: all finite)."""
    hit = first_non_finite(steps)
    if hit is None:
        return None
    s, k = hit
    assert s.node is not None             # a forward or backward step: it names its node
    if k is None:
        return describe(s.op, s.node, s.input_values, s.value, digits=digits)
    e = s.edges[k]
    # the inputs' values live on the forward step of the same node
    ins = next((f.input_values for f in steps if f.phase in ("forward", "loss") and f.node == s.node), ())
    return describe(s.op, s.node, ins, e.local, local_of=e.src, digits=digits)


def _first_bad(v, xs) -> int | None:
    """The first sample where ``v`` is not finite but every input is."""
    v = np.atleast_1d(np.asarray(v, dtype=float))
    ok_in = np.ones(v.shape, dtype=bool)
    for x in xs:
        ok_in &= np.isfinite(np.broadcast_to(np.asarray(x, dtype=float), v.shape))
    where = np.flatnonzero(~np.isfinite(v) & ok_in)
    return int(where[0]) if where.size else None


def _at(x, shape, k):
    return float(np.broadcast_to(np.asarray(x, dtype=float), shape).reshape(-1)[k])


def in_batch(graph: Graph, params: Mapping[str, float], feeds: Mapping[str, np.ndarray]) -> str | None:
    """Run ``graph`` on a batch and describe the first operation that made an
    infinite or NaN value or local gradient out of finite numbers, with the
    sample it happened on (None: everything finite)."""
    P = {k: np.array([float(v)]) for k, v in params.items()}
    with np.errstate(all="ignore"):
        values: dict = {}
        for name, v in graph.step_forward(P, feeds, values):
            n = graph.nodes[name]
            if n.is_leaf:
                continue
            xs = [values[i] for i in n.inputs]
            k = _first_bad(v, xs)
            if k is not None:
                shape = np.atleast_1d(v).shape
                return describe(n.op, name, [_at(x, shape, k) for x in xs], _at(v, shape, k)) + f" (sample {k})"
        return _in_backward(graph, P, values)


def _in_backward(graph: Graph, P, values) -> str | None:
    for b in graph.walk_backward(P, values):
        n = graph.nodes[b.node]
        xs = [values[i] for i in n.inputs]
        for src, loc in zip(n.inputs, b.local):
            shape = np.broadcast_shapes(np.shape(loc), np.shape(b.upstream))
            k = _first_bad(np.broadcast_to(loc, shape), xs + [b.upstream])
            if k is not None:
                return describe(n.op, b.node, [_at(x, shape, k) for x in xs], _at(loc, shape, k),
                                local_of=src) + f" (sample {k})"
    return None
