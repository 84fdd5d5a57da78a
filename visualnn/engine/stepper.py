"""The stepper: a cursor over the lecture's step list, cheap to move both ways.

Position p counts steps from the very start; each cycle is one trace
(forward, loss, backward) followed, when there is a loss and parameters, by
one optimizer update.  Any state is a snapshot of its cycle plus the steps
after it, folded in bulk (``fold_steps``); traces, step lists, snapshots and
cycle starts share one cache bounded by bytes (``engine.cache``).
"""
from __future__ import annotations

import copy
import weakref
from dataclasses import fields
from functools import partial
from itertools import repeat
from operator import attrgetter, itemgetter
from typing import Mapping

from .cache import ByteCache, start_bytes, state_bytes, steps_bytes, trace_bytes
from .graph import Graph
from .optimizers import make_optimizer, scheduled_lr
from .pass_update import LazyUpdates, PendingUpdate
from .trace import State, Step, Trace, apply_step, record


class Stepper:
    """A cursor over the lecture's step list: step, back, seek, reset.

    Position p counts steps from the very start; each cycle is one trace
    (forward, loss, backward) followed, when there is a loss and parameters,
    by one optimizer update.  Later cycles start from the updated parameters.
    """

    # -- storage ---------------------------------------------------------------
    # A cycle's parameters depend on every update before it, so going back must
    # not mean recomputing from the start, and stepping for hours must not keep
    # every past trace.  Kept: the frontier (the furthest cycle reached), a few
    # checkpoints (parameters and optimizer state, every CHECKPOINT_EVERY cycles,
    # thinned to every other one when there are more than MAX_CHECKPOINTS), and one
    # cache bounded by bytes (``cache``) for the starts, traces, step lists and state
    # snapshots of the CACHE_CYCLES cycles used last.  A state is a snapshot of the same cycle plus the
    # steps after it: snapshots are taken about every 1/SNAPSHOTS of a cycle's edges,
    # so any state costs a copy and the edges of at most that many steps.
    CHECKPOINT_EVERY = 64
    MAX_CHECKPOINTS = 16
    CACHE_BYTES = 128 * 2**20
    CACHE_CYCLES = 8                # and only the most recently used cycles: a small net stays small
    SNAPSHOTS = 12
    MIN_SNAPSHOT_EDGES = 256

    def __init__(self, graph: Graph, params: Mapping[str, float], samples: list[Mapping[str, float]],
                 optimizer: str = "sgd", lr: float = 0.5, sample_index: int = 0, *,
                 cache: ByteCache | None = None, schedule: dict | None = None, epochs: int = 0, **hyper):
        self.graph = graph
        self.samples = [dict(s) for s in samples] or [{}]
        self._sample = sample_index
        self.optimizer_name, self.lr, self.hyper = optimizer, float(lr), hyper
        # the learning-rate schedule training follows (optimizers.scheduled_lr): the update
        # after pass c is epoch c's, out of ``epochs`` (a cosine schedule's default length)
        self.schedule, self.epochs = (dict(schedule) if schedule else None), int(epochs)
        self.position = 0
        # one cache for every stepper of the process (the window's neuron and gate views, the
        # exporter, scripts): one bound on what they keep together
        self.cache = cache if cache is not None else SHARED_CACHE
        self._token: object | None = None
        self._finalizer: weakref.finalize | None = None
        self._set_start(dict(params))

    def _set_start(self, params):
        if self._finalizer is not None:
            self._finalizer()                # the old entries go now
        self._token = object()             # this stepper's entries in a cache others may share
        # and when this stepper goes, its entries go with it
        self._finalizer = weakref.finalize(self, _drop_entries, self.cache, self._token)
        start = {p: float(params[p]) for p in self.graph.param_names}
        self._checkpoints: dict[int, tuple[dict[str, float], object]] = {0: (start, self._new_optimizer())}
        self._every = self.CHECKPOINT_EVERY
        self._pinned = {0}                           # where edits started a new history: never thinned
        self._frontier = (0, dict(start), self._new_optimizer())
        self._snaps: dict[int, set[int]] = {}        # cycle -> step indices with a cached snapshot
        self._recent: dict[int, None] = {}           # cycles with cache entries, least recently used first
        self._trace_length: int | None = None
        self._budget: int | None = None
        self._forget_moves()

    def _forget_moves(self) -> None:
        # the State the cursor last reached, and how to undo the steps it took in place
        self._last: State | None = None
        self._undo: list[list] = []
        self._since = 0                              # edges stepped in place since the last snapshot

    def _new_optimizer(self):
        return make_optimizer(self.optimizer_name, self.lr, **self.hyper)

    def _key(self, kind: str, cycle: int, *more) -> tuple:
        return (self._token, kind, cycle, *more)

    def _put(self, kind: str, cycle: int, value, size: int, *more):
        self._touch(cycle)
        self.cache.put(self._key(kind, cycle, *more), value, size)

    def _touch(self, cycle: int):
        recent = self._recent
        recent.pop(cycle, None)
        recent[cycle] = None
        if len(recent) > self.CACHE_CYCLES:
            old = next(iter(recent))
            del recent[old]
            self._snaps.pop(old, None)
            tok = self._token
            self.cache.drop_where(lambda k: k[0] is tok and k[2] == old)

    def _invalidate_from(self, cycle: int, params: dict[str, float] | None = None):
        """Forget every cycle after ``cycle`` (and ``cycle``'s trace); with
        ``params``, cycle ``cycle`` starts from them from now on."""
        base, opt = self._start_of(cycle)
        if params is None:
            params = base
        for k in [k for k in self._checkpoints if k >= cycle]:
            del self._checkpoints[k]
        self._checkpoints[cycle] = (dict(params), copy.deepcopy(opt))
        self._pinned = {k for k in self._pinned if k < cycle} | {cycle}
        tok = self._token
        # the cycle before ends with an update to the new parameters: its step list and states go too
        self.cache.drop_where(lambda k: k[0] is tok and (k[2] >= cycle or (k[2] == cycle - 1 and k[1] in
                                                                             ("steps", "state"))))
        self._snaps = {c: ks for c, ks in self._snaps.items() if c < cycle - 1}
        self._recent = {c: None for c in self._recent if c < cycle}
        self._frontier = (cycle, dict(params), opt)
        self._trace_length = None
        self._forget_moves()

    def _start_of(self, cycle: int) -> tuple[dict[str, float], object]:
        """(parameters, a private copy of the optimizer state) at the start of ``cycle``."""
        hit = self.cache.get(self._key("start", cycle))
        if hit is not None:
            return hit[0], copy.deepcopy(hit[1])
        fc, fparams, fopt = self._frontier
        if cycle >= fc:
            fc, fparams, fopt = self._roll(fc, fparams, fopt, cycle)
            self._frontier = (fc, fparams, fopt)
            return fparams, copy.deepcopy(fopt)
        near = [c for c in range(cycle - 1, max(-1, cycle - 9), -1) if self._key("start", c) in self.cache]
        cp = max([k for k in self._checkpoints if k <= cycle] + near[:1])
        p, o = self.cache.get(self._key("start", cp)) or self._checkpoints[cp]
        _, params, opt = self._roll(cp, p, o, cycle)
        return params, copy.deepcopy(opt)

    def _roll(self, cycle, params, opt, target):
        """Replay updates from ``cycle`` (params, optimizer state) to ``target``
        (the optimizer states met are shared: never changed, only copied)."""
        while cycle < target:
            params, opt = self._pending(cycle, params, opt).result()
            cycle += 1
            saved = (params, opt)
            self._put("start", cycle, saved, start_bytes(*saved))
            if cycle % self._every == 0 and cycle not in self._checkpoints:
                self._checkpoints[cycle] = saved
                self._thin_checkpoints()
        return cycle, params, opt

    def _thin_checkpoints(self):
        # hours of stepping: keep every other checkpoint, twice as far apart from now on
        if len(self._checkpoints) > self.MAX_CHECKPOINTS:
            self._every *= 2
            self._checkpoints = {k: v for k, v in self._checkpoints.items()
                                 if k % self._every == 0 or k in self._pinned}

    def _trace_at(self, cycle, params) -> Trace:
        tr = self.cache.get(self._key("trace", cycle))
        if tr is None:
            tr = record(self.graph, params, self.samples[self._sample])
            self._put("trace", cycle, tr, trace_bytes(tr))
        return tr

    def lr_for(self, cycle: int) -> float:
        """The learning rate of the update that ends pass ``cycle`` (that many passes done before it)."""
        return scheduled_lr(self.lr, self.schedule, cycle, self.epochs)

    def _pending(self, cycle: int, params=None, opt=None) -> PendingUpdate:
        """The update after pass ``cycle``, from its start (``params``, ``opt``; found when not given)."""
        pending = self.cache.get(self._key("update", cycle))
        if pending is None:
            params, opt = (params, opt) if params is not None else self._start_of(cycle)
            tr, g = self._trace_at(cycle, params), self.graph
            pending = PendingUpdate(tr, opt, self.lr_for(cycle), g.param_names, g.frozen)
            self._put("update", cycle, pending, start_bytes(params, opt))      # the size of what it makes
        return pending

    def _known_start(self, cycle: int) -> dict[str, float] | None:     # without an update (edits too)
        hit = self.cache.get(self._key("start", cycle)) or self._checkpoints.get(cycle)
        if hit is not None:
            return hit[0]
        return self._frontier[1] if cycle == self._frontier[0] else None

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
        g = self.graph          # any parameter, from the output end (param_names copies 50,890 names)
        return g.objective is not None and any(n.op == "param" or any(w is not None for w in n.weights)
                                               for n in reversed(g.nodes.values()))

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
        """The parameters cycle ``cycle`` starts from (do not change them)."""
        if cycle == 0:
            return self._checkpoints[0][0]
        hit = self.cache.get(self._key("start", cycle))
        if hit is not None:
            return hit[0]
        if cycle == self._frontier[0]:
            return self._frontier[1]
        params, opt = self._start_of(cycle)
        self._put("start", cycle, (params, opt), start_bytes(params, opt))
        return params

    def trace(self, cycle: int | None = None) -> Trace:
        if cycle is None:
            cycle = self.cycle_of(self.position)
        return self._trace_at(cycle, self.params_for(cycle))

    def steps_of_cycle(self, cycle: int) -> list[Step]:
        """The cycle's steps, the update last (kept in the cache: callers share the list)."""
        steps = self.cache.get(self._key("steps", cycle))
        if steps is not None:
            return steps
        tr = self.trace(cycle)
        steps = list(tr.steps)
        if self.has_update:
            # made when first read, from this pass's own trace and optimizer state (or the next
            # pass's parameters as edited): a list held across a later edit keeps its own update
            new = self._known_start(cycle + 1)
            after = self._pending(cycle).params if new is None else partial(_same, new)
            steps.append(Step(index=len(steps), phase="update", node=None, op=self.optimizer_name,
                              updates=LazyUpdates(tr, self.graph.param_names, after)))
        self._put("steps", cycle, steps, steps_bytes(steps))
        return steps

    # -- moving ---------------------------------------------------------------
    def step(self) -> State:
        """One operation on.  Within a pass the State the last move returned
        advances in place (one step's work, not a rebuild): a State from this
        stepper is read-only and current until the next move."""
        last, nxt = self._last, self.position + 1
        if (last is not None and last.position == self.position and last.index < self.cycle_length
                and self.cycle_of(nxt) == last.cycle):
            steps = self.steps_of_cycle(last.cycle)
            s = steps[last.index]
            self._undo.append(undo_record(last, s))
            fold_steps(last, [s])
            last.position = self.position = nxt
            self._since += _edges_of(s)
            if self._since >= self._snapshot_budget(steps):
                # stepping leaves snapshots too: End or Left after a seek folds from near here
                self._keep_snapshot(last.cycle, last)
                self._since = 0
            return last
        return self.seek(nxt)

    def back(self) -> State:
        """One operation back: the last State steps back in place when it got
        here by stepping (one step's work), else it is rebuilt from a snapshot."""
        last = self._last
        if last is not None and last.position == self.position and self._undo and last.index > 1:
            steps = self.steps_of_cycle(last.cycle)
            undo_step(last, self._undo.pop(), steps[last.index - 2])
            last.position = self.position = self.position - 1
            return last
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
        self._last, undo = self._build(position)
        # the last step is undone in place: Left after End or after a seek costs one step
        self._undo = [] if undo is None else [undo]
        self._since = 0
        return self._last

    def state(self, position: int | None = None) -> State:
        """The exact state after ``position`` steps (default: the cursor): a copy of
        the nearest snapshot at or before it in its cycle, advanced by the steps
        between (snapshots are taken on the way)."""
        return self._build(self.position if position is None else position)[0]

    def _build(self, p: int) -> tuple[State, list | None]:
        """The state after ``p`` steps, and the record that undoes its last step in place
        (None when it is the first of its cycle or comes straight from a snapshot)."""
        c = self.cycle_of(p)
        k = p - c * self.cycle_length
        steps = self.steps_of_cycle(c)
        k0, base = self._snapshot_before(c, k)
        st = _copy_state(base)
        budget = self._snapshot_budget(steps)
        todo = steps[k0:max(k0, k - 1)]
        # snapshots on the way, but only near the end of a long run (each is a copy of the state):
        # Left from there folds at most two budgets; the middle gets its own when visited
        left = sum(map(_edges_of, todo))
        run, done = [], 0
        for s in todo:
            run.append(s)
            n = _edges_of(s)
            done += n
            left -= n
            if done >= budget and left <= 2 * budget:
                fold_steps(st, run)
                self._keep_snapshot(c, st)
                run, done = [], 0
        fold_steps(st, run)
        undo = None
        if k > k0:
            undo = undo_record(st, steps[k - 1])
            fold_steps(st, [steps[k - 1]])
        st.position, st.cycle = p, c
        return st, undo

    def _snapshot_budget(self, steps: list[Step]) -> int:
        if self._budget is None:
            # the trace's edges (an update step is one snapshot of its own)
            edges = sum(_edges_of(s) for s in steps if s.phase != "update")
            self._budget = max(self.MIN_SNAPSHOT_EDGES, edges // self.SNAPSHOTS)
        return self._budget

    def _snapshot_before(self, cycle: int, k: int) -> tuple[int, State]:
        ks = self._snaps.setdefault(cycle, set())
        for k0 in sorted((x for x in ks if x <= k), reverse=True):
            snap = self.cache.get(self._key("state", cycle, k0))
            if snap is not None:
                return k0, snap
            ks.discard(k0)
        return 0, self._start_state(cycle)

    def _start_state(self, cycle: int) -> State:
        key = self._key("state", cycle, 0)
        st = self.cache.get(key)
        if st is not None:
            return st
        params = self.params_for(cycle)
        nodes = self.graph.nodes
        shown = list(filter(nodes.__contains__, self.graph.param_names))     # parameter leaves
        values = dict(zip(shown, map(float, map(params.__getitem__, shown))))
        values.update({n: float(v) for n, v in self.samples[self._sample].items() if n in nodes})
        for n in self.graph.order:
            if nodes[n].op == "const":
                values[n] = float(nodes[n].value)
        st = State(cycle * self.cycle_length, cycle, 0, None, params, values, {}, {}, {}, {})
        self._put("state", cycle, st, state_bytes(st, shared_params=True), 0)
        self._snaps.setdefault(cycle, set()).add(0)
        return st

    def _keep_snapshot(self, cycle: int, state: State):
        shared = not state.updated
        snap = _copy_state(state, params=self.params_for(cycle) if shared else None)
        self._put("state", cycle, snap, state_bytes(snap, shared), state.index)
        self._snaps.setdefault(cycle, set()).add(state.index)


SHARED_CACHE = ByteCache(Stepper.CACHE_BYTES)


def _same(value):
    return value


def _drop_entries(cache: ByteCache, token: object) -> None:
    cache.drop_where(lambda k: k[0] is token)


def fold_steps(st: State, steps: list[Step]) -> None:
    """``apply_step`` for each of ``steps`` in turn, with the same float operations in
    the same order, done in bulk (dict updates over the records, not a loop per edge
    where last-write-wins makes the order irrelevant)."""
    values, edge_values, grads, edge_grads, pgrads = (st.values, st.edge_values, st.gradients,
                                                       st.edge_gradients, st.param_gradients)
    for s in steps:
        phase = s.phase
        if phase == "forward" or phase == "loss":
            assert s.node is not None and s.value is not None      # as in apply_step
            values[s.node] = s.value
            edge_values.update(zip(zip(s.inputs, repeat(s.node)), s.input_values))
        elif phase == "backward":
            edges = s.edges
            assert s.node is not None and s.upstream is not None
            if s.node not in grads:
                grads[s.node] = s.upstream
            srcs = list(map(_SRC, edges))
            grads.update(zip(srcs, map(_ACC, edges)))
            edge_grads.update(zip(zip(srcs, map(_DST, edges)), edges))
            for e in edges:                 # the records carry the running sums (as apply_step)
                if e.param is not None and e.param_total is not None:
                    pgrads[e.param] = e.param_total
                if e.src_total is not None:
                    pgrads[e.src] = e.src_total
        elif phase == "update":
            ups = s.updates
            news = (ups.new_params() if isinstance(ups, LazyUpdates)
                    else dict(zip(map(_FIRST, ups), map(_LAST, ups))))
            st.params.update(news)
            for p in values.keys() & news.keys():       # parameter leaves shown as nodes
                values[p] = news[p]
            st.updated = True
        else:
            apply_step(st, s)
            continue
        st.step = s
        st.index = s.index + 1


_SRC, _DST, _ACC = attrgetter("src"), attrgetter("dst"), attrgetter("accumulated")
_FIRST, _LAST = itemgetter(0), itemgetter(3)
_MISSING = object()
_WHOLE = object()           # an undo record's key for "the whole dict was"


def undo_record(st: State, s: Step) -> list:
    """What ``apply_step(st, s)`` is about to overwrite: (dict, key, old value or
    _MISSING) in the order of the writes, and the State's step, index and flag."""
    writes: list[tuple[dict, object]] = []
    if s.phase in ("forward", "loss"):
        writes.append((st.values, s.node))
        writes.extend((st.edge_values, (i, s.node)) for i in s.inputs)
    elif s.phase == "backward":
        writes.append((st.gradients, s.node))
        for e in s.edges:
            writes.append((st.gradients, e.src))
            writes.append((st.edge_gradients, (e.src, e.dst)))
            if e.param is not None and e.param_gradient is not None:
                writes.append((st.param_gradients, e.param))
            if e.src_param and e.param != e.src:
                writes.append((st.param_gradients, e.src))
    elif s.phase == "update":
        # every parameter changes: the whole dict is kept (one copy at C speed), and the leaves shown as nodes
        leaves = st.values.keys() & st.params.keys()
        return [st.updated, (st.params, _WHOLE, dict(st.params))] + [(st.values, p, st.values[p]) for p in leaves]
    return [st.updated] + [(d, k, d.get(k, _MISSING)) for d, k in writes]


def undo_step(st: State, record: list, previous: Step | None) -> None:
    """Take back the step ``record`` was made for (``previous``: the step before it)."""
    for d, k, old in reversed(record[1:]):
        if k is _WHOLE:
            d.clear()
            d.update(old)
        elif old is _MISSING:
            d.pop(k, None)
        else:
            d[k] = old
    st.updated = record[0]
    st.step = previous
    st.index -= 1


def _edges_of(s: Step) -> int:
    return 1 + len(s.input_values) + len(s.edges) + len(s.updates)


def _copy_state(st: State, params: dict | None = None) -> State:
    """A State whose dicts are its own (``params``: share this dict instead, read-only)."""
    new = copy.copy(st)
    for f in fields(State):
        v = getattr(st, f.name)
        if isinstance(v, dict):
            setattr(new, f.name, dict(v))
    if params is not None:
        new.params = params
    return new
