"""What an op is: one definition holding everything the engine and the
lecture say about it (micrograd's forward and backward side by side, kept as
inspectable data the way early tinygrad's ``Function`` classes are).

Values are NumPy arrays; every node holds one number per sample, so an array's
last axis is the batch of samples and any leading axes are a grid of parameter
settings (loss surfaces).  All ops are elementwise across those axes.

An ``Op`` carries:

- ``forward(xs, ws, attrs)``: the node's value from its input values ``xs``
  (and, for ``weighted_sum``, the edge weights ``ws``);
- ``local(xs, ws, out, attrs)``: ``(d out / d x_i for each input,
  d out / d w_i for each edge weight)``;
- ``formula(a, attrs, weights)``: the op written with its inputs' names;
- ``numbers(xs, attrs, weights, digits)``: the op with numbers plugged in,
  where that reads better than the formula (None: the formula of the numbers);
- ``local_text(t)``: the local derivative d out / d input ``t.i`` as a formula
  in names and one in numbers (``LocalText`` holds the names and values);
- ``gate(attrs)``: how the lecture writes the gate (``*-1``, ``x^2``);
- ``words``, ``caption_forward``, ``caption_backward``: how a caption tells
  what a step through it did (None: the generic sentence);
- ``kink(xs, attrs)``: how far the inputs are from the op's kink (finite
  differences mean nothing there); None for a smooth op;
- ``special`` and ``torch``: its behaviour at special points and its PyTorch
  equivalent, for the documentation.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

from ..textfmt import operand, setting

Array = np.ndarray


@dataclass(frozen=True)
class LocalText:
    """What a local-derivative formula may use: the node, its inputs' names,
    the input ``i`` asked about, the op's settings and the values known so far."""
    node: str
    args: tuple[str, ...]
    i: int
    attrs: Mapping
    weights: tuple
    values: Mapping[str, float]
    digits: int

    @property
    def x(self) -> str:
        return self.args[self.i] if self.i < len(self.args) else ""

    @property
    def k(self) -> int:
        """A pair loss: how many outputs (then as many targets)."""
        return len(self.args) // 2

    def value(self, name: str):
        return self.values.get(name)

    def num(self, name: str) -> str:
        """The value of ``name`` as an operand, or its name when not known yet."""
        v = self.values.get(name)
        return operand(v, self.digits) if v is not None else name

    @property
    def out(self) -> str:
        return self.num(self.node)


def _no_numbers(xs, c, ws, digits):
    return None


@dataclass(frozen=True)
class Op:
    name: str
    arity: int | None               # None: any number of inputs (>= min_inputs)
    forward: Callable
    local: Callable
    symbol: str                     # how the lecture writes it in a gate
    derivative: str                 # the local derivative, in words/formula
    min_inputs: int = 1
    attrs: tuple = ()               # attribute names with defaults, as (name, default)
    kind: str = "op"                # op | activation | loss
    weighted: bool = False          # edges carry weight parameters
    pairs: bool = False             # loss: inputs are outputs then targets (same count)
    matrix: Callable | None = None  # loss on (samples, k) matrices: (O, T, attrs) -> (loss per sample, dL/dO)
    formula: Callable | None = None       # (names, attrs, weights) -> str
    numbers: Callable = _no_numbers       # (xs, attrs, weights, digits) -> str | None
    local_text: Callable | None = None    # (LocalText) -> (in names, in numbers or None) | None
    gate: Callable | None = None          # (attrs) -> the gate's symbol with its settings filled in
    kink: Callable | None = None          # (xs, attrs) -> distance of the inputs from the kink
    words: str | None = None              # "the sigmoid": how a caption names it
    caption_forward: Callable | None = None   # (step, digits) -> the forward caption, when the default won't do
    caption_backward: Callable | None = None  # (step, shown edges, upstream text, digits, objective) -> caption
    sums: bool = False                    # a sum of terms: long ones are shortened on screen
    targets: int | None = None            # a loss with this many target inputs (None: pairs or none)
    special: str = ""                     # behaviour at kinks and special points
    torch: str = ""                       # the PyTorch equivalent

    def outputs_of(self, inputs) -> tuple:
        """A loss's predictions among its inputs (the rest are targets)."""
        inputs = tuple(inputs)
        if self.targets is not None:
            return inputs[: len(inputs) - self.targets]
        return inputs[: len(inputs) // 2]

    def text(self, args, attrs, weights=None) -> str:
        """The op written with its inputs' names (or any strings standing for them)."""
        if self.formula is None:
            return f"{self.name}({', '.join(args)})"
        return self.formula(list(args), attrs or {}, weights)

    def symbol_with(self, attrs) -> str:
        return self.gate(attrs or {}) if self.gate is not None else self.symbol


OPS: dict[str, Op] = {}


def op(name, arity, symbol, derivative, forward, local, **fields) -> Op:
    """Register an op: everything about it in one call."""
    o = Op(name, arity, forward, local, symbol, derivative, **fields)
    OPS[name] = o
    return o


def ones(x):
    return np.ones_like(x, dtype=float)


def as_float(x):
    return np.asarray(x, dtype=float)


def sigmoid(x):
    # 1 / (1 + exp(-x)) in place, as fast as the plain formula; exp(-x) may overflow to
    # inf for very negative x (1/inf = 0, no warning); below -708 the subnormal results come
    # from exp(x) / (1 + exp(x)), which cannot overflow there
    x = as_float(x)
    with np.errstate(over="ignore"):
        out = np.negative(x, out=np.empty_like(x))
        np.exp(out, out=out)
    out += 1.0
    np.reciprocal(out, out=out)
    low = x < -708.0
    if low.any():
        ex = np.exp(x[low])
        out[low] = ex / (1.0 + ex)
    return out


def stack(xs):
    """The inputs broadcast together and stacked on a new first axis."""
    return np.stack(np.broadcast_arrays(*[as_float(x) for x in xs]))


def gap(xs, largest: bool):
    """How far the winner of a max (or min) is from the runner-up."""
    s = np.sort(stack(xs), axis=0)
    return s[-1] - s[-2] if largest else s[1] - s[0]


def g(v) -> str:
    """An op setting as the formula shows it."""
    return setting(v)


def same(sym: str):
    """A local-derivative text that reads the same in names and numbers."""
    return lambda t: (sym, sym)


def unary(fmt_name: str):
    """``name(x)`` for a one-input op."""
    return lambda a, c, w: f"{fmt_name}({a[0]})"
