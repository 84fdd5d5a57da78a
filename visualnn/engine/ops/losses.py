"""Losses: inputs are the outputs o_1..o_k, then the targets t_1..t_k (one class
number for ``class_cross_entropy``).  Each is one number per sample; the
objective averages it over the samples."""
from __future__ import annotations

import numpy as np

from .activations import log_sum_exp, softmax_all
from .base import as_float, g, ones, op, sigmoid, stack

LOG_FLOOR = -100.0      # PyTorch's BCELoss clamps its logs here, so a confident mistake costs 100, not inf
BCE_EPSILON = float(np.float32(1e-12))   # ... and divides by at least this in the gradient (a C float there)


def _split(xs):
    k = len(xs) // 2
    return xs[:k], xs[k:]


def _pairs(a):
    k = len(a) // 2
    return list(zip(a[:k], a[k:]))


def _loss(name, symbol, derivative, f, dfdo, dfdt, *, mean: bool, **fields):
    """Register a loss that is a sum (or, with ``mean``, a mean) over its
    outputs of per-output terms f(o, t, attrs)."""
    def per(k):
        return k if mean else 1       # divide (not multiply by 1/k): the same float64 results as always

    def fwd(xs, ws, a):
        o, t = _split(xs)
        return as_float(sum((f(oi, ti, a) for oi, ti in zip(o[1:], t[1:])), f(o[0], t[0], a)) / per(len(o)))

    def loc(xs, ws, out, a):
        o, t = _split(xs)
        k = per(len(o))
        return ([dfdo(oi, ti, a) / k * ones(out) for oi, ti in zip(o, t)]
                + [dfdt(oi, ti, a) / k * ones(out) for oi, ti in zip(o, t)]), []

    def matrix(O, T, a):
        k = per(O.shape[-1])
        return f(O, T, a).sum(axis=-1) / k, dfdo(O, T, a) / k
    return op(name, None, symbol, derivative, fwd, loc, min_inputs=2, kind="loss", pairs=True, matrix=matrix,
              **fields)


def _over_k(body: str, k: int) -> str:
    return f"({body}) / {k}"


def _mean_text(f_do, t_do=None):
    """Local text of a mean loss: d L / d o_i from a (t, o, k) -> formula, and
    one in numbers when ``t_do`` is given."""
    def text(t):
        if t.i >= t.k:
            return None
        tgt = t.args[t.i + t.k]
        return f_do(tgt, t.x, t.k), (t_do(t.num(tgt), t.num(t.x), t.k) if t_do else None)
    return text


def _pair_kink(fn):
    def kink(xs, c):
        k = len(xs) // 2
        both = stack(xs)
        return fn(both[:k], both[k:], c)
    return kink


def _se_text(t):
    if t.i < t.k:
        tgt = t.args[t.i + t.k]
        return f"-({tgt} - {t.x})", f"-({t.num(tgt)} - {t.num(t.x)})"
    o = t.args[t.i - t.k]
    return f"{t.x} - {o}", f"{t.num(t.x)} - {t.num(o)}"


_loss("squared_error", "E", "dE/do = -(t - o)",
      lambda o, t, a: 0.5 * (t - o) ** 2, lambda o, t, a: -(t - o), lambda o, t, a: t - o, mean=False,
      formula=lambda a, c, w: " + ".join(f"½({t} - {o})²" for o, t in _pairs(a)), local_text=_se_text,
      special="smooth", torch="0.5 * ((t - o) ** 2).sum()")
_loss("mse", "MSE", "dL/do = -2(t - o)/k",
      lambda o, t, a: (t - o) ** 2, lambda o, t, a: -2.0 * (t - o), lambda o, t, a: 2.0 * (t - o), mean=True,
      formula=lambda a, c, w: _over_k(" + ".join(f"({t} - {o})²" for o, t in _pairs(a)), len(a) // 2),
      local_text=_mean_text(lambda t, x, k: f"-2({t} - {x}) / {k}", lambda t, x, k: f"-2 × ({t} - {x}) / {k}"),
      special="smooth; overflows to inf when |t - o| > 1.3e154", torch="torch.nn.functional.mse_loss(o, t)")
_loss("mae", "MAE", "dL/do = -sign(t - o)/k",
      lambda o, t, a: np.abs(t - o), lambda o, t, a: -np.sign(t - o), lambda o, t, a: np.sign(t - o), mean=True,
      formula=lambda a, c, w: _over_k(" + ".join(f"|{t} - {o}|" for o, t in _pairs(a)), len(a) // 2),
      local_text=_mean_text(lambda t, x, k: f"-sign({t} - {x}) / {k}"),
      kink=_pair_kink(lambda o, t, c: np.abs(t - o)),
      special="kink at o = t: slope 0 there (as PyTorch)", torch="torch.nn.functional.l1_loss(o, t)")


def _huber(o, t, a):
    d = np.abs(o - t)
    delta = a["delta"]
    return np.where(d < delta, 0.5 * d * d, delta * (d - 0.5 * delta))


_loss("huber", "Huber", "dL/do = clip(o - t, -δ, δ)/k",
      _huber, lambda o, t, a: np.clip(o - t, -a["delta"], a["delta"]),
      lambda o, t, a: -np.clip(o - t, -a["delta"], a["delta"]), mean=True, attrs=(("delta", 1.0),),
      formula=lambda a, c, w: _over_k(" + ".join(f"huber_{g(c.get('delta'))}({o} - {t})" for o, t in _pairs(a)),
                                      len(a) // 2),
      local_text=_mean_text(lambda t, x, k: f"clip({x} - {t}, -δ, δ) / {k}"),
      kink=_pair_kink(lambda o, t, c: np.abs(np.abs(o - t) - c["delta"])),
      special="½d² inside |d| < δ, δ(|d| - δ/2) outside: the slope is continuous, the curvature jumps at |d| = δ",
      torch="torch.nn.functional.huber_loss(o, t, delta=delta)")


def _logs(o, a):
    """(log o, log(1 - o)), clamped at -100 like PyTorch unless ``clamp_log`` is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        lo, l1 = np.log(o), np.log1p(-o)
    if a.get("clamp_log", 1):
        lo, l1 = np.maximum(lo, LOG_FLOOR), np.maximum(l1, LOG_FLOOR)
    return lo, l1


def _bce_do(o, t, a):
    den = o * (1.0 - o)
    if a.get("clamp_log", 1):
        # PyTorch divides by max(o(1 - o), 1e-12) for o in [0, 1] (it refuses other o)
        den = np.where((den >= 0) & (den < BCE_EPSILON), BCE_EPSILON, den)
    return (o - t) / den


def _bce_dt(o, t, a):
    lo, l1 = _logs(o, a)
    return -(lo - l1)


def _bce(o, t, a):
    lo, l1 = _logs(o, a)
    return -(t * lo + (1.0 - t) * l1)


_loss("binary_cross_entropy", "BCE", "dL/do = (o - t)/(o(1 - o))/k", _bce, _bce_do, _bce_dt, mean=True,
      attrs=(("clamp_log", 1),),
      formula=lambda a, c, w: f"-({' + '.join(f'[{t}·ln {o} + (1 - {t})·ln(1 - {o})]' for o, t in _pairs(a))}) "
                              f"/ {len(a) // 2}",
      local_text=_mean_text(lambda t, x, k: f"({x} - {t}) / ({x}(1 - {x})) / {k}"),
      special="each log is clamped at -100 (PyTorch's BCELoss), so o = 0 or 1 costs at most 100 and the slope "
              "divides by at least 1e-12; clamp_log 0 turns that off (then 0·ln 0 = nan)",
      torch="torch.nn.functional.binary_cross_entropy(o, t)")


def _ce(p, t, a):
    lp = np.log(p)
    return -t * (np.maximum(lp, LOG_FLOOR) if a.get("clamp_log", 1) else lp)


def _ce_dp(p, t, a):
    raw = -t / p
    if not a.get("clamp_log", 1):
        return raw
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.log(p) < LOG_FLOOR, 0.0, raw)     # below the clamp the loss is flat


_loss("cross_entropy", "CE", "dL/dpᵢ = -tᵢ/pᵢ", _ce, _ce_dp,
      lambda p, t, a: -(np.maximum(np.log(p), LOG_FLOOR) if a.get("clamp_log", 1) else np.log(p)), mean=False,
      attrs=(("clamp_log", 1),),
      formula=lambda a, c, w: "-(" + " + ".join(f"{t}·ln {o}" for o, t in _pairs(a)) + ")",
      special="each log is clamped at -100 like BCE: slope 0 below the clamp, also at p = 0 (where the "
              "PyTorch expression gives 0·∞ = nan); clamp_log 0 turns the clamp off",
      torch="-(t * torch.log(p).clamp(min=-100)).sum()")


def _bcel(z, t, a):
    return np.maximum(z, 0.0) - z * t + np.log1p(np.exp(-np.abs(z)))


_loss("binary_cross_entropy_with_logits", "BCE∘σ", "dL/dz = (σ(z) - t)/k",
      _bcel, lambda z, t, a: sigmoid(z) - t, lambda z, t, a: -z, mean=True,
      formula=lambda a, c, w: _over_k(" + ".join(f"BCE(σ({z}), {t})" for z, t in _pairs(a)), len(a) // 2),
      local_text=_mean_text(lambda t, x, k: f"(σ({x}) - {t}) / {k}"),
      special="fused and stable: max(z, 0) - z·t + ln(1 + e^-|z|) never overflows or takes log 0",
      torch="torch.nn.functional.binary_cross_entropy_with_logits(z, t)")


def _binary_hinge_kink(s, t, c):
    return np.abs(c["margin"] - t * s)


_loss("binary_hinge", "hinge±", "dL/ds = -t if margin - t·s > 0 else 0 (then /k)",
      lambda s, t, a: np.maximum(a["margin"] - t * s, 0.0),
      lambda s, t, a: np.where(a["margin"] - t * s > 0, -t, 0.0),
      lambda s, t, a: np.where(a["margin"] - t * s > 0, -s, 0.0), mean=True, attrs=(("margin", 1.0),),
      formula=lambda a, c, w: _over_k(" + ".join(f"max(0, {g(c.get('margin'))} - {t}·{s})" for s, t in _pairs(a)),
                                      len(a) // 2),
      local_text=_mean_text(lambda t, x, k: f"-{t} if margin - {t}·{x} > 0 else 0, / {k}"),
      kink=_pair_kink(_binary_hinge_kink),
      special="targets are -1 or +1; kink where t·s = margin: slope 0 there (as relu)",
      torch="torch.relu(margin - t * s).mean()")


# --- losses over softmax scores ------------------------------------------------------------
def _sce_fwd(xs, ws, a):
    z, t = _split(xs)
    lse = log_sum_exp(z)
    return as_float(sum(ti * (lse - zi) for zi, ti in zip(z, t)))


def _sce_local(xs, ws, out, a):
    z, t = _split(xs)
    p = softmax_all(z)
    tsum = sum(t[1:], t[0])
    lse = log_sum_exp(z)
    return ([(pi * tsum - ti) * ones(out) for pi, ti in zip(p, t)]
            + [(lse - zi) * ones(out) for zi in z]), []


def _sce_text(t):
    return (f"softmax_{t.i + 1} - {t.args[t.i + t.k]}", None) if t.i < t.k else None


op("softmax_cross_entropy", None, "CE∘softmax", "dL/dzᵢ = pᵢ - tᵢ (softmax then cross-entropy)",
   _sce_fwd, _sce_local, min_inputs=2, kind="loss", pairs=True,
   formula=lambda a, c, w: f"CE(softmax({', '.join(o for o, _ in _pairs(a))}), "
                           f"({', '.join(t for _, t in _pairs(a))}))",
   local_text=_sce_text,
   special="fused and stable on logits (log Σ e^z with the largest subtracted); targets are probabilities",
   torch="torch.nn.functional.cross_entropy(z, t)  (probability targets)")


def _class_terms(xs):
    z, c = xs[:-1], as_float(xs[-1])
    picked = sum((np.where(c == j, as_float(zj), 0.0) for j, zj in enumerate(z)), 0.0)
    valid = (c == np.round(c)) & (c >= 0) & (c < len(z))
    return z, c, picked, valid


def _class_fwd(xs, ws, a):
    z, c, picked, valid = _class_terms(xs)
    return as_float(np.where(valid, log_sum_exp(z) - picked, np.nan))


def _class_local(xs, ws, out, a):
    z, c, picked, valid = _class_terms(xs)
    p = softmax_all(z)
    return ([np.where(valid, pj - (c == j), np.nan) * ones(out) for j, pj in enumerate(p)]
            + [np.zeros_like(out)]), []


def _class_matrix(O, T, a):
    """Logits (..., k) and class numbers (..., 1 or k, all columns the same): per-sample loss, dL/dO."""
    c = np.asarray(T, dtype=float)[..., :1]
    k = O.shape[-1]
    valid = (c == np.round(c)) & (c >= 0) & (c < k)
    onehot = (np.arange(k) == c).astype(float)
    m = O.max(axis=-1, keepdims=True)
    e = np.exp(O - m)
    s = e.sum(axis=-1, keepdims=True)
    lse = (m + np.log(s))[..., 0]
    loss = np.where(valid[..., 0], lse - (O * onehot).sum(axis=-1), np.nan)
    return loss, np.where(valid, e / s - onehot, np.nan)


op("class_cross_entropy", None, "CE∘softmax", "dL/dzⱼ = pⱼ - [j = class]",
   _class_fwd, _class_local, min_inputs=3, kind="loss", targets=1, matrix=_class_matrix,
   formula=lambda a, c, w: f"-ln softmax({', '.join(a[:-1])})[{a[-1]}]",
   local_text=lambda t: (f"softmax_{t.i + 1} - [{t.args[-1]} = {t.i}]", None) if t.i < len(t.args) - 1 else None,
   special="the last input is the class number 0..k-1 (an integer target); another number gives nan; "
           "fused and stable on logits",
   torch="torch.nn.functional.cross_entropy(z, class_index)")


# --- the multi-class SVM hinge --------------------------------------------------------------
def _hinge_terms(xs, a):
    # scores and targets broadcast together: scores may not depend on the samples
    s, t = _split(np.broadcast_arrays(*[as_float(x) for x in xs]))
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
    return as_float(np.where(active, margins, 0.0).sum(axis=0))


def _hinge_local(xs, ws, out, a):
    S, y, margins, active = _hinge_terms(xs, a)
    j = np.arange(S.shape[0]).reshape((-1,) + (1,) * (S.ndim - 1))
    grad = active.astype(float) - (j == y) * active.sum(axis=0)
    k = S.shape[0]
    return [grad[i] * ones(out) for i in range(k)] + [np.zeros_like(out) for _ in range(k)], []


def _hinge_kink(xs, c):
    S, y, margins, active = _hinge_terms(xs, c)
    margins = np.array(margins)
    margins[y[None] == np.arange(S.shape[0]).reshape((-1,) + (1,) * (S.ndim - 1))] = np.inf
    return np.abs(margins)


op("hinge", None, "hinge", "dL/dsⱼ = 1 if sⱼ - s_y + Δ > 0 (j ≠ y); dL/ds_y = -(count of those)",
   _hinge_fwd, _hinge_local, min_inputs=2, attrs=(("margin", 1.0),), kind="loss", pairs=True,
   formula=lambda a, c, w: f"Σ over j ≠ y of max(0, s_j - s_y + {g(c.get('margin', 1.0))}), "
                           f"s = ({', '.join(o for o, _ in _pairs(a))})",
   kink=_hinge_kink,
   special="the multi-class SVM loss (y: the target's largest entry; always 0 with one output, use "
           "binary_hinge there); kink where a margin is 0: slope 0 there",
   torch="torch.nn.functional.multi_margin_loss(s, y, margin) * k")
