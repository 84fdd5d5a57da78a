"""A computational graph of named nodes, evaluated one operation at a time.

Leaves are inputs, targets, parameters and constants.  An op node names its
op and its *ordered* inputs; a ``weighted_sum`` node also names, for each
input edge, the parameter that weights it (or None for a plain edge).

Values carry one number per sample along the last axis (see ``ops``).

The backward pass starts at one node (``start``): the ``output`` a file names
(a leaf included), otherwise the loss, otherwise the outputs.  Its gradient is
seeded with 1/batch for each sample: the objective is always the *mean* over
the samples (one rule for the trace, the gradient check, the window and
training).  Training minimises that same node when the graph has a loss or
declares its output a cost; a graph with neither has no objective, and its
backward pass gives each sample's own derivatives (each output seeded with 1).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, NamedTuple

import numpy as np

from .ops import LEAF_KINDS, OPS, attrs_with_defaults


class GraphError(ValueError):
    """A graph that cannot be built: names the node and what is wrong."""


@dataclass(eq=False)
class Node:
    name: str
    op: str                                   # a leaf kind or an op name
    inputs: tuple[str, ...] = ()
    weights: tuple[str | None, ...] = ()      # weighted_sum: parameter on each input edge
    attrs: dict = field(default_factory=dict)
    value: float = 0.0                        # const leaves
    layer: int | None = None                  # layout hint: column, left to right
    group: str | None = None                  # the neuron a gate belongs to (gate view)

    @property
    def is_leaf(self) -> bool:
        return self.op in LEAF_KINDS

    @property
    def kind(self) -> str:
        return self.op if self.is_leaf else OPS[self.op].kind


class Sent(NamedTuple):
    """What one backward step sent along one input edge (arrays: one number per sample)."""
    src: str
    gradient: np.ndarray              # local x upstream
    accumulated: np.ndarray           # the running sum at ``src``, this edge included
    weight: str | None = None         # the parameter weighting the edge
    weight_total: np.ndarray | None = None   # d objective / d weight so far, summed over the samples


@dataclass(frozen=True)
class BackwardOp:
    """One backward step of node ``node``: its local derivatives and what it sent to its inputs."""
    node: str
    upstream: np.ndarray
    local: list                     # d node / d input_i
    weight_local: list              # d node / d weight_i (None where the edge has no weight)
    sent: tuple[Sent, ...] = ()     # per input edge, in input order


class Graph:
    def __init__(self, nodes: list[Node] | None = None, cost_output: bool = False, output: str | None = None):
        self.nodes: dict[str, Node] = {}
        self._cost_output = bool(cost_output)
        self._output = output
        self.frozen: frozenset[str] = frozenset()    # parameters that do not learn ("trainable": false)
        self.layered: Any = None     # the LayeredSpec this graph is the neuron view of (set by compile_layered)
        for n in nodes or []:
            self.add(n)
        self._order: list[str] | None = None
        self._border: tuple[list[str], list[str]] | None = None     # (order it was made for, backward order)

    # -- building ---------------------------------------------------------
    def add(self, node: Node) -> Node:
        if node.name in self.nodes:
            raise GraphError(f"duplicate node name {node.name!r}")
        if not node.is_leaf and node.op not in OPS:
            raise GraphError(f"node {node.name!r}: unknown op {node.op!r}")
        node.inputs = tuple(node.inputs)
        if not node.is_leaf:
            op = OPS[node.op]
            node.attrs = attrs_with_defaults(node.op, node.attrs)
            n = len(node.inputs)
            if op.arity is not None and n != op.arity:
                raise GraphError(f"node {node.name!r}: op {node.op} takes {op.arity} input(s), got {n}")
            if op.arity is None and n < op.min_inputs:
                raise GraphError(f"node {node.name!r}: op {node.op} takes at least {op.min_inputs} input(s), got {n}")
            if op.pairs and n % 2:
                raise GraphError(f"node {node.name!r}: loss {node.op} takes outputs then targets, "
                                 f"an even number of inputs, got {n}")
            if op.weighted:
                node.weights = tuple(node.weights) if node.weights else (None,) * n
                if len(node.weights) != n:
                    raise GraphError(f"node {node.name!r}: {n} inputs but {len(node.weights)} weights")
            elif node.weights:
                raise GraphError(f"node {node.name!r}: op {node.op} takes no edge weights")
        self.nodes[node.name] = node
        self._order = None
        self.layered = None     # any other node: no longer the compiled layers
        self._derived: dict = {}
        return node

    def __getstate__(self):
        # pickled (to a training process) without the derived answers: some hold the ops'
        # functions, which do not pickle, and each is computed again when first asked
        state = dict(self.__dict__)
        state.pop("_derived", None)
        return state

    def _cached(self, key, compute):
        # structure-derived answers (loss, outputs, parameter names) are asked on every step
        d = self.__dict__.setdefault("_derived", {})
        if key not in d:
            d[key] = compute()
        return d[key]

    # -- structure --------------------------------------------------------
    def validate(self) -> None:
        """Raise GraphError now, not at the first step: an input that names no node, or a cycle."""
        if self._order is None:
            self._order = self._topological_order()

    @property
    def order(self) -> list[str]:
        """Topological order, stable: ties keep the order nodes were added."""
        if self._order is None:
            self._order = self._topological_order()
        return self._order

    def _topological_order(self) -> list[str]:
        for n in self.nodes.values():
            for i in n.inputs:
                if i not in self.nodes:
                    raise GraphError(f"node {n.name!r}: input {i!r} is not a node")
        indeg = {name: len(n.inputs) for name, n in self.nodes.items()}
        users = self.users()
        ready = [name for name in self.nodes if indeg[name] == 0]
        pos = {name: k for k, name in enumerate(self.nodes)}
        order = []
        import heapq
        heap = [(pos[n], n) for n in ready]
        heapq.heapify(heap)
        while heap:
            _, name = heapq.heappop(heap)
            order.append(name)
            for u in users[name]:
                indeg[u] -= 1
                if indeg[u] == 0:
                    heapq.heappush(heap, (pos[u], u))
        if len(order) != len(self.nodes):
            stuck = [n for n in self.nodes if indeg[n] > 0]
            raise GraphError(f"the graph has a cycle through {', '.join(stuck[:6])}")
        return order

    @property
    def backward_order(self) -> list[str]:
        """The order of the backward pass: a node once all its users are done,
        ties going to the node earlier in the forward pass (the lecture's
        o1-before-o2 order)."""
        if self._border is None or self._border[0] is not self.order:
            import heapq
            pos = {n: k for k, n in enumerate(self.order)}
            users = self.users()
            left = {n: len(set(u)) for n, u in users.items()}
            heap = [(pos[n], n) for n in self.order if left[n] == 0]
            heapq.heapify(heap)
            out = []
            while heap:
                _, name = heapq.heappop(heap)
                out.append(name)
                for i in set(self.nodes[name].inputs):
                    left[i] -= 1
                    if left[i] == 0:
                        heapq.heappush(heap, (pos[i], i))
            self._border = (self.order, out)
        return self._border[1]

    def users(self) -> dict[str, list[str]]:
        """For each node, the nodes that take it as an input (one entry per edge).
        Cached with the graph's other structure answers: do not modify it."""
        return self._cached("users", self._users)

    def _users(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {name: [] for name in self.nodes}
        for n in self.nodes.values():
            for i in n.inputs:
                if i in out:
                    out[i].append(n.name)
        return out

    def of_kind(self, kind: str) -> list[str]:
        return [name for name, n in self.nodes.items() if n.op == kind]

    @property
    def inputs(self) -> list[str]:
        return self.of_kind("input")

    @property
    def targets(self) -> list[str]:
        return self.of_kind("target")

    @property
    def loss(self) -> str | None:
        """The loss node (the last one, if several), or None."""
        return self._cached('loss', self._loss)

    def _loss(self) -> str | None:
        losses = [n for n in self.order if not self.nodes[n].is_leaf and OPS[self.nodes[n].op].kind == "loss"]
        return losses[-1] if losses else None

    @property
    def objective(self) -> str | None:
        """The node training minimises: the loss, or else the single output when
        it is declared a cost (``cost_output``); None when there is nothing to minimise."""
        return self._cached('objective', self._objective)

    def _objective(self) -> str | None:
        if self.loss is None and not self.cost_output:
            return None
        starts = self.start
        return starts[0] if len(starts) == 1 else None

    @property
    def output(self) -> str | None:
        """The node a file names as its ``output`` (None: not named)."""
        return self._output

    @output.setter
    def output(self, name: str | None):
        self._output = name
        self.__dict__.get("_derived", {}).clear()

    @property
    def start(self) -> list[str]:
        """Where the backward pass starts: the named ``output`` (a leaf too),
        otherwise the loss, otherwise every output."""
        if self._output is not None and self._output in self.nodes:
            return [self._output]
        return [self.loss] if self.loss is not None else self.outputs

    @property
    def cost_output(self) -> bool:
        """True when the graph's single output is itself a cost to minimise (the
        tea-temperature and M&M examples compute their cost with ops, no loss node)."""
        return self._cost_output

    @cost_output.setter
    def cost_output(self, value: bool):
        self._cost_output = bool(value)
        self.__dict__.get("_derived", {}).pop("objective", None)

    @property
    def outputs(self) -> list[str]:
        """The loss's predictions, or the sinks when there is no loss."""
        return list(self._cached('outputs', self._outputs))

    def _outputs(self) -> list[str]:
        """The network's outputs: the loss's predictions, or the sinks without a loss."""
        loss = self.loss
        if loss is not None:
            n = self.nodes[loss]
            return list(OPS[n.op].outputs_of(n.inputs))
        users = self.users()
        return [n for n in self.order if not users[n] and not self.nodes[n].is_leaf]

    @property
    def param_names(self) -> list[str]:
        """Every parameter, leaf or edge weight, in first-use order."""
        return list(self._cached('param_names', self._param_names))

    def _param_names(self) -> list[str]:
        """Every parameter, leaf or edge weight, in first-use order."""
        names: list[str] = []
        seen = set()
        for name in self.order:
            n = self.nodes[name]
            cands = [name] if n.op == "param" else [w for w in n.weights if w is not None]
            for c in cands:
                if c not in seen:
                    seen.add(c)
                    names.append(c)
        return names

    def edges(self) -> Iterator[tuple[str, str, str | None]]:
        """(from, to, weight parameter or None) for every edge."""
        for name in self.order:
            n = self.nodes[name]
            ws = n.weights or (None,) * len(n.inputs)
            for i, w in zip(n.inputs, ws):
                yield i, name, w

    def nx(self):
        """The graph as a networkx MultiDiGraph (for layout and analysis)."""
        import networkx as nx
        g = nx.MultiDiGraph()
        for name in self.order:
            g.add_node(name, op=self.nodes[name].op)
        for a, b, w in self.edges():
            g.add_edge(a, b, weight=w)
        return g

    # -- evaluation -------------------------------------------------------
    def feeds_needed(self) -> list[str]:
        return [n for n in self.order if self.nodes[n].op in ("input", "target")]

    def forward(self, params: Mapping[str, object], feeds: Mapping[str, object],
                keep: bool = True, nudge: Mapping[str, float] | None = None) -> dict[str, np.ndarray]:
        """Every node's value. ``params`` maps parameter names to values (scalars
        or arrays broadcasting against the samples); ``feeds`` maps input and
        target names to arrays of samples.  With ``keep=False`` only the
        loss and outputs are kept (large grids).  ``nudge`` adds a number to
        op nodes' values as they are computed (the rest of the graph follows):
        the finite-difference check of a node inside the graph."""
        values: dict[str, np.ndarray] = {}
        for _ in self.step_forward(params, feeds, values, nudge):
            pass
        if not keep:
            wanted = set(self.outputs) | set(self.start) | ({self.loss} if self.loss else set())
            values = {k: v for k, v in values.items() if k in wanted}
        return values

    def step_forward(self, params, feeds, values: dict,
                     nudge: Mapping[str, float] | None = None) -> Iterator[tuple[str, np.ndarray]]:
        """Evaluate node after node, yielding (name, value); fills ``values``."""
        for name in self.order:
            n = self.nodes[name]
            if n.op == "param":
                v = params[name]
            elif n.op in ("input", "target"):
                if name not in feeds:
                    raise GraphError(f"no value given for {n.op} {name!r}")
                v = feeds[name]
            elif n.op == "const":
                v = n.value
            else:
                xs = [values[i] for i in n.inputs]
                ws = [None if w is None else params[w] for w in n.weights] if n.weights else []
                v = OPS[n.op].forward(xs, ws, n.attrs)
                if nudge and name in nudge:
                    v = v + nudge[name]
            v = np.asarray(v, dtype=float)
            values[name] = v
            yield name, v

    def backward(self, params, values, seed: Mapping[str, object] | None = None):
        """Gradients of the objective: (node gradients, parameter gradients).

        ``seed`` gives d objective / d node for the start nodes; by default
        the objective node gets 1/batch per sample (the objective is the mean
        over the samples), and a graph without an objective (no loss, no cost)
        seeds each output with 1: every sample's own derivatives.  Parameter
        gradients are summed over the sample (last) axis."""
        grads: dict[str, np.ndarray] = {}
        pgrads: dict[str, np.ndarray] = {}
        for _ in self.walk_backward(params, values, seed, grads, pgrads):
            pass
        for name in self.param_names:
            if self.nodes.get(name) is not None and self.nodes[name].op == "param" and name in grads:
                c = np.sum(grads[name], axis=-1)
                pgrads[name] = pgrads[name] + c if name in pgrads else c
            pgrads.setdefault(name, np.zeros(()))
        return grads, pgrads

    def default_seed(self, values) -> dict[str, np.ndarray]:
        starts = self.start
        mean = self.objective is not None
        # every node holds one value per sample, even one that does not depend on
        # the samples (shape (1,)): seed it for each sample of the batch
        fed = [np.shape(values[n]) for n in self.feeds_needed() if n in values]
        batch = max((sh[-1] for sh in fed if sh), default=1)
        seed = {}
        for s in starts:
            v = np.asarray(values[s])
            shape = np.broadcast_shapes(v.shape, (batch,))
            seed[s] = np.full(shape, 1.0 / shape[-1] if mean else 1.0)
        return seed

    def walk_backward(self, params, values, seed=None, grads: dict | None = None,
                      pgrads: dict | None = None) -> Iterator[BackwardOp]:
        """Yield each op node's backward step in reverse topological order, after
        adding what it sends to the running sums (``send``): ``grads`` (every node's
        gradient so far) and ``pgrads`` (each edge weight's, summed over the
        samples), filled here; pass them to read the totals."""
        grads = {} if grads is None else grads
        pgrads = {} if pgrads is None else pgrads
        if seed is None:
            seed = self.default_seed(values)
        for k, v in seed.items():
            grads[k] = np.asarray(v, dtype=float)
        for name in self.backward_order:
            n = self.nodes[name]
            if n.is_leaf or name not in grads:
                continue
            xs = [values[i] for i in n.inputs]
            ws = [None if w is None else params[w] for w in n.weights] if n.weights else []
            local, wlocal = OPS[n.op].local(xs, ws, values[name], n.attrs)
            local, wlocal = list(local), list(wlocal) or [None] * len(n.inputs)
            up = grads[name]
            yield BackwardOp(name, up, local, wlocal, send(n, local, wlocal, up, grads, pgrads))


def send(n: Node, local: list, wlocal: list, up, grads: dict, pgrads: dict) -> tuple[Sent, ...]:
    """Node ``n``'s backward step: each input's share (local x upstream) added to its
    running sum, each edge weight's (input x upstream, summed over the samples) to its
    own.  The one place gradients accumulate; the records say what each edge got."""
    sent = []
    for src, w, loc, wl in zip(n.inputs, n.weights or (None,) * len(n.inputs), local, wlocal):
        g = loc * up
        acc = grads[src] + g if src in grads else g
        grads[src] = acc
        total = None
        if w is not None:
            c = np.sum(wl * up, axis=-1)
            total = pgrads[w] + c if w in pgrads else c
            pgrads[w] = total
        sent.append(Sent(src, g, acc, w, total))
    return tuple(sent)
