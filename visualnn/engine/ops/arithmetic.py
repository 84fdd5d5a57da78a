"""Arithmetic gates, the max/min routers and the weight-decay penalties."""
from __future__ import annotations

import math

import numpy as np

from ..textfmt import and_list, d, fmt, operand
from .base import as_float, g, gap, ones, op, same, stack, unary

op("add", None, "+", "d(a+b)/da = 1: the add gate distributes the gradient",
   lambda xs, ws, a: sum(xs[1:], xs[0]),
   lambda xs, ws, out, a: ([ones(out) for _ in xs], []),
   min_inputs=2, sums=True, formula=lambda a, c, w: " + ".join(a), local_text=same("1"),
   caption_backward=lambda s, shown, up, digits, E: f"Backward through the add gate {s.node}: it distributes the "
                                                    f"upstream {up} unchanged to {and_list(e.src for e in shown)}.",
   torch="a + b")
op("sub", 2, "-", "d(a-b)/da = 1, d(a-b)/db = -1",
   lambda xs, ws, a: xs[0] - xs[1],
   lambda xs, ws, out, a: ([ones(out), -ones(out)], []),
   formula=lambda a, c, w: f"{a[0]} - {a[1]}",
   local_text=lambda t: ("1", "1") if t.i == 0 else ("-1", "-1"), torch="a - b")


def _mul_local(xs, ws, out, a):
    grads = []
    for i in range(len(xs)):
        gi = ones(out)
        for j, x in enumerate(xs):
            if j != i:
                gi = gi * x
        grads.append(gi)
    return grads, []


def _mul_text(t):
    others = [b for j, b in enumerate(t.args) if j != t.i]
    return " × ".join(others), " × ".join(t.num(b) for b in others)


def _mul_caption(s, shown, up, digits, E):
    if len(shown) != 2:
        return None
    a, b = shown
    return (f"Backward through the mul gate {s.node}: it switches its inputs: {a.src} gets "
            f"{fmt(a.local, digits)} × {up} = {fmt(a.gradient, digits)}, {b.src} gets {fmt(b.local, digits)} × {up} = "
            f"{fmt(b.gradient, digits)}.")


op("mul", None, "×", "d(ab)/da = b: the mul gate switches its inputs",
   lambda xs, ws, a: math.prod(xs[1:], start=xs[0]), _mul_local,
   min_inputs=2, formula=lambda a, c, w: " × ".join(a), local_text=_mul_text, caption_backward=_mul_caption,
   torch="a * b")
op("div", 2, "÷", "d(a/b)/da = 1/b, d(a/b)/db = -a/b²",
   lambda xs, ws, a: xs[0] / xs[1],
   lambda xs, ws, out, a: ([1.0 / xs[1] * ones(out), -xs[0] / xs[1] ** 2], []),
   formula=lambda a, c, w: f"{a[0]} / {a[1]}",
   local_text=lambda t: (f"1 / {t.args[1]}", f"1 / {t.num(t.args[1])}") if t.i == 0 else
   (f"-{t.args[0]} / {t.args[1]}²", f"-{t.num(t.args[0])} / {t.num(t.args[1])}²"),
   special="b = 0: ±inf (nan for 0/0), as IEEE and PyTorch", torch="a / b")
op("neg", 1, "*-1", "d(-x)/dx = -1",
   lambda xs, ws, a: -xs[0],
   lambda xs, ws, out, a: ([-ones(out)], []),
   formula=lambda a, c, w: f"-{a[0]}", local_text=same("-1"), torch="torch.neg(x)")
op("mul_const", 1, "*c", "d(cx)/dx = c",
   lambda xs, ws, a: a["c"] * xs[0],
   lambda xs, ws, out, a: ([a["c"] * ones(out)], []),
   attrs=(("c", 1.0),), gate=lambda c: f"*{g(c.get('c'))}",
   formula=lambda a, c, w: f"{g(c.get('c'))} × {a[0]}",
   local_text=lambda t: ("c", g(t.attrs.get("c"))), torch="c * x")
op("add_const", 1, "+c", "d(x+c)/dx = 1",
   lambda xs, ws, a: xs[0] + a["c"],
   lambda xs, ws, out, a: ([ones(out)], []),
   attrs=(("c", 0.0),),
   gate=lambda c: f"+{g(c.get('c', 0.0))}" if c.get("c", 0.0) >= 0 else f"-{g(-c.get('c', 0.0))}",
   formula=lambda a, c, w: f"{a[0]} + {g(c.get('c'))}", local_text=same("1"), torch="x + c")
op("inv", 1, "1/x", "d(1/x)/dx = -1/x²",
   lambda xs, ws, a: 1.0 / xs[0],
   lambda xs, ws, out, a: ([-1.0 / xs[0] ** 2], []),
   formula=lambda a, c, w: f"1 / {a[0]}", local_text=lambda t: (f"-1 / {t.x}²", f"-1 / {t.num(t.x)}²"),
   special="x = 0: ±inf, slope -inf", torch="torch.reciprocal(x)")
op("square", 1, "x²", "d(x²)/dx = 2x",
   lambda xs, ws, a: xs[0] ** 2,
   lambda xs, ws, out, a: ([2.0 * xs[0]], []),
   formula=lambda a, c, w: f"{a[0]}²", local_text=lambda t: (f"2·{t.x}", f"2 × {t.num(t.x)}"),
   special="overflows to inf above about 1.3e154", torch="torch.square(x)")
op("sqrt", 1, "√x", "d√x/dx = 1/(2√x)",
   lambda xs, ws, a: np.sqrt(xs[0]),
   lambda xs, ws, out, a: ([0.5 / out], []),
   formula=lambda a, c, w: f"√{a[0]}", local_text=lambda t: (f"1 / (2√{t.x})", f"1 / (2 × {t.out})"),
   special="x = 0: value 0, slope +inf; x < 0: nan", torch="torch.sqrt(x)")
op("pow", 1, "x^p", "d(x^p)/dx = p x^(p-1)",
   lambda xs, ws, a: xs[0] ** a["p"],
   # PyTorch: the derivative of x^0 is 0 everywhere, also at x = 0 (not 0 × 0^-1 = NaN)
   lambda xs, ws, out, a: ([a["p"] * xs[0] ** (a["p"] - 1) if a["p"] != 0 else np.zeros_like(out)], []),
   attrs=(("p", 2.0),), gate=lambda c: f"x^{g(c.get('p'))}",
   formula=lambda a, c, w: f"{a[0]}^{g(c.get('p'))}",
   special="p = 0: slope 0 everywhere (also at x = 0, as PyTorch); x = 0 with p < 1: slope inf; "
           "x < 0 with a fractional p: nan", torch="torch.pow(x, p)")
op("exp", 1, "exp", "d(eˣ)/dx = eˣ",
   lambda xs, ws, a: np.exp(xs[0]),
   lambda xs, ws, out, a: ([out * 1.0], []),
   formula=lambda a, c, w: f"e^{a[0]}", local_text=lambda t: (f"e^{t.x} = {t.node}", None),
   special="overflows to inf above x ≈ 709.78", torch="torch.exp(x)")
op("exp_base", 1, "b^x", "d(bˣ)/dx = bˣ ln b",
   lambda xs, ws, a: np.power(float(a["base"]), xs[0]),
   lambda xs, ws, out, a: ([out * math.log(a["base"])], []),
   attrs=(("base", 10.0),), gate=lambda c: f"{g(c.get('base'))}^x",
   formula=lambda a, c, w: f"{g(c.get('base'))}^{a[0]}", torch="torch.pow(base, x)")
op("log", 1, "log", "d(ln x)/dx = 1/x",
   lambda xs, ws, a: np.log(xs[0]),
   lambda xs, ws, out, a: ([1.0 / xs[0]], []),
   formula=lambda a, c, w: f"ln {a[0]}", local_text=lambda t: (f"1 / {t.x}", f"1 / {t.num(t.x)}"),
   special="x = 0: -inf, slope +inf; x < 0: nan", torch="torch.log(x)")
op("abs", 1, "|x|", "d|x|/dx = sign(x)",
   lambda xs, ws, a: np.abs(xs[0]),
   lambda xs, ws, out, a: ([np.sign(xs[0]) * ones(out)], []),
   formula=lambda a, c, w: f"|{a[0]}|", kink=lambda xs, c: np.abs(as_float(xs[0])),
   special="kink at 0: slope 0 there (sign(0) = 0, as PyTorch)", torch="torch.abs(x)")
op("sin", 1, "sin", "d sin x/dx = cos x",
   lambda xs, ws, a: np.sin(xs[0]),
   lambda xs, ws, out, a: ([np.cos(xs[0]) * ones(out)], []),
   formula=unary("sin"), local_text=lambda t: (f"cos {t.x}", f"cos {t.num(t.x)}"),
   special="smooth; slope 0 at π/2 + kπ", torch="torch.sin(x)")
op("cos", 1, "cos", "d cos x/dx = -sin x",
   lambda xs, ws, a: np.cos(xs[0]),
   lambda xs, ws, out, a: ([-np.sin(xs[0]) * ones(out)], []),
   formula=unary("cos"), local_text=lambda t: (f"-sin {t.x}", f"-sin {t.num(t.x)}"),
   special="smooth; slope 0 at kπ", torch="torch.cos(x)")


def _clamp_local(xs, ws, out, a):
    x = as_float(xs[0])
    inside = (x >= a["min"]) & (x <= a["max"])       # PyTorch: the bounds themselves pass the gradient
    return [inside.astype(float) * ones(out)], []


op("clamp", 1, "clamp", "d clamp/dx = 1 if min ≤ x ≤ max else 0",
   lambda xs, ws, a: np.clip(as_float(xs[0]), a["min"], a["max"]), _clamp_local,
   attrs=(("min", -1.0), ("max", 1.0)),
   formula=lambda a, c, w: f"clamp({a[0]}, {g(c.get('min'))}, {g(c.get('max'))})",
   local_text=lambda t: (f"1 (since {g(t.attrs['min'])} ≤ {t.x} ≤ {g(t.attrs['max'])})", None)
   if t.attrs["min"] <= (t.value(t.x) or 0.0) <= t.attrs["max"] else (f"0 ({t.x} is clamped)", None),
   kink=lambda xs, c: np.minimum(np.abs(as_float(xs[0]) - c["min"]), np.abs(as_float(xs[0]) - c["max"])),
   special="kinks at min and max: slope 1 at the bounds themselves (as PyTorch)",
   torch="torch.clamp(x, min, max)")


def _route(xs, out, a):
    """The max/min gate routes the gradient to the input that won; tied winners
    share it evenly (PyTorch's ``maximum``/``amax``), or with ``split_ties``
    0 the first winner takes it all."""
    wins = [(as_float(x) == out) * ones(out) for x in xs]
    if a.get("split_ties", 1):
        count = sum(wins[1:], wins[0])
        return [w / count for w in wins], []
    taken = np.zeros_like(out, dtype=bool)
    grads = []
    for w in wins:
        first = (w > 0) & ~taken
        taken |= first
        grads.append(first.astype(float))
    return grads, []


def _router(name, reduce, largest):
    return op(name, None, name, f"routes the gradient to the {'larger' if largest else 'smaller'} input "
                                f"(ties share it evenly)",
              lambda xs, ws, a: as_float(reduce(np.broadcast_arrays(*xs))),
              lambda xs, ws, out, a: _route(xs, out, a),
              min_inputs=2, attrs=(("split_ties", 1),),
              formula=lambda a, c, w: f"{name}({', '.join(a)})",
              local_text=lambda t: (f"1 if {t.x} is the {name} else 0", None),
              kink=lambda xs, c: gap(xs, largest),
              caption_backward=lambda s, shown, up, digits, E: (
                  f"Backward through the {name} gate {s.node}: it routes the upstream {up} to "
                  f"{and_list(e.src for e in shown if e.local != 0) or 'no input'}."),
              special=f"ties: the gradient is split evenly among the tied inputs (PyTorch's "
                      f"torch.{'maximum' if largest else 'minimum'} and {'amax' if largest else 'amin'}); "
                      f"split_ties 0: the first tied input takes it all",
              torch=f"torch.{'maximum' if largest else 'minimum'}(a, b)")


_router("max", np.maximum.reduce, True)
_router("min", np.minimum.reduce, False)


# --- weight decay as nodes a student can step through ---------------------------------
op("l2", None, "λΣx²", "d(λ Σ xᵢ²)/dxᵢ = 2λ xᵢ",
   lambda xs, ws, a: a["lam"] * sum((as_float(x) ** 2 for x in xs[1:]), as_float(xs[0]) ** 2),
   lambda xs, ws, out, a: ([2.0 * a["lam"] * x * ones(out) for x in xs], []),
   attrs=(("lam", 0.01),),
   formula=lambda a, c, w: f"{g(c.get('lam'))} × (" + " + ".join(f"{x}²" for x in a) + ")",
   local_text=lambda t: (f"2·{g(t.attrs['lam'])}·{t.x}", f"2 × {g(t.attrs['lam'])} × {t.num(t.x)}"),
   special="smooth; the optimizer setting weight_decay = 2λ adds the same gradient",
   torch="lam * (w ** 2).sum()")
op("l1", None, "λΣ|x|", "d(λ Σ |xᵢ|)/dxᵢ = λ sign(xᵢ)",
   lambda xs, ws, a: a["lam"] * sum((np.abs(as_float(x)) for x in xs[1:]), np.abs(as_float(xs[0]))),
   lambda xs, ws, out, a: ([a["lam"] * np.sign(x) * ones(out) for x in xs], []),
   attrs=(("lam", 0.01),),
   formula=lambda a, c, w: f"{g(c.get('lam'))} × (" + " + ".join(f"|{x}|" for x in a) + ")",
   local_text=lambda t: (f"{g(t.attrs['lam'])}·sign({t.x})", None),
   kink=lambda xs, c: np.min(np.abs(stack(xs)), axis=0),
   special="kink at 0: slope 0 there (sign(0) = 0, as PyTorch)", torch="lam * w.abs().sum()")


# --- the neuron ----------------------------------------------------------------------------
def _wsum(xs, ws, a):
    total = 0.0
    for x, w in zip(xs, ws):
        total = total + (x if w is None else w * x)
    return as_float(total)


def _wsum_local(xs, ws, one):
    return ([(one if w is None else w * one) for w in ws],
            [(None if w is None else x * one) for x, w in zip(xs, ws)])


def _wsum_formula(a, c, weights):
    ws = weights or [None] * len(a)
    return " + ".join(x if w is None else f"{w}·{x}" for x, w in zip(a, ws))


def _wsum_numbers(xs, c, ws, digits):
    ws = ws or [None] * len(xs)
    return " + ".join(operand(x, digits) if w is None else f"{operand(w, digits)}×{operand(x, digits)}"
                      for x, w in zip(xs, ws))


def _wsum_text(t):
    w = t.weights[t.i] if t.weights else None
    return ("1", "1") if w is None else (w, None)


def _wsum_caption(s, shown, up, digits, E):
    ws = [(e, w) for e, w in zip(s.edges, s.weights) if w is not None]
    extra = f" ({d(E, ws[0][1])} = {fmt(ws[0][0].param_gradient, digits)})" if ws else ""
    return (f"Backward through {s.node}: each input gets its weight times the upstream {up}, "
            f"each weight gets its input times the upstream{extra}.")


op("weighted_sum", None, "Σ", "d net/d xᵢ = wᵢ, d net/d wᵢ = xᵢ",
   _wsum, lambda xs, ws, out, a: _wsum_local(xs, ws, ones(out)),
   weighted=True, sums=True, formula=_wsum_formula, numbers=_wsum_numbers, local_text=_wsum_text,
   caption_forward=lambda s, digits: f"Forward: {s.node} is the weighted sum of {and_list(s.inputs)}: "
                                     f"{fmt(s.value, digits)}.",
   caption_backward=_wsum_caption,
   torch="torch.nn.functional.linear(x, w, b)")
