"""The trace: one sample run through the graph, as an ordered list of steps.

Every forward operation in topological order, the loss, then every backward
operation in reverse order.  A backward step records, per input edge, the
local gradient, the upstream gradient, their product and the running sum at
the receiving node, so a viewer can show "gradient = local x upstream" and
gradients adding up at branches.  The ``Stepper`` moves a cursor over traces
and an update step, and can rebuild the exact state after any number of steps.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from .graph import BackwardOp, Graph


@dataclass(frozen=True)
class EdgeGradient:
    src: str
    dst: str
    local: float
    upstream: float
    gradient: float                  # local x upstream, sent back along the edge
    accumulated: float               # the running sum at ``src`` after adding it
    param: str | None = None         # parameter this edge carries (weight, or a parameter leaf)
    param_gradient: float | None = None
    src_param: bool = False          # ``src`` is itself a parameter (its gradient grows by ``gradient``)
    param_total: float | None = None  # d objective / d ``param`` so far, this edge included
    src_total: float | None = None    # the same for ``src`` when it is a parameter leaf on a weighted edge

    def to_json(self) -> dict:
        return {"from": self.src, "to": self.dst, "local": self.local, "upstream": self.upstream,
                "gradient": self.gradient, "accumulated": self.accumulated,
                "param": self.param, "param_gradient": self.param_gradient}


@dataclass(frozen=True)
class Step:
    index: int
    phase: str                       # forward | loss | backward | update
    node: str | None
    op: str
    inputs: tuple[str, ...] = ()
    input_values: tuple[float, ...] = ()
    weights: tuple[str | None, ...] = ()
    weight_values: tuple[float | None, ...] = ()
    value: float | None = None       # forward: the node's new value
    upstream: float | None = None    # backward: d objective / d node
    edges: Sequence[EdgeGradient] = ()   # a tuple, or LazyEdges (made when first read)
    updates: Sequence[tuple[str, float, float, float]] = ()  # update: (param, old, gradient, new); or LazyUpdates

    def to_json(self) -> dict:
        if self.phase in ("forward", "loss"):
            return {"index": self.index, "phase": self.phase, "node": self.node, "op": self.op,
                    "inputs": list(self.inputs), "value": self.value}
        if self.phase == "backward":
            return {"index": self.index, "phase": "backward", "node": self.node, "op": self.op,
                    "upstream": self.upstream, "edges": [e.to_json() for e in self.edges]}
        return {"index": self.index, "phase": "update", "node": None, "op": self.op,
                "updates": [{"param": p, "value": o, "gradient": g, "new": n} for p, o, g, n in self.updates]}


@dataclass
class Trace:
    graph: Graph
    params: dict[str, float]
    sample: dict[str, float]
    steps: list[Step]
    values: dict[str, float]
    gradients: dict[str, float]
    param_gradients: dict[str, float]

    @property
    def loss(self) -> float | None:
        return self.values[self.graph.loss] if self.graph.loss else None

    @property
    def objective(self) -> float | None:
        """The value of the node the backward pass starts at (when it is one node)."""
        starts = self.graph.start
        return self.values[starts[0]] if len(starts) == 1 else None

    def result_json(self) -> dict:
        starts = self.graph.start
        return {
            "loss": self.loss,
            "objective": {"node": starts[0], "value": self.values[starts[0]]} if len(starts) == 1 else None,
            "output": {o: self.values[o] for o in self.graph.outputs},
            "values": dict(self.values),
            "gradients": dict(self.gradients),
            "params": {p: {"value": self.params[p], "gradient": self.param_gradients.get(p, 0.0),
                           **({"trainable": False} if p in self.graph.frozen else {})}
                       for p in self.graph.param_names},
        }


NON_FINITE_TOKENS = {"inf": float("inf"), "-inf": float("-inf"), "nan": float("nan")}


def json_number(x):
    """A number for JSON: non-finite floats become the documented strings
    ``"inf"``, ``"-inf"`` and ``"nan"`` (JSON has no tokens for them)."""
    if isinstance(x, float) and not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    return x


def json_safe(obj):
    """``obj`` (dicts, lists, numbers, strings) with every non-finite float
    replaced by its token, so ``json.dumps(..., allow_nan=False)`` never fails."""
    if isinstance(obj, dict):
        return {k: json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    return json_number(obj)


def _f(x) -> float:
    return float(np.asarray(x).reshape(-1)[0])


def _one(x) -> float:
    """The one number of a one-sample value (``_f``, without its copies)."""
    return x.item() if isinstance(x, np.ndarray) and x.size == 1 else _f(x)


def record(graph: Graph, params: Mapping[str, float], sample: Mapping[str, float]) -> Trace:
    """Run one sample forward and backward, recording every operation.
    Infinite and NaN values and gradients are recorded like any other number."""
    with np.errstate(all="ignore"):
        plan = plan_of(graph)
        if plan is not None and all(k in sample for k in plan.feeds):
            return record_layers(graph, plan, params, sample)     # a layered network: a layer at a time
        return _record(graph, params, sample)


def _record(graph: Graph, params: Mapping[str, float], sample: Mapping[str, float]) -> Trace:
    """The trace by the graph walk, node by node: the records are read from what
    ``walk_backward`` sent (``graph.send`` adds the gradients up)."""
    P = {k: np.array([float(v)]) for k, v in params.items()}
    feeds = {k: np.array([float(v)]) for k, v in sample.items()}
    steps: list[Step] = []
    values: dict[str, np.ndarray] = {}
    fv: dict[str, float] = {}             # every value as a float, converted once
    _forward_steps(graph, P, feeds, params, values, fv, steps)
    seed = graph.default_seed(values)
    totals = _Totals(graph, {k: _f(v) for k, v in seed.items()})   # every node's gradient, in the order reached
    for b in graph.walk_backward(P, values, seed):
        n = graph.nodes[b.node]
        up = _f(b.upstream)
        steps.append(Step(index=len(steps), phase="backward", node=b.node, op=n.op, inputs=n.inputs,
                          weights=n.weights, upstream=up, edges=tuple(totals.edges(b, up))))
    return Trace(graph, {p: float(params[p]) for p in graph.param_names}, dict(sample), steps, dict(fv),
                 totals.nodes, {p: totals.of(p) for p in graph.param_names})


class _Totals:
    """The walk's running sums as floats, and the edge records read from them."""

    def __init__(self, graph: Graph, seeds: dict[str, float]):
        self.graph, self.nodes = graph, seeds
        self.weights: dict[str, float] = {}

    def of(self, p: str) -> float:
        """d objective / d parameter ``p`` so far: as a weight plus as a node (a leaf), 0 if frozen.
        0 + x: the sum as one that starts at 0 (never -0.0)."""
        if p in self.graph.frozen:
            return 0.0
        w = self.weights.get(p)
        node = self.graph.nodes.get(p)
        leaf = self.nodes.get(p) if node is not None and node.op == "param" else None
        if w is None or leaf is None:
            return 0.0 + (leaf if w is None and leaf is not None else w if w is not None else 0.0)
        return 0.0 + (w + leaf)

    def edges(self, b: BackwardOp, up: float) -> list[EdgeGradient]:
        """One backward step's edge records (none to a target: the lecture sends nothing back to them)."""
        nodes, frozen = self.graph.nodes, self.graph.frozen
        k = len(b.sent)
        out = []
        # one sample: every local gradient is one number; the products are the
        # same float64 multiplications numpy does on one-element arrays
        for s, loc, wl in zip(b.sent, _floats(b.local, k), _floats(b.weight_local, k)):
            src, w = s.src, s.weight
            acc = self.nodes[src] = _one(s.accumulated)
            if w is not None and s.weight_total is not None:
                self.weights[w] = _one(s.weight_total)
            op = nodes[src].op
            if op == "target":
                continue
            g = loc * up
            param, pg = None, None
            src_param = op == "param" and src not in frozen
            if w is not None and w not in frozen:
                param, pg = w, wl * up
            elif src_param:
                param, pg = src, g
            out.append(EdgeGradient(src, b.node, loc, up, g, acc, param, pg, src_param,
                                    None if param is None else self.of(param),
                                    self.of(src) if src_param and param != src else None))
        return out


def _forward_steps(graph: Graph, P, feeds, params: Mapping[str, float], values: dict[str, np.ndarray],
                   fv: dict[str, float], steps: list[Step]) -> None:
    """The forward (and loss) steps, one per op node; every value as a float in ``fv``."""
    nodes, loss = graph.nodes, graph.loss
    for name, v in graph.step_forward(P, feeds, values):
        n = nodes[name]
        fv[name] = _f(v)
        if n.is_leaf:
            continue
        steps.append(Step(
            index=len(steps), phase="loss" if name == loss else "forward", node=name, op=n.op,
            inputs=n.inputs, input_values=tuple(fv[i] for i in n.inputs),
            weights=n.weights, weight_values=tuple(None if w is None else float(params[w]) for w in n.weights),
            value=fv[name]))


def first_non_finite(steps) -> tuple[Step, int | None] | None:
    """The step that first produced an infinite or NaN number from finite ones:
    (a forward step, None) for a value, (a backward step, edge index) for a
    local gradient; None when every number is finite or came in non-finite."""
    for s in steps:
        if s.phase in ("forward", "loss"):
            if not _finite(s.value) and all(_finite(x) for x in s.input_values) \
                    and all(w is None or _finite(w) for w in s.weight_values):
                return s, None
        elif s.phase == "backward" and _finite(s.upstream):
            for k, e in enumerate(s.edges):
                if not _finite(e.local):
                    return s, k
    return None


def _finite(x) -> bool:
    return x is None or math.isfinite(x)


def _floats(xs, k: int) -> list:
    """One float per entry (None stays None) of a list of one-element arrays."""
    if not any(x is None for x in xs):
        try:
            a = np.asarray(xs, dtype=float).reshape(k, -1)
            if a.shape[1] == 1:
                return a[:, 0].tolist()
        except ValueError:
            pass
    return [None if x is None else _f(x) for x in xs]


@dataclass
class State:
    """What is known after ``position`` steps: the picture a viewer draws."""
    position: int
    cycle: int                       # which forward/backward/update pass
    index: int                       # steps done within this cycle
    step: Step | None                # the step just done (None at the start of a cycle)
    params: dict[str, float]         # parameter values in effect (new ones once updated)
    values: dict[str, float]
    gradients: dict[str, float]
    param_gradients: dict[str, float]
    edge_values: dict[tuple[str, str], float]            # forward: value flowing along an edge
    edge_gradients: dict[tuple[str, str], EdgeGradient]  # backward: what went back along it
    updated: bool = False

    @property
    def phase(self) -> str:
        return self.step.phase if self.step else "start"


def apply_step(st: State, s: Step) -> None:
    """Advance ``st`` by one step in place (the viewer's incremental update)."""
    if s.phase in ("forward", "loss"):
        assert s.node is not None and s.value is not None      # a forward step names its node and value
        st.values[s.node] = s.value
        for i, x in zip(s.inputs, s.input_values):
            st.edge_values[(i, s.node)] = x
    elif s.phase == "backward":
        assert s.node is not None and s.upstream is not None   # a backward step names its node and upstream
        if s.node not in st.gradients:
            st.gradients[s.node] = s.upstream
        for e in s.edges:             # the records carry the running sums: nothing is added here
            st.gradients[e.src] = e.accumulated
            st.edge_gradients[(e.src, e.dst)] = e
            if e.param is not None and e.param_total is not None:
                st.param_gradients[e.param] = e.param_total
            if e.src_total is not None:
                # a parameter leaf on a weighted edge: both the leaf and the weight learn
                st.param_gradients[e.src] = e.src_total
    elif s.phase == "update":
        for p, _old, _g, new in s.updates:
            st.params[p] = new
            if p in st.values:
                st.values[p] = new
        st.updated = True
    st.step = s
    st.index = s.index + 1


from .layer_trace import plan_of, record_layers  # noqa: E402  (it builds this module's records)

# the stepper lives in its own module; imported here for ``from .trace import Stepper``
from .stepper import Stepper  # noqa: E402,F401
