"""Every operation the engine knows, each with its forward rule and its local
derivatives side by side (micrograd style, but as inspectable data).

Values are NumPy arrays; every node holds one number per sample, so an array's
last axis is the batch of samples and any leading axes are a grid of parameter
settings (loss surfaces).  All ops are elementwise across those axes.

``forward(xs, ws, attrs)`` returns the node's value from its input values
``xs`` (and, for ``weighted_sum``, the edge weights ``ws``).
``local(xs, ws, out, attrs)`` returns ``(d out / d x_i for each input,
d out / d w_i for each edge weight)``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

Array = np.ndarray


def _sigmoid(x):
    # split by sign so exp never overflows
    out = np.empty_like(x, dtype=float)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    out[~pos] = ex / (1.0 + ex)
    return out


def _as(x):
    return np.asarray(x, dtype=float)


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


OPS: dict[str, Op] = {}


def op(name, arity, symbol, derivative, *, min_inputs=1, attrs=(), kind="op", weighted=False, pairs=False,
       matrix=None):
    def register(pair):
        fwd, loc = pair
        OPS[name] = Op(name, arity, fwd, loc, symbol, derivative, min_inputs, tuple(attrs), kind, weighted, pairs,
                       matrix)
        return pair
    return register


def _ones(x):
    return np.ones_like(x, dtype=float)


# --- arithmetic ---------------------------------------------------------------
op("add", None, "+", "d(a+b)/da = 1: the add gate distributes the gradient", min_inputs=2)((
    lambda xs, ws, a: sum(xs[1:], xs[0]),
    lambda xs, ws, out, a: ([_ones(out) for _ in xs], []),
))
op("sub", 2, "-", "d(a-b)/da = 1, d(a-b)/db = -1")((
    lambda xs, ws, a: xs[0] - xs[1],
    lambda xs, ws, out, a: ([_ones(out), -_ones(out)], []),
))


def _mul_local(xs, ws, out, a):
    grads = []
    for i in range(len(xs)):
        g = _ones(out)
        for j, x in enumerate(xs):
            if j != i:
                g = g * x
        grads.append(g)
    return grads, []


op("mul", None, "×", "d(ab)/da = b: the mul gate switches its inputs", min_inputs=2)((
    lambda xs, ws, a: math.prod(xs[1:], start=xs[0]),
    _mul_local,
))
op("div", 2, "÷", "d(a/b)/da = 1/b, d(a/b)/db = -a/b²")((
    lambda xs, ws, a: xs[0] / xs[1],
    lambda xs, ws, out, a: ([1.0 / xs[1] * _ones(out), -xs[0] / xs[1] ** 2], []),
))
op("neg", 1, "*-1", "d(-x)/dx = -1")((
    lambda xs, ws, a: -xs[0],
    lambda xs, ws, out, a: ([-_ones(out)], []),
))
op("mul_const", 1, "*c", "d(cx)/dx = c", attrs=(("c", 1.0),))((
    lambda xs, ws, a: a["c"] * xs[0],
    lambda xs, ws, out, a: ([a["c"] * _ones(out)], []),
))
op("add_const", 1, "+c", "d(x+c)/dx = 1", attrs=(("c", 0.0),))((
    lambda xs, ws, a: xs[0] + a["c"],
    lambda xs, ws, out, a: ([_ones(out)], []),
))
op("inv", 1, "1/x", "d(1/x)/dx = -1/x²")((
    lambda xs, ws, a: 1.0 / xs[0],
    lambda xs, ws, out, a: ([-1.0 / xs[0] ** 2], []),
))
op("square", 1, "x²", "d(x²)/dx = 2x")((
    lambda xs, ws, a: xs[0] ** 2,
    lambda xs, ws, out, a: ([2.0 * xs[0]], []),
))
op("sqrt", 1, "√x", "d√x/dx = 1/(2√x)")((
    lambda xs, ws, a: np.sqrt(xs[0]),
    lambda xs, ws, out, a: ([0.5 / out], []),
))
op("pow", 1, "x^p", "d(x^p)/dx = p x^(p-1)", attrs=(("p", 2.0),))((
    lambda xs, ws, a: xs[0] ** a["p"],
    # PyTorch: the derivative of x^0 is 0 everywhere, also at x = 0 (not 0 × 0^-1 = NaN)
    lambda xs, ws, out, a: ([a["p"] * xs[0] ** (a["p"] - 1) if a["p"] != 0 else np.zeros_like(out)], []),
))
op("exp", 1, "exp", "d(eˣ)/dx = eˣ")((
    lambda xs, ws, a: np.exp(xs[0]),
    lambda xs, ws, out, a: ([out * 1.0], []),
))
op("exp_base", 1, "b^x", "d(bˣ)/dx = bˣ ln b", attrs=(("base", 10.0),))((
    lambda xs, ws, a: np.power(float(a["base"]), xs[0]),
    lambda xs, ws, out, a: ([out * math.log(a["base"])], []),
))
op("log", 1, "log", "d(ln x)/dx = 1/x")((
    lambda xs, ws, a: np.log(xs[0]),
    lambda xs, ws, out, a: ([1.0 / xs[0]], []),
))
op("abs", 1, "|x|", "d|x|/dx = sign(x)")((
    lambda xs, ws, a: np.abs(xs[0]),
    lambda xs, ws, out, a: ([np.sign(xs[0]) * _ones(out)], []),
))


def _route(xs, out, pick):
    # the max/min gate routes the whole gradient to the input that won (first on ties)
    taken = np.zeros_like(out, dtype=bool)
    grads = []
    for x in xs:
        win = (x == out) & ~taken
        taken |= win
        grads.append(win.astype(float))
    return grads, []


op("max", None, "max", "routes the gradient to the larger input", min_inputs=2)((
    lambda xs, ws, a: _as(np.maximum.reduce(np.broadcast_arrays(*xs))),
    lambda xs, ws, out, a: _route(xs, out, "max"),
))
op("min", None, "min", "routes the gradient to the smaller input", min_inputs=2)((
    lambda xs, ws, a: _as(np.minimum.reduce(np.broadcast_arrays(*xs))),
    lambda xs, ws, out, a: _route(xs, out, "min"),
))


# --- activations --------------------------------------------------------------
op("sigmoid", 1, "σ", "dσ/dx = σ(x)(1 - σ(x)) = out(1 - out)", kind="activation")((
    lambda xs, ws, a: _sigmoid(_as(xs[0])),
    lambda xs, ws, out, a: ([out * (1.0 - out)], []),
))
op("tanh", 1, "tanh", "d tanh/dx = 1 - tanh² = 1 - out²", kind="activation")((
    lambda xs, ws, a: np.tanh(xs[0]),
    lambda xs, ws, out, a: ([1.0 - out ** 2], []),
))
op("relu", 1, "ReLU", "d ReLU/dx = 1 if x > 0 else 0", kind="activation")((
    lambda xs, ws, a: np.maximum(xs[0], 0.0),
    lambda xs, ws, out, a: ([(xs[0] > 0).astype(float) * _ones(out)], []),
))
op("leaky_relu", 1, "LReLU", "d/dx = 1 if x > 0 else alpha", attrs=(("alpha", 0.01),), kind="activation")((
    lambda xs, ws, a: np.where(xs[0] > 0, xs[0], a["alpha"] * xs[0]),
    lambda xs, ws, out, a: ([np.where(xs[0] > 0, 1.0, a["alpha"]) * _ones(out)], []),
))
op("elu", 1, "ELU", "d/dx = 1 if x > 0 else out + alpha", attrs=(("alpha", 1.0),), kind="activation")((
    lambda xs, ws, a: np.where(xs[0] > 0, xs[0], a["alpha"] * np.expm1(np.minimum(xs[0], 0.0))),
    lambda xs, ws, out, a: ([np.where(xs[0] > 0, 1.0, out + a["alpha"]) * _ones(out)], []),
))
op("softplus", 1, "softplus", "d softplus/dx = σ(x)", kind="activation")((
    lambda xs, ws, a: np.logaddexp(0.0, xs[0]),
    lambda xs, ws, out, a: ([_sigmoid(_as(xs[0]))], []),
))
op("step", 1, "step", "d step/dx = 0 (no gradient flows)", kind="activation")((
    lambda xs, ws, a: (_as(xs[0]) > 0).astype(float),
    lambda xs, ws, out, a: ([np.zeros_like(out)], []),
))
op("linear", 1, "id", "d x/dx = 1", kind="activation")((
    lambda xs, ws, a: xs[0] * 1.0,
    lambda xs, ws, out, a: ([_ones(out)], []),
))
OPS["identity"] = OPS["linear"]


def _wsum(xs, ws, a):
    total = 0.0
    for x, w in zip(xs, ws):
        total = total + (x if w is None else w * x)
    return _as(total)


def _wsum_local(xs, ws, one):
    return ([(one if w is None else w * one) for w in ws],
            [(None if w is None else x * one) for x, w in zip(xs, ws)])


op("weighted_sum", None, "Σ", "d net/d xᵢ = wᵢ, d net/d wᵢ = xᵢ", weighted=True)((
    _wsum,
    lambda xs, ws, out, a: _wsum_local(xs, ws, _ones(out)),
))


def _softmax_all(xs):
    m = np.maximum.reduce(np.broadcast_arrays(*xs))
    e = [np.exp(x - m) for x in xs]
    s = sum(e[1:], e[0])
    return [ei / s for ei in e]


op("softmax", None, "softmax", "d sᵢ/d xⱼ = sᵢ(δᵢⱼ - sⱼ)", attrs=(("index", 0),), kind="activation")((
    lambda xs, ws, a: _softmax_all(xs)[int(a["index"])],
    lambda xs, ws, out, a: (
        [out * ((1.0 if j == int(a["index"]) else 0.0) - s) for j, s in enumerate(_softmax_all(xs))], []),
))


# --- losses: inputs are the outputs o_1..o_k, then the targets t_1..t_k ----------
def _split(xs):
    k = len(xs) // 2
    return xs[:k], xs[k:]


def _loss(name, symbol, derivative, f, dfdo, dfdt):
    """Register a loss that is a sum (or mean) of per-output terms f(o, t)."""
    def fwd(xs, ws, a):
        o, t = _split(xs)
        return _as(sum((f(oi, ti) for oi, ti in zip(o[1:], t[1:])), f(o[0], t[0])))

    def loc(xs, ws, out, a):
        o, t = _split(xs)
        return ([dfdo(oi, ti) * _ones(out) for oi, ti in zip(o, t)]
                + [dfdt(oi, ti) * _ones(out) for oi, ti in zip(o, t)]), []

    def matrix(O, T, a):
        return f(O, T).sum(axis=-1), dfdo(O, T)
    op(name, None, symbol, derivative, min_inputs=2, kind="loss", pairs=True, matrix=matrix)((fwd, loc))


_loss("squared_error", "E", "dE/do = -(t - o)",
      lambda o, t: 0.5 * (t - o) ** 2, lambda o, t: -(t - o), lambda o, t: t - o)


def _mean_loss(name, symbol, derivative, f, dfdo, dfdt):
    def fwd(xs, ws, a):
        o, t = _split(xs)
        return _as(sum((f(oi, ti) for oi, ti in zip(o, t))) / len(o))

    def loc(xs, ws, out, a):
        o, t = _split(xs)
        k = len(o)
        return ([dfdo(oi, ti) / k * _ones(out) for oi, ti in zip(o, t)]
                + [dfdt(oi, ti) / k * _ones(out) for oi, ti in zip(o, t)]), []

    def matrix(O, T, a):
        k = O.shape[-1]
        return f(O, T).sum(axis=-1) / k, dfdo(O, T) / k
    op(name, None, symbol, derivative, min_inputs=2, kind="loss", pairs=True, matrix=matrix)((fwd, loc))


_mean_loss("mse", "MSE", "dL/do = -2(t - o)/k",
           lambda o, t: (t - o) ** 2, lambda o, t: -2.0 * (t - o), lambda o, t: 2.0 * (t - o))
_mean_loss("mae", "MAE", "dL/do = -sign(t - o)/k",
           lambda o, t: np.abs(t - o), lambda o, t: -np.sign(t - o), lambda o, t: np.sign(t - o))
_mean_loss("binary_cross_entropy", "BCE", "dL/do = (o - t)/(o(1 - o))/k",
           lambda o, t: -(t * np.log(o) + (1.0 - t) * np.log(1.0 - o)),
           lambda o, t: (o - t) / (o * (1.0 - o)),
           lambda o, t: -(np.log(o) - np.log(1.0 - o)))
_loss("cross_entropy", "CE", "dL/dpᵢ = -tᵢ/pᵢ",
      lambda p, t: -t * np.log(p), lambda p, t: -t / p, lambda p, t: -np.log(p))


def _sce_fwd(xs, ws, a):
    z, t = _split(xs)
    m = np.maximum.reduce(np.broadcast_arrays(*z))
    lse = m + np.log(sum(np.exp(zi - m) for zi in z))
    return _as(sum(ti * (lse - zi) for zi, ti in zip(z, t)))


def _sce_local(xs, ws, out, a):
    z, t = _split(xs)
    p = _softmax_all(z)
    tsum = sum(t[1:], t[0])
    m = np.maximum.reduce(np.broadcast_arrays(*z))
    lse = m + np.log(sum(np.exp(zi - m) for zi in z))
    return ([(pi * tsum - ti) * _ones(out) for pi, ti in zip(p, t)]
            + [(lse - zi) * _ones(out) for zi in z]), []


op("softmax_cross_entropy", None, "CE∘softmax", "dL/dzᵢ = pᵢ - tᵢ (softmax then cross-entropy)",
   min_inputs=2, kind="loss", pairs=True)((_sce_fwd, _sce_local))


def _hinge_terms(xs, a):
    # scores and targets broadcast together: scores may not depend on the samples
    s, t = _split(np.broadcast_arrays(*[_as(x) for x in xs]))
    S = np.stack(s)
    T = np.stack(t)
    y = np.argmax(T, axis=0)
    sy = np.take_along_axis(S, y[None], axis=0)[0]
    margins = S - sy + float(a["margin"])
    j = np.arange(len(s)).reshape((-1,) + (1,) * (S.ndim - 1))
    active = (margins > 0) & (j != y)
    return S, y, margins, active


def _hinge_fwd(xs, ws, a):
    S, y, margins, active = _hinge_terms(xs, a)
    return _as(np.where(active, margins, 0.0).sum(axis=0))


def _hinge_local(xs, ws, out, a):
    S, y, margins, active = _hinge_terms(xs, a)
    j = np.arange(S.shape[0]).reshape((-1,) + (1,) * (S.ndim - 1))
    g = active.astype(float) - (j == y) * active.sum(axis=0)
    k = S.shape[0]
    return [g[i] * _ones(out) for i in range(k)] + [np.zeros_like(out) for _ in range(k)], []


op("hinge", None, "hinge", "dL/dsⱼ = 1 if sⱼ - s_y + Δ > 0 (j ≠ y); dL/ds_y = -(count of those)",
   min_inputs=2, attrs=(("margin", 1.0),), kind="loss", pairs=True)((_hinge_fwd, _hinge_local))

LEAF_KINDS = ("input", "target", "param", "const")
ACTIVATIONS = [n for n, o in OPS.items() if o.kind == "activation" and n not in ("identity", "softmax")]
LOSSES = [n for n, o in OPS.items() if o.kind == "loss"]


def attrs_with_defaults(opname: str, attrs: dict) -> dict:
    full = {k: v for k, v in OPS[opname].attrs}
    full.update(attrs or {})
    return full
