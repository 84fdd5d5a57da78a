"""Activations: what a neuron does with its weighted sum."""
from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from ..textfmt import fmt, operand
from .base import OPS, as_float, g, gap, ones, op, same, sigmoid, unary


def _relu_text(t):
    return (f"1 (since {t.x} > 0)", None) if (t.value(t.x) or 0) > 0 else (f"0 (since {t.x} ≤ 0)", None)


def _abs_x(xs, c):
    return np.abs(as_float(xs[0]))


op("sigmoid", 1, "σ", "dσ/dx = σ(x)(1 - σ(x)) = out(1 - out)",
   lambda xs, ws, a: sigmoid(xs[0]),
   lambda xs, ws, out, a: ([out * (1.0 - out)], []),
   kind="activation", words="the sigmoid", formula=unary("σ"),
   numbers=lambda xs, c, w, d: f"1 / (1 + e^{operand(-xs[0], d)})",
   local_text=lambda t: (f"{t.node}(1 - {t.node})", f"{t.out} × (1 - {t.out})"),
   special="saturates: out rounds to exactly 1 above x ≈ 36.7 (and its slope to 0)",
   torch="torch.sigmoid(x)")
op("tanh", 1, "tanh", "d tanh/dx = 1 - tanh² = 1 - out²",
   lambda xs, ws, a: np.tanh(xs[0]),
   lambda xs, ws, out, a: ([1.0 - out ** 2], []),
   kind="activation", words="tanh", formula=unary("tanh"),
   numbers=lambda xs, c, w, d: f"tanh({fmt(xs[0], d)})",
   local_text=lambda t: (f"1 - {t.node}²", f"1 - {t.out}²"),
   special="saturates: out rounds to ±1 beyond |x| ≈ 19", torch="torch.tanh(x)")
op("relu", 1, "ReLU", "d ReLU/dx = 1 if x > 0 else 0",
   lambda xs, ws, a: np.maximum(xs[0], 0.0),
   lambda xs, ws, out, a: ([(as_float(xs[0]) > 0).astype(float) * ones(out)], []),
   kind="activation", words="the ReLU", formula=lambda a, c, w: f"max(0, {a[0]})", local_text=_relu_text,
   kink=_abs_x, special="kink at 0: slope 0 there (as PyTorch)", torch="torch.relu(x)")
op("leaky_relu", 1, "LReLU", "d/dx = 1 if x > 0 else alpha",
   lambda xs, ws, a: np.where(as_float(xs[0]) > 0, xs[0], a["alpha"] * as_float(xs[0])),
   lambda xs, ws, out, a: ([np.where(as_float(xs[0]) > 0, 1.0, a["alpha"]) * ones(out)], []),
   attrs=(("alpha", 0.01),), kind="activation", words="the leaky ReLU", formula=unary("LReLU"),
   numbers=lambda xs, c, w, d: operand(xs[0], d) if xs[0] > 0 else f"{g(c.get('alpha'))} × {operand(xs[0], d)}",
   kink=_abs_x, special="kink at 0: slope alpha there (as PyTorch)",
   torch="torch.nn.functional.leaky_relu(x, alpha)")
op("elu", 1, "ELU", "d/dx = 1 if x > 0 else out + alpha",
   lambda xs, ws, a: np.where(as_float(xs[0]) > 0, xs[0], a["alpha"] * np.expm1(np.minimum(xs[0], 0.0))),
   lambda xs, ws, out, a: ([np.where(as_float(xs[0]) > 0, 1.0, out + a["alpha"]) * ones(out)], []),
   attrs=(("alpha", 1.0),), kind="activation", words="the ELU", formula=unary("ELU"),
   numbers=lambda xs, c, w, d: operand(xs[0], d) if xs[0] > 0 else
   f"{g(c.get('alpha'))} × (e^{operand(xs[0], d)} - 1)",
   kink=_abs_x, special="kink at 0 unless alpha = 1: slope alpha there (as PyTorch)",
   torch="torch.nn.functional.elu(x, alpha)")
op("softplus", 1, "softplus", "d softplus/dx = σ(x)",
   lambda xs, ws, a: np.logaddexp(0.0, xs[0]),
   lambda xs, ws, out, a: ([sigmoid(xs[0])], []),
   kind="activation", words="softplus", formula=lambda a, c, w: f"ln(1 + e^{a[0]})",
   numbers=lambda xs, c, w, d: f"ln(1 + e^{operand(xs[0], d)})",
   special="smooth; computed as log(1 + e^x) without overflow (PyTorch returns x itself above 20, "
           "a difference below 2e-9)", torch="torch.nn.functional.softplus(x)")
op("step", 1, "step", "d step/dx = 0 (no gradient flows)",
   lambda xs, ws, a: (as_float(xs[0]) > 0).astype(float),
   lambda xs, ws, out, a: ([np.zeros_like(out)], []),
   kind="activation", words="the step function", formula=unary("step"), local_text=same("0"), kink=_abs_x,
   special="jumps at 0 (step(0) = 0); slope 0 everywhere, so nothing is learned through it",
   torch="(x > 0).double()  (no gradient)")
op("linear", 1, "id", "d x/dx = 1",
   lambda xs, ws, a: xs[0] * 1.0,
   lambda xs, ws, out, a: ([ones(out)], []),
   kind="activation", words="the identity", formula=lambda a, c, w: a[0], local_text=same("1"),
   torch="x")
OPS["identity"] = replace(OPS["linear"], name="identity", words=None)    # an alias; captions say "identity"


def _erf(x):
    # SciPy's vectorised erf when it is installed (40 times faster on a loss surface's
    # grid); else math.erf element by element.  Imported here: SciPy is optional and
    # costs 0.2 s to import, which only a GELU network should pay.
    try:
        from scipy.special import erf  # type: ignore  # (no stubs; absent without SciPy)
    except ImportError:
        return np.vectorize(math.erf, otypes=[float])(as_float(x))
    return erf(as_float(x))


def _gelu_local(xs, ws, out, a):
    x = as_float(xs[0])
    cdf = 0.5 * (1.0 + _erf(x / math.sqrt(2.0)))
    pdf = np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)
    return [(cdf + x * pdf) * ones(out)], []


op("gelu", 1, "GELU", "d/dx = Φ(x) + x φ(x)",
   lambda xs, ws, a: 0.5 * as_float(xs[0]) * (1.0 + _erf(as_float(xs[0]) / math.sqrt(2.0))), _gelu_local,
   kind="activation", words="the GELU", formula=lambda a, c, w: f"{a[0]}·Φ({a[0]})",
   local_text=lambda t: (f"Φ({t.x}) + {t.x}·φ({t.x})", None),
   special="smooth; its minimum -0.17 is at x ≈ -0.75, where the slope is 0", torch="torch.nn.functional.gelu(x)")


# --- activations of several inputs -------------------------------------------------------
def softmax_all(xs):
    m = np.maximum.reduce(np.broadcast_arrays(*xs))
    e = [np.exp(x - m) for x in xs]
    s = sum(e[1:], e[0])
    return [ei / s for ei in e]


def log_sum_exp(xs):
    m = np.maximum.reduce(np.broadcast_arrays(*xs))
    return m + np.log(sum(np.exp(x - m) for x in xs))


def _exps(xs, d):
    return " + ".join(f"e^{operand(x, d)}" for x in xs)


op("softmax", None, "softmax", "d sᵢ/d xⱼ = sᵢ(δᵢⱼ - sⱼ)",
   lambda xs, ws, a: softmax_all(xs)[int(a["index"])],
   lambda xs, ws, out, a: (
       [out * ((1.0 if j == int(a["index"]) else 0.0) - s) for j, s in enumerate(softmax_all(xs))], []),
   attrs=(("index", 0),), kind="activation", words="softmax",
   formula=lambda a, c, w: f"softmax({', '.join(a)})[{int(c.get('index', 0)) + 1}]",
   numbers=lambda xs, c, w, d: f"e^{operand(xs[int(c.get('index', 0))], d)} / ({_exps(xs, d)})",
   special="smooth; computed with the largest input subtracted, so it never overflows",
   torch="torch.softmax(z, dim=0)[index]")
op("log_softmax", None, "log softmax", "d(log sᵢ)/d xⱼ = δᵢⱼ - sⱼ",
   lambda xs, ws, a: as_float(xs[int(a["index"])]) - log_sum_exp(xs),
   lambda xs, ws, out, a: (
       [((1.0 if j == int(a["index"]) else 0.0) - s) * ones(out) for j, s in enumerate(softmax_all(xs))], []),
   attrs=(("index", 0),), kind="activation", words="log-softmax",
   formula=lambda a, c, w: f"log softmax({', '.join(a)})[{int(c.get('index', 0)) + 1}]",
   numbers=lambda xs, c, w, d: f"{operand(xs[int(c.get('index', 0))], d)} - ln({_exps(xs, d)})",
   local_text=lambda t: (f"{'1' if t.i == int(t.attrs['index']) else '0'} - softmax_{t.i + 1}", None),
   special="smooth and never -inf: computed as zᵢ - log Σ e^z with the largest input subtracted",
   torch="torch.log_softmax(z, dim=0)[index]")


def _prelu_local(xs, ws, out, a):
    x, slope = as_float(xs[0]), as_float(xs[1])
    pos = x > 0
    return [np.where(pos, 1.0, slope) * ones(out), np.where(pos, 0.0, x) * ones(out)], []


op("prelu", 2, "PReLU", "d/dx = 1 if x > 0 else a; d/da = 0 if x > 0 else x",
   lambda xs, ws, a: np.where(as_float(xs[0]) > 0, xs[0], as_float(xs[1]) * as_float(xs[0])), _prelu_local,
   kind="activation", words="the PReLU",
   formula=lambda a, c, w: f"PReLU({a[0]}; slope {a[1]})",
   numbers=lambda xs, c, w, d: operand(xs[0], d) if xs[0] > 0 else f"{operand(xs[1], d)} × {operand(xs[0], d)}",
   local_text=lambda t: ((f"1 (since {t.args[0]} > 0)" if (t.value(t.args[0]) or 0) > 0 else t.args[1]), None)
   if t.i == 0 else ((f"0 (since {t.args[0]} > 0)" if (t.value(t.args[0]) or 0) > 0 else t.args[0]), None),
   kink=_abs_x,
   special="the slope a is an input, usually a learnable param; kink at x = 0: slope a there (as PyTorch)",
   torch="torch.nn.functional.prelu(x, a)")
op("maxout", None, "maxout", "routes the gradient to the largest piece (ties share it evenly)",
   lambda xs, ws, a: as_float(np.maximum.reduce(np.broadcast_arrays(*xs))),
   lambda xs, ws, out, a: OPS["max"].local(xs, ws, out, {"split_ties": 1}),
   min_inputs=2, kind="activation", words="maxout",
   formula=lambda a, c, w: f"maxout({', '.join(a)})",
   local_text=lambda t: (f"1 if {t.x} is the largest piece else 0", None),
   kink=lambda xs, c: gap(xs, True),
   special="its inputs are the pieces, each a weighted_sum of the same inputs; ties split the gradient evenly",
   torch="torch.stack(pieces).amax(dim=0)")
