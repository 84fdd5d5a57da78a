"""The optimizer update that ends a pass, made when it is first needed.

Stepping into a new pass of [784, 64, 10] needs that pass's trace, not its
update: turning 50,890 parameters into arrays, stepping the optimizer and
making a (param, old, gradient, new) record per parameter costs more than
recording the trace.  ``PendingUpdate`` holds what the update is computed
from (the pass's trace and a copy of the optimizer state it started with,
neither ever changed afterwards), so a step list held across a later edit
still gives the parameters of the pass it was made for.
"""
from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from functools import partial

import numpy as np

from .lazy import LazyTuple
from .trace import Trace

Update = tuple[str, float, float, float]        # (param, old, gradient, new)


def apply_update(opt, trace: Trace, lr: float, names: Sequence[str], frozen: frozenset[str]) -> dict[str, float]:
    """One optimizer step (``opt`` changes in place) from ``trace``'s parameters and gradients."""
    opt.lr = lr                           # as Trainer.run_epoch sets it for each epoch
    theta = np.fromiter(map(trace.params.__getitem__, names), float, len(names))
    grad = np.fromiter(map(trace.param_gradients.__getitem__, names), float, len(names))
    new = opt.step(theta, grad)
    if frozen:                            # as training does: no step at all, weight decay included
        new = np.where(np.array([p in frozen for p in names], dtype=bool), theta, new)
    return dict(zip(names, np.asarray(new, dtype=float).tolist()))


class PendingUpdate:
    """The update after one pass: the next pass's parameters and optimizer state, computed
    once, when first asked for, from the pass's own trace and optimizer state."""
    __slots__ = ("_inputs", "_result")

    def __init__(self, trace: Trace, opt, lr: float, names: Sequence[str], frozen: frozenset[str]):
        # ``opt`` is a copy no one else changes: the step runs on a copy of it again
        self._inputs: tuple | None = (trace, opt, float(lr), tuple(names), frozenset(frozen))
        self._result: tuple[dict[str, float], object] | None = None

    @property
    def done(self) -> bool:
        return self._result is not None

    def result(self) -> tuple[dict[str, float], object]:
        """(the next pass's parameters, its optimizer state): shared, do not change them."""
        if self._result is None:
            assert self._inputs is not None
            trace, opt, lr, names, frozen = self._inputs
            opt = copy.deepcopy(opt)
            self._result = (apply_update(opt, trace, lr, names, frozen), opt)
            self._inputs = None               # the trace may go with its cache entry
        return self._result

    def params(self) -> dict[str, float]:
        """The next pass's parameters (shared: do not change them)."""
        return self.result()[0]


class LazyUpdates(LazyTuple[Update]):
    """An update step's (param, old, gradient, new) records, made on first use (then kept);
    compares as a tuple.  ``new_params()``: the parameters after the update."""
    __slots__ = ("new_params",)

    def __init__(self, trace: Trace, names: Sequence[str], new_params: Callable[[], dict[str, float]]):
        names = tuple(names)
        super().__init__(len(names), partial(_records, trace, names, new_params))
        self.new_params = new_params          # shared: do not change it


def _records(trace: Trace, names: tuple[str, ...], new_params: Callable[[], dict[str, float]]) -> tuple[Update, ...]:
    new = new_params()
    return tuple(zip(names, map(trace.params.__getitem__, names), map(trace.param_gradients.__getitem__, names),
                     map(new.__getitem__, names)))
