"""Every op's local derivatives agree with finite differences of its forward rule."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from visualnn.engine.ops import OPS, attrs_with_defaults

B = 3                      # samples per value: ops must be elementwise over them
H = 2e-4                   # fourth-order stencil step: truncation ~ H^4 f^(5), rounding ~ 1e-16 f / H
GAP = 0.01                 # stay this far from kinks (> 2H)

ANY = (-3.0, 3.0)
POS = (0.2, 3.0)
PROB = (0.1, 0.9)
UNIT = (0.0, 1.0)


def vec(lo, hi):
    return st.lists(st.floats(lo, hi, allow_nan=False, allow_infinity=False), min_size=B, max_size=B).map(np.array)


def count(lo, hi):
    return st.integers(lo, hi)


@st.composite
def onehot(draw, k):
    y = draw(st.lists(st.integers(0, k - 1), min_size=B, max_size=B))
    T = np.zeros((k, B))
    T[y, np.arange(B)] = 1.0
    return list(T)


def away(lo=GAP, hi=3.0):
    """Values at least ``lo`` from zero, either sign."""
    return st.tuples(vec(lo, hi), st.lists(st.sampled_from([-1.0, 1.0]), min_size=B, max_size=B)).map(
        lambda p: p[0] * np.array(p[1]))


@st.composite
def apart(draw, n):
    """n values per sample, no two closer than GAP (no ties for max/min)."""
    start = draw(vec(*ANY))
    gaps = np.stack([draw(vec(GAP, 1.5)) for _ in range(n - 1)]) if n > 1 else np.zeros((0, B))
    S = start + np.concatenate([np.zeros((1, B)), np.cumsum(gaps, axis=0)])
    perm = draw(st.permutations(range(n)))
    return [S[j] for j in perm]


@st.composite
def case(draw, name):
    """(inputs, weights, attrs) inside the op's domain and away from its kinks."""
    n = OPS[name].arity or draw(count(OPS[name].min_inputs, 4))
    attrs, ws = {}, []
    if name in ("log", "sqrt", "inv", "pow"):
        xs = [draw(vec(*POS))]
        if name == "pow":
            attrs["p"] = draw(st.sampled_from([2.0, 3.0, 0.5, 1.5, -1.0, -2.5]))
    elif name == "div":
        xs = [draw(vec(*ANY)), draw(vec(*POS)) * draw(st.sampled_from([1.0, -1.0]))]
    elif name in ("exp", "exp_base"):
        xs = [draw(vec(-2.0, 2.0))]
        if name == "exp_base":
            attrs["base"] = draw(st.floats(0.3, 10.0))
    elif name in ("relu", "abs", "step", "leaky_relu", "elu"):
        xs = [draw(away())]
        if name == "leaky_relu":
            attrs["alpha"] = draw(st.floats(0.0, 0.5))
        if name == "elu":
            attrs["alpha"] = draw(st.floats(0.1, 2.0))
    elif name in ("max", "min", "maxout"):
        xs = draw(apart(n))
    elif name == "clamp":                     # inside (-1, 1) or outside, never at a bound
        xs = [draw(st.one_of(away(GAP, 0.9), away(1.1, 3.0)))]
    elif name == "l1":
        xs = [draw(away()) for _ in range(n)]
    elif name == "prelu":
        xs = [draw(away()), draw(vec(*ANY))]
    elif name == "class_cross_entropy":       # logits, then the class number (not differentiable)
        k = draw(count(2, 4))
        xs = [draw(vec(*ANY)) for _ in range(k)] + [np.array(draw(st.lists(st.integers(0, k - 1), min_size=B,
                                                                          max_size=B)), dtype=float)]
    elif name in ("softmax", "log_softmax"):
        xs = [draw(vec(*ANY)) for _ in range(n)]
        attrs["index"] = draw(st.integers(0, n - 1))
    elif name == "weighted_sum":
        xs = [draw(vec(*ANY)) for _ in range(n)]
        ws = [draw(st.one_of(st.none(), st.floats(-2.0, 2.0))) for _ in range(n)]
    elif OPS[name].kind == "loss":
        k = draw(count(1, 3))
        if name in ("binary_cross_entropy", "cross_entropy"):
            o, t = [draw(vec(*PROB)) for _ in range(k)], [draw(vec(*UNIT)) for _ in range(k)]
        elif name == "hinge":
            t = draw(onehot(k))
            attrs["margin"] = draw(st.floats(0.1, 2.0))
            # each wrong class's margin s_j - s_y + margin is at least GAP from 0
            y = np.argmax(np.stack(t), axis=0)
            s_y = draw(vec(*ANY))
            o = [np.where(y == j, s_y, s_y - attrs["margin"] + draw(away(GAP, 2.0))) for j in range(k)]
        elif name == "softmax_cross_entropy":
            o, t = [draw(vec(*ANY)) for _ in range(k)], [draw(vec(*UNIT)) for _ in range(k)]
        elif name == "binary_hinge":          # t·s never at the margin 1
            t = [draw(st.lists(st.sampled_from([-1.0, 1.0]), min_size=B, max_size=B).map(np.array)) for _ in range(k)]
            o = [ti * (1.0 + draw(away())) for ti in t]
        elif name == "huber":                 # |o - t| never at delta 1
            o = [draw(vec(*ANY)) for _ in range(k)]
            t = [oi + draw(st.one_of(away(GAP, 0.9), away(1.1, 3.0))) for oi in o]
        else:
            o = [draw(vec(*ANY)) for _ in range(k)]
            t = [oi + draw(away()) for oi in o] if name == "mae" else [draw(vec(*ANY)) for _ in range(k)]
        xs = o + t
    else:
        xs = [draw(vec(*ANY)) for _ in range(n)]
        if name == "mul_const":
            attrs["c"] = draw(st.floats(-3.0, 3.0))
        if name == "add_const":
            attrs["c"] = draw(st.floats(-3.0, 3.0))
    return xs, ws, attrs_with_defaults(name, attrs)


def fourth_order(f, x):
    return (f(x - 2 * H) - 8 * f(x - H) + 8 * f(x + H) - f(x + 2 * H)) / (12 * H)


def assert_matches(analytic, numerical, scale, what):
    """Relative error < 1e-6; derivatives much smaller than the function's
    own size are compared against 1e-3 of that size (rounding floor)."""
    analytic = np.broadcast_to(np.asarray(analytic, dtype=float), numerical.shape)
    floor = 1e-3 * max(1.0, scale)
    err = np.abs(analytic - numerical) / np.maximum(np.maximum(np.abs(analytic), np.abs(numerical)), floor)
    assert np.all(err < 1e-6), f"{what}: analytic {analytic} numerical {numerical} (relative error {err.max():.2e})"


OP_NAMES = sorted(OPS)


@pytest.mark.parametrize("name", OP_NAMES)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_local_derivative_matches_central_differences(name, data):
    op = OPS[name]
    xs, ws, attrs = data.draw(case(name))
    out = op.forward(xs, ws, attrs)
    local, wlocal = op.local(xs, ws, out, attrs)
    scale = float(np.max(np.abs(out)))
    assert len(local) == len(xs)
    for i in range(len(xs) - (OPS[name].targets or 0)):     # a class number has no derivative
        def f(xi, i=i):
            return op.forward(xs[:i] + [xi] + xs[i + 1:], ws, attrs)
        assert_matches(local[i], fourth_order(f, xs[i]), scale, f"{name} d out / d input {i}")
    for i, w in enumerate(ws):
        if w is None:
            assert wlocal[i] is None
            continue
        def g(wi, i=i):
            return op.forward(xs, ws[:i] + [wi] + ws[i + 1:], attrs)
        assert_matches(wlocal[i], fourth_order(g, np.full(B, w)), scale, f"{name} d out / d weight {i}")


@pytest.mark.parametrize("name", OP_NAMES)
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_ops_are_elementwise_over_leading_grid_axes(name, data):
    # loss surfaces feed (G, B) arrays: each grid row must equal that row evaluated alone
    xs, ws, attrs = data.draw(case(name))
    ys = [x * 1.01 for x in xs]
    grid = [np.stack([x, y]) for x, y in zip(xs, ys)]
    out = OPS[name].forward(grid, ws, attrs)
    assert out.shape == (2, B)
    np.testing.assert_array_equal(out[0], OPS[name].forward(xs, ws, attrs))
    np.testing.assert_array_equal(out[1], OPS[name].forward(ys, ws, attrs))
