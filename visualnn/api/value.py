"""Scalar values with micrograd's operators, computed by the engine's ops.

A ``Value`` is one node of an expression: a leaf (a parameter, an input, a
target or a constant) or the result of one of the engine's registered ops
(``engine.ops.OPS``) applied to ordered inputs.  The forward value is the op's
own forward rule; ``backward()`` turns the expression into the engine's graph,
records its trace (``engine.trace.record``, the step list the app shows) and
writes each node's gradient into ``.grad``: there is no second autograd here.

Unlike micrograd, inputs are kept in order and every node remembers the op's
settings, so the expression is plain data the app can step through.
"""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

from ..engine.ops import OPS, attrs_with_defaults

LEAF_KINDS = ("param", "input", "target", "const")


class Value:
    """One number of an expression and, after ``backward()``, its gradient.

    ``Value(2.0, "w")`` is a parameter named w; ``kind="input"`` or
    ``"target"`` makes it data (the file stores it as a sample, not a weight).
    Names are optional: unnamed nodes get short names when the expression is
    traced (``add1``, ``mul1``, ``p1``)."""

    __slots__ = ("data", "grad", "op", "inputs", "weights", "attrs", "name", "kind", "layer", "group")

    def __init__(self, data: float, name: str | None = None, kind: str = "param", *, label: str | None = None):
        if kind not in LEAF_KINDS:
            raise ValueError(f"a leaf is one of {', '.join(LEAF_KINDS)}, not {kind!r}")
        self.data = float(data)
        self.grad = 0.0
        self.op = kind                                  # a leaf kind, or the op that made it
        self.inputs: tuple[Value, ...] = ()
        self.weights: tuple[Value | None, ...] = ()     # weighted_sum: the parameter on each input edge
        self.attrs: dict = {}
        self.name = name or label                       # micrograd's lecture calls it label
        self.kind = kind
        self.layer: int | None = None                   # layout hints (a layered network sets them)
        self.group: str | None = None

    @classmethod
    def apply(cls, op: str, inputs: Sequence[Value], weights: Sequence[Value | None] = (),
              name: str | None = None, **attrs) -> Value:
        """The node ``op(inputs)``, its value from the op's forward rule."""
        if op not in OPS:
            raise ValueError(f"unknown op {op!r}")
        full = attrs_with_defaults(op, attrs)
        xs = [np.array([x.data]) for x in inputs]
        ws = [None if w is None else np.array([w.data]) for w in weights]
        with np.errstate(all="ignore"):
            out = OPS[op].forward(xs, ws, full)
        v = cls(float(np.asarray(out, dtype=float).reshape(-1)[0]), name)
        v.op, v.kind = op, "op"
        v.inputs, v.weights, v.attrs = tuple(inputs), tuple(weights), dict(attrs)
        return v

    def named(self, name: str) -> Value:
        """This value, named ``name`` in the graph (``((x + y).named("q") * z).named("f")``)."""
        self.name = name
        return self

    @property
    def label(self) -> str | None:
        """The name, by the word micrograd's lecture uses (``e = a * b; e.label = "e"``)."""
        return self.name

    @label.setter
    def label(self, text: str | None) -> None:
        self.name = text

    @property
    def is_leaf(self) -> bool:
        return self.kind != "op"

    def __repr__(self) -> str:
        label = f"{self.name}: " if self.name else ""
        return f"Value({label}data={self.data:.6g}, grad={self.grad:.6g})"

    # -- micrograd's operators ----------------------------------------------------------------
    def __add__(self, other) -> Value:
        if isinstance(other, Value):
            return Value.apply("add", [self, other])
        return Value.apply("add_const", [self], c=_number(other))

    def __radd__(self, other) -> Value:
        return self + other

    def __mul__(self, other) -> Value:
        if isinstance(other, Value):
            return Value.apply("mul", [self, other])
        return Value.apply("mul_const", [self], c=_number(other))

    def __rmul__(self, other) -> Value:
        return self * other

    def __sub__(self, other) -> Value:
        if isinstance(other, Value):
            return Value.apply("sub", [self, other])
        return Value.apply("add_const", [self], c=-_number(other))

    def __rsub__(self, other) -> Value:
        return Value.apply("sub", [const(other), self])

    def __truediv__(self, other) -> Value:
        return Value.apply("div", [self, as_value(other)])

    def __rtruediv__(self, other) -> Value:
        return Value.apply("div", [const(other), self])

    def __pow__(self, p) -> Value:
        if isinstance(p, Value):
            raise TypeError("the exponent must be a number: the engine has no op for a value raised to a value "
                            "(write (b * a.log()).exp())")
        return Value.apply("pow", [self], p=_number(p))

    def __rpow__(self, base) -> Value:
        return Value.apply("exp_base", [self], base=_number(base))

    def __neg__(self) -> Value:
        return Value.apply("neg", [self])

    def __abs__(self) -> Value:
        return Value.apply("abs", [self])

    # -- the engine's one-input ops (exp, log, sqrt, sin, cos, tanh, sigmoid, relu, softplus, gelu: below) --
    def leaky_relu(self, alpha: float = 0.01) -> Value:
        return Value.apply("leaky_relu", [self], alpha=_number(alpha))

    def elu(self, alpha: float = 1.0) -> Value:
        return Value.apply("elu", [self], alpha=_number(alpha))

    def clamp(self, lo: float = -1.0, hi: float = 1.0) -> Value:
        return Value.apply("clamp", [self], min=_number(lo), max=_number(hi))

    def activate(self, activation: str, **attrs) -> Value:
        """The engine's activation ``activation`` (a layer's name for it: "sigmoid", "linear", ...)."""
        return Value.apply(activation, [self], **attrs)

    # -- gradients --------------------------------------------------------------------------------
    def backward(self) -> None:
        """Gradients of this value with respect to every node it depends on, added to
        their ``.grad`` as micrograd does (``zero_grad`` first when training), by the
        engine's backward pass over the expression's graph."""
        from .build import trace_values
        for v, grad in trace_values(self):
            v.grad += grad
        self.grad = 1.0

    def nodes(self) -> list[Value]:
        """Every value this one depends on (itself last), inputs before their users."""
        return topological(self)

    def parameters(self) -> list[Value]:
        """The parameter leaves, edge weights included, in first-use order."""
        out, seen = [], set()
        for v in self.nodes():
            for p in ([v] if v.kind == "param" else [w for w in v.weights if w is not None]):
                if id(p) not in seen:
                    seen.add(id(p))
                    out.append(p)
        return out


def _one_input(op: str):
    def method(self: Value) -> Value:
        return Value.apply(op, [self])
    method.__name__ = method.__qualname__ = op
    method.__doc__ = f"The engine's {op} op: {OPS[op].derivative}."
    return method


for _op in ("exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "softplus", "gelu"):
    setattr(Value, _op, _one_input(_op))


def _number(x) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float, np.floating, np.integer)):
        raise TypeError(f"expected a number or a Value, got {type(x).__name__}")
    return float(x)


def const(x) -> Value:
    """A constant leaf (no gradient is learned for it)."""
    return Value(_number(x), kind="const")


def as_value(x, kind: str = "const") -> Value:
    """``x`` if it is a Value, else a leaf of ``kind`` holding it."""
    return x if isinstance(x, Value) else Value(_number(x), kind=kind)


def weighted_sum(xs: Sequence[Value], weights: Sequence[Value | None], name: str | None = None) -> Value:
    """A neuron's net input: sum of weight x input, each weight on its edge (None: a plain edge, a bias)."""
    if len(xs) != len(weights):
        raise ValueError(f"{len(xs)} inputs but {len(weights)} weights")
    return Value.apply("weighted_sum", list(xs), list(weights), name=name)


def maximum(*xs: Value) -> Value:
    return Value.apply("max", [as_value(x) for x in xs])


def minimum(*xs: Value) -> Value:
    return Value.apply("min", [as_value(x) for x in xs])


def loss(op: str, outputs: Iterable[Value] | Value, targets: Iterable[float | Value] | float | Value,
         name: str = "loss", **attrs) -> Value:
    """The engine's loss ``op`` of ``outputs`` against ``targets`` (numbers become target leaves)."""
    outs = [outputs] if isinstance(outputs, Value) else list(outputs)
    tgts = [targets] if isinstance(targets, (Value, int, float)) else list(targets)
    if op not in OPS or OPS[op].kind != "loss":
        raise ValueError(f"unknown loss {op!r}")
    if len(tgts) != len(outs) and OPS[op].pairs:
        raise ValueError(f"{len(outs)} outputs but {len(tgts)} targets")
    tv = [as_value(t, "target") for t in tgts]
    for o, t, given in zip(outs, tv, tgts):
        if not isinstance(given, Value) and o.name:
            # the layered network file's name for it: target_o1 for out_o1
            t.name = f"target_{o.name.removeprefix('out_')}"
    return Value.apply(op, outs + tv, name=name, **attrs)


def squared_error(outputs, targets, name: str = "loss") -> Value:
    """E = sum of 1/2 (target - out)^2: the lecture's squared error."""
    return loss("squared_error", outputs, targets, name)


def mse(outputs, targets, name: str = "loss") -> Value:
    return loss("mse", outputs, targets, name)


def topological(root: Value) -> list[Value]:
    """The expression's nodes, every input before its users, inputs in order (iterative:
    deep expressions do not hit Python's recursion limit)."""
    order: list[Value] = []
    seen: set[int] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        v, done = stack.pop()
        if done:
            order.append(v)
            continue
        if id(v) in seen:
            continue
        seen.add(id(v))
        stack.append((v, True))
        for x in reversed(v.inputs):
            if id(x) not in seen:
                stack.append((x, False))
    return order
