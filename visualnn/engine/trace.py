"""The trace: one sample run through the graph, as an ordered list of steps.

Every forward operation in topological order, the loss, then every backward
operation in reverse order.  A backward step records, per input edge, the
local gradient, the upstream gradient, their product and the running sum at
the receiving node, so a viewer can show "gradient = local x upstream" and
gradients adding up at branches.  The ``Stepper`` moves a cursor over traces
and an update step, and can rebuild the exact state after any number of steps.
"""
from __future__ import annotations

import copy
import math
from collections import OrderedDict
from dataclasses import dataclass
from typing import Mapping

import numpy as np

from .graph import Graph
from .optimizers import Optimizer, make_optimizer


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
    edges: tuple[EdgeGradient, ...] = ()
    updates: tuple[tuple[str, float, float, float], ...] = ()  # update: (param, old, gradient, new)

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
            "params": {p: {"value": self.params[p], "gradient": self.param_gradients.get(p, 0.0)}
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


def record(graph: Graph, params: Mapping[str, float], sample: Mapping[str, float]) -> Trace:
    """Run one sample forward and backward, recording every operation.
    Infinite and NaN values and gradients are recorded like any other number."""
    with np.errstate(all="ignore"):
        return _record(graph, params, sample)


def _record(graph: Graph, params: Mapping[str, float], sample: Mapping[str, float]) -> Trace:
    P = {k: np.array([float(v)]) for k, v in params.items()}
    feeds = {k: np.array([float(v)]) for k, v in sample.items()}
    loss = graph.loss
    nodes = graph.nodes
    frozen = graph.frozen
    steps: list[Step] = []
    values: dict[str, np.ndarray] = {}
    fv: dict[str, float] = {}             # every value as a float, converted once
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
    grads: dict[str, np.ndarray] = {}     # what walk_backward reads: op nodes' gradients
    gf: dict[str, float] = {}             # every node's gradient as a float, in the order reached
    pgrads: dict[str, float] = {}
    for b in graph.walk_backward(P, values, grads):
        if not gf:
            gf.update((k, _f(v)) for k, v in grads.items())     # the seeds
        n = nodes[b.node]
        up = _f(b.upstream)
        k = len(n.inputs)
        weights = n.weights or (None,) * k
        # one sample: every local gradient is one number; the products are the
        # same float64 multiplications numpy does on one-element arrays
        locs = _floats(b.local, k)
        wls = _floats(b.weight_local, k)
        edges = []
        for src, w, loc, wl in zip(n.inputs, weights, locs, wls):
            g = loc * up
            prev = gf.get(src)
            acc = g if prev is None else prev + g
            gf[src] = acc
            node = nodes[src]
            if not node.is_leaf:
                grads[src] = np.array([acc])
            op = node.op
            if op == "target":
                continue  # targets are given, not learned: the lecture sends nothing back to them
            param, pg = None, None
            src_param = op == "param" and src not in frozen
            if w is not None and w not in frozen:
                param, pg = w, wl * up
                pgrads[w] = pgrads.get(w, 0.0) + pg
            elif src_param:
                param, pg = src, g
            if src_param:
                pgrads[src] = pgrads.get(src, 0.0) + g
            edges.append(EdgeGradient(src, b.node, loc, up, g, acc, param, pg, src_param))
        steps.append(Step(index=len(steps), phase="backward", node=b.node, op=n.op,
                          inputs=n.inputs, weights=n.weights, upstream=up, edges=tuple(edges)))
    if not gf:
        gf = {k: _f(v) for k, v in grads.items()}
    for s in graph.start:                 # a parameter named as the output: d p / d p = 1
        if nodes[s].op == "param" and s not in frozen:
            pgrads[s] = pgrads.get(s, 0.0) + gf[s]
    return Trace(graph, {p: float(params[p]) for p in graph.param_names}, dict(sample), steps,
                 dict(fv), gf,
                 {p: pgrads.get(p, 0.0) for p in graph.param_names})


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


class Stepper:
    """A cursor over the lecture's step list: step, back, seek, reset.

    Position p counts steps from the very start; each cycle is one trace
    (forward, loss, backward) followed, when there is a loss and parameters,
    by one optimizer update.  Later cycles start from the updated parameters.
    """

    def __init__(self, graph: Graph, params: Mapping[str, float], samples: list[Mapping[str, float]],
                 optimizer: str = "sgd", lr: float = 0.5, sample_index: int = 0, **hyper):
        self.graph = graph
        self.samples = [dict(s) for s in samples] or [{}]
        self._sample = sample_index
        self.optimizer_name, self.lr, self.hyper = optimizer, float(lr), hyper
        self.position = 0
        self._set_start(dict(params))

    # -- storage ---------------------------------------------------------------
    # A cycle's parameters depend on every update before it, so going back must
    # not mean recomputing from the start, and stepping for hours must not keep
    # every past trace.  We keep checkpoints (parameters and optimizer state) every
    # CHECKPOINT_EVERY cycles, a small cache of recent cycles, and the frontier.
    CHECKPOINT_EVERY = 64
    CACHE_CYCLES = 8

    def _set_start(self, params) -> None:
        start = {p: float(params[p]) for p in self.graph.param_names}
        self._checkpoints: dict[int, tuple[dict[str, float], Optimizer]] = {
            0: (start, make_optimizer(self.optimizer_name, self.lr, **self.hyper))}
        self._cache: "OrderedDict[int, tuple[dict[str, float], Trace | None]]" = OrderedDict()
        self._frontier = (0, dict(start), make_optimizer(self.optimizer_name, self.lr, **self.hyper))
        self._trace_length: int | None = None
        self._forget_moves()

    def _forget_moves(self) -> None:
        # the State the cursor last reached and its pass's steps: valid until the next edit
        self._last: State | None = None
        self._steps: tuple[int, list[Step]] | None = None

    def _invalidate_from(self, cycle: int, params: dict[str, float] | None = None):
        """Forget every cycle after ``cycle`` (and ``cycle``'s trace); with
        ``params``, cycle ``cycle`` starts from them from now on."""
        cp = max(k for k in self._checkpoints if k <= cycle)
        base_params, base_opt = self._checkpoints[cp]
        if params is None:
            params = self._roll(cp, base_params, base_opt, cycle)[1] if cycle != cp else base_params
        opt = self._roll(cp, base_params, base_opt, cycle)[2] if cycle != cp else copy.deepcopy(base_opt)
        for k in [k for k in self._checkpoints if k >= cycle]:
            del self._checkpoints[k]
        self._checkpoints[cycle] = (dict(params), copy.deepcopy(opt))
        self._cache.clear()
        self._frontier = (cycle, dict(params), opt)
        self._trace_length = None
        self._forget_moves()

    def _roll(self, cycle, params, opt, target):
        """Replay updates from ``cycle`` (params, optimizer state) to ``target``."""
        opt = copy.deepcopy(opt)
        params = dict(params)
        while cycle < target:
            tr = self._trace_at(cycle, params)
            params = self._apply_update(opt, tr)
            cycle += 1
            if cycle % self.CHECKPOINT_EVERY == 0 and cycle not in self._checkpoints:
                self._checkpoints[cycle] = (dict(params), copy.deepcopy(opt))
        return cycle, params, opt

    def _trace_at(self, cycle, params) -> Trace:
        hit = self._cache.get(cycle)
        if hit is not None and hit[1] is not None:
            self._cache.move_to_end(cycle)
            return hit[1]
        tr = record(self.graph, params, self.samples[self._sample])
        self._remember(cycle, params, tr)
        return tr

    def _remember(self, cycle, params, tr):
        self._cache[cycle] = (dict(params), tr)
        self._cache.move_to_end(cycle)
        while len(self._cache) > self.CACHE_CYCLES:
            self._cache.popitem(last=False)

    def _apply_update(self, opt, tr: Trace) -> dict[str, float]:
        names = self.graph.param_names
        theta = np.array([tr.params[p] for p in names])
        grad = np.array([tr.param_gradients[p] for p in names])
        return dict(zip(names, map(float, opt.step(theta, grad))))

    @property
    def sample_index(self) -> int:
        return self._sample

    def set_sample(self, index: int):
        if not 0 <= index < len(self.samples):
            raise IndexError(f"sample {index} out of range 0..{len(self.samples) - 1}")
        self._sample = index
        self._restart()

    def set_learning_rate(self, lr: float):
        self.lr = float(lr)
        self._restart()

    def _restart(self):
        # later cycles depend on the sample and the learning rate: replay from the start
        self._set_start(self._checkpoints[0][0])

    def set_param(self, name: str, value: float):
        """Edit a parameter as it stands in the current cycle."""
        self.set_params({name: value})

    def set_params(self, values: Mapping[str, float], cycle: int | None = None):
        """Edit parameters as pass ``cycle`` (default: the current one) starts
        with them; the passes after it follow from there."""
        c = self.cycle_of(self.position) if cycle is None else int(cycle)
        params = dict(self.params_for(c))
        params.update((k, float(v)) for k, v in values.items())
        self._invalidate_from(c, params)

    def set_input(self, name: str, value: float):
        self.samples[self._sample][name] = float(value)
        self._restart()

    def value_of(self, name: str) -> float:
        """The current value of an input, target or parameter."""
        c = self.cycle_of(self.position)
        params = self.params_for(c)
        if name in params:
            return params[name]
        return float(self.samples[self._sample][name])

    # -- the step list --------------------------------------------------------
    @property
    def has_update(self) -> bool:
        return self.graph.objective is not None and bool(self.graph.param_names)

    @property
    def trace_length(self) -> int:
        if self._trace_length is None:
            # the same for every cycle: the first cycle's trace, which is shown next anyway
            self._trace_length = len(self._trace_at(0, self.params_for(0)).steps)
        return self._trace_length

    @property
    def cycle_length(self) -> int:
        return self.trace_length + (1 if self.has_update else 0)

    def cycle_of(self, position: int) -> int:
        if not self.has_update or not position:
            return 0
        return (position - 1) // self.cycle_length

    def params_for(self, cycle: int) -> dict[str, float]:
        """The parameters cycle ``cycle`` starts from."""
        hit = self._cache.get(cycle)
        if hit is not None:
            return hit[0]
        fc, fparams, fopt = self._frontier
        if cycle == fc:
            return fparams
        if cycle > fc:
            fc, fparams, fopt = self._roll(fc, fparams, fopt, cycle)
            self._frontier = (fc, fparams, fopt)
            return fparams
        cp = max(k for k in self._checkpoints if k <= cycle)
        p, o = self._checkpoints[cp]
        params = self._roll(cp, p, o, cycle)[1]
        self._cache[cycle] = (dict(params), None)
        while len(self._cache) > self.CACHE_CYCLES:
            self._cache.popitem(last=False)
        return params

    def trace(self, cycle: int | None = None) -> Trace:
        if cycle is None:
            cycle = self.cycle_of(self.position)
        return self._trace_at(cycle, self.params_for(cycle))

    def steps_of_cycle(self, cycle: int) -> list[Step]:
        """Pass ``cycle``'s steps (the last pass asked for is kept: read-only)."""
        if self._steps is not None and self._steps[0] == cycle:
            return self._steps[1]
        tr = self.trace(cycle)
        steps = list(tr.steps)
        if self.has_update:
            new = self.params_for(cycle + 1)
            names = self.graph.param_names
            steps.append(Step(index=len(steps), phase="update", node=None, op=self.optimizer_name,
                              updates=tuple((p, tr.params[p], tr.param_gradients[p], new[p]) for p in names)))
        self._steps = (cycle, steps)
        return steps

    # -- moving ---------------------------------------------------------------
    def step(self) -> State:
        """One operation on.  Within a pass the State the last move returned
        advances in place (one step's work, not a rebuild): a State from this
        stepper is read-only and current until the next move."""
        last, nxt = self._last, self.position + 1
        if (last is not None and last.position == self.position and last.index < self.cycle_length
                and self.cycle_of(nxt) == last.cycle):
            apply_step(last, self.steps_of_cycle(last.cycle)[last.index])
            last.position = self.position = nxt
            return last
        return self.seek(nxt)

    def back(self) -> State:
        return self.seek(max(0, self.position - 1))

    def reset(self) -> State:
        return self.seek(0)

    def end(self) -> State:
        """Run to the end of the current pass (after the update, if any)."""
        c = self.cycle_of(self.position)
        if self.position and self.position == (c + 1) * self.cycle_length:
            return self.state()
        return self.seek((c + 1) * self.cycle_length)

    def seek(self, position: int) -> State:
        position = max(0, int(position))
        if not self.has_update:
            position = min(position, self.trace_length)
        self.position = position
        self._last = self.state()
        return self._last

    def state(self, position: int | None = None) -> State:
        """The exact state after ``position`` steps (default: the cursor)."""
        p = self.position if position is None else position
        c = self.cycle_of(p)
        k = p - c * self.cycle_length
        tr = self.trace(c)
        steps = self.steps_of_cycle(c)
        params = dict(self.params_for(c))
        values = {n: float(params[n]) for n in self.graph.param_names if n in self.graph.nodes}
        values.update({n: float(v) for n, v in tr.sample.items() if n in self.graph.nodes})
        for n in self.graph.order:
            if self.graph.nodes[n].op == "const":
                values[n] = float(self.graph.nodes[n].value)
        st = State(p, c, k, steps[k - 1] if k else None, params, values, {}, {}, {}, {})
        for s in steps[:k]:
            apply_step(st, s)
        return st


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
        for e in s.edges:
            st.gradients[e.src] = e.accumulated
            st.edge_gradients[(e.src, e.dst)] = e
            if e.param is not None and e.param_gradient is not None:
                st.param_gradients[e.param] = st.param_gradients.get(e.param, 0.0) + e.param_gradient
            if e.src_param and e.param != e.src:
                # a parameter leaf on a weighted edge: both the leaf and the weight learn
                st.param_gradients[e.src] = st.param_gradients.get(e.src, 0.0) + e.gradient
    elif s.phase == "update":
        for p, _old, _g, new in s.updates:
            st.params[p] = new
            if p in st.values:
                st.values[p] = new
        st.updated = True
    st.step = s
    st.index = s.index + 1
