"""One cache for traces, step lists and states, bounded by bytes.

A [784, 64, 10] pass holds ~51,000 edge records and states of ~150,000
entries; a 2-2-2 pass a few dozen.  A count of cycles cannot bound both, so
every entry carries an estimate of the memory it keeps alive (Python objects
on a 64-bit CPython: a float 24 bytes, a dict slot ~40, a frozen dataclass
~56 plus its fields) and the least recently used entries go once the total
passes the bound.  The estimates err on the high side.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Callable, Hashable

import numpy as np

DICT_ENTRY = 64          # a dict slot, its float value (the key is usually shared)
STATE_ENTRY = 48         # a slot in a state's copied dict (keys and values shared with the trace's)
TUPLE_KEY_ENTRY = 80     # the same keyed by an (src, dst) tuple made when the state was built
STEP = 260               # a Step record with its small tuples
EDGE_FIELDS = 11         # an EdgeGradient's fields (engine.trace): a test keeps the two in step
EDGE = 64 + 8 * EDGE_FIELDS + 24 * 7 + 8   # the record, its 7 float fields' new floats, its tuple slot
INPUT = 40               # one input value of a forward step (a float and its tuple slot)
UPDATE = 150             # one (param, old, gradient, new) tuple of an update step


class ByteCache:
    """Least-recently-used entries, at most ``limit`` estimated bytes in all."""

    def __init__(self, limit: int):
        self.limit = int(limit)
        self.bytes = 0
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()

    def get(self, key: Hashable, default=None):
        hit = self._entries.get(key)
        if hit is None:
            return default
        self._entries.move_to_end(key)
        return hit[0]

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def put(self, key: Hashable, value, size: int):
        """Keep ``value`` (about ``size`` bytes); an entry larger than the whole
        bound is not kept at all."""
        self.pop(key)
        if size > self.limit:
            return
        self._entries[key] = (value, int(size))
        self.bytes += int(size)
        while self.bytes > self.limit:
            _, (_, old) = self._entries.popitem(last=False)
            self.bytes -= old

    def pop(self, key: Hashable):
        hit = self._entries.pop(key, None)
        if hit is not None:
            self.bytes -= hit[1]
        return None if hit is None else hit[0]

    def drop_where(self, doomed: Callable[[Any], bool]):
        for key in [k for k in self._entries if doomed(k)]:
            self.pop(key)

    def keys(self) -> list:
        return list(self._entries)


def trace_bytes(trace) -> int:
    steps = trace.steps
    n = STEP * len(steps)
    n += INPUT * sum(len(s.input_values) for s in steps)
    n += EDGE * sum(len(s.edges) for s in steps)
    n += DICT_ENTRY * (len(trace.values) + len(trace.gradients) + len(trace.param_gradients) + len(trace.params))
    return n


def steps_bytes(steps: list) -> int:
    """A cycle's step list: its own list, and the update step (the trace's steps are shared)."""
    return 8 * len(steps) + sum(STEP + UPDATE * len(s.updates) for s in steps if s.phase == "update")


def state_bytes(state, shared_params: bool = False) -> int:
    n = STATE_ENTRY * (len(state.values) + len(state.gradients) + len(state.param_gradients))
    n += TUPLE_KEY_ENTRY * (len(state.edge_values) + len(state.edge_gradients))
    if not shared_params:
        n += STATE_ENTRY * len(state.params)
    return n + 200


def start_bytes(params: dict, optimizer) -> int:
    """Parameters and an optimizer's state (its NumPy arrays)."""
    arrays = sum(v.nbytes + 112 for v in vars(optimizer).values() if isinstance(v, np.ndarray))
    return DICT_ENTRY * len(params) + arrays + 400
