"""Loss surfaces: the training objective as a function of one or two chosen
parameters (all others held fixed), or along two directions in parameter
space; plus analytic test surfaces (the marble that rolls down them is in
``marble.py``).

Grids are evaluated in one vectorised pass, chunked so no chunk needs more
than ``max_bytes`` of temporaries.  Layered networks use the matrix form,
computing the layers before the first varied parameter once; a grid of two
single-use parameters evaluates only the layers from the later one on per
grid point, in cache-sized blocks shared among the cores.  Other graphs
run ``Graph.forward`` with the varied parameters as (G, 1) arrays.

Array convention: ``Surface.Z[i, j]`` is the loss at ``(xs[i], ys[j])``
(first axis along x, like ``np.meshgrid(xs, ys, indexing="ij")`` and
pyqtgraph's default ImageItem axis order).
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np

from .marble import MARBLE_PROGRESS_EVERY, MarbleRun, marble_path, marble_run  # noqa: F401 (their home was here)
from .model import Model
from .training import Objective

MAX_BYTES = 64 * 2 ** 20          # temporaries per chunk
CACHE_ELEMENTS = 2 ** 16          # numbers per temporary in a chain of elementwise steps (512 KB)
MAX_THREADS = 4                   # threads sharing a grid's blocks


@dataclass
class Surface:
    xs: np.ndarray                    # (n,) values along the first axis
    ys: np.ndarray                    # (m,) values along the second axis
    Z: np.ndarray                     # (n, m): Z[i, j] = loss at (xs[i], ys[j])
    p1: str                           # what varies along x (a parameter name, or "direction 1")
    p2: str
    center: tuple[float, float]       # where the current parameters sit
    center_loss: float                # the loss there
    directions: tuple[np.ndarray, np.ndarray] | None = None   # direction_surface: the two directions

    def grid(self) -> tuple[np.ndarray, np.ndarray]:
        return np.meshgrid(self.xs, self.ys, indexing="ij")


@dataclass
class Curve:
    xs: np.ndarray
    losses: np.ndarray
    p: str
    center: float
    center_loss: float


def _rows(samples, n: int):
    if samples is None:
        return None
    idx = np.atleast_1d(np.asarray(samples, dtype=np.intp))
    if idx.size == 0:
        raise ValueError("no samples selected")
    if idx.min() < 0 or idx.max() >= n:
        raise IndexError(f"sample {int(idx.max() if idx.max() >= n else idx.min())} out of range 0..{n - 1}")
    return idx


def _activate(act, attrs, Z):
    if act.name == "softmax":
        e = np.exp(Z - Z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    return act.forward([Z], [], attrs)


def _slope(A, i):
    """How a pre-activation moves per unit of a weight from input ``i`` (its input
    values), or of a bias (``i`` None: 1)."""
    return A[..., i] if i is not None else np.ones(A.shape[:-1])


def _sample_losses(d, out, T):
    """The loss of each sample: the loss op's forward over output and target columns
    (the value alone; ``DenseModel.per_sample_loss`` also computes the gradient)."""
    op, attrs = d.loss
    cols = [out[..., j] for j in range(out.shape[-1])] + [T[..., j] for j in range(T.shape[-1])]
    return op.forward(cols, [], attrs)


def _threads() -> int:
    try:
        return max(1, min(len(os.sched_getaffinity(0)), MAX_THREADS))
    except AttributeError:                                   # no sched_getaffinity (macOS, Windows)
        return max(1, min(os.cpu_count() or 1, MAX_THREADS))


def _share(run: Callable[[list], None], blocks: list, elements: int) -> None:
    """``run`` over ``blocks`` split among the processor's cores (one share each; the
    blocks write disjoint parts of the result, so the numbers do not depend on the
    split); one thread for small work, where starting threads costs more."""
    workers = min(_threads(), len(blocks)) if elements >= 8 * CACHE_ELEMENTS else 1
    if workers == 1:
        run(blocks)
        return
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(run, [blocks[k::workers] for k in range(workers)]))


class Evaluator:
    """The objective of ``model`` at many parameter settings at once.

    ``params`` overrides the model's current values; ``samples`` selects the
    samples (None: the whole training set, an int: that one sample, a list:
    the mean over those)."""

    def __init__(self, model: Model, params: Mapping[str, float] | None = None, samples=None,
                 max_bytes: int = MAX_BYTES):
        self.objective = obj = Objective(model)
        if obj.empty:
            raise ValueError(f"{model.title or 'the model'} has no data to compute a loss over")
        self.names = obj.names
        self.pos = {n: k for k, n in enumerate(self.names)}
        base = dict(model.params)
        base.update(params or {})
        self.base = obj.theta(base)
        self.rows = _rows(samples, obj.n) if obj.n else None
        self.dense = obj.dense
        self.graph = obj.graph
        self.max_bytes = int(max_bytes)
        if self.dense is not None:
            self.X = obj.X if self.rows is None else obj.X[self.rows]
            self.T = obj.T if self.rows is None else obj.T[self.rows]
            self.B = max(len(self.X), 1)
        else:
            self.feeds = obj._feeds(self.rows)
            self.B = max((len(v) for v in self.feeds.values()), default=1)

    def index(self, name: str) -> int:
        try:
            return self.pos[name]
        except KeyError:
            raise ValueError(f"{name!r} is not a parameter; expected one of {', '.join(self.names)}") from None

    def value(self, theta=None) -> float:
        theta = self.base if theta is None else np.asarray(theta, dtype=float)
        return float(self.objective.value(theta, self.rows))

    def _chunk(self, per_point: int) -> int:
        return max(1, self.max_bytes // max(1, per_point))

    # -- a few parameters, or a few directions, varied ---------------------------
    def along(self, names: Sequence[str], values: np.ndarray) -> np.ndarray:
        """Loss for each row of ``values`` (G, k): the parameters ``names`` set
        to that row, every other at its base value."""
        ks = [self.index(n) for n in names]
        values = np.asarray(values, dtype=float).reshape(-1, len(ks))
        if self.dense is None:
            return self._graph_along(ks, values)
        D = np.zeros((len(ks), len(self.names)))
        D[np.arange(len(ks)), ks] = 1.0
        return self._dense_affine(D, values - self.base[ks])

    def plane(self, directions: np.ndarray, coords: np.ndarray) -> np.ndarray:
        """Loss at ``base + coords @ directions`` for each row of ``coords``
        (G, K); ``directions`` is (K, P)."""
        D = np.asarray(directions, dtype=float).reshape(-1, len(self.names))
        U = np.asarray(coords, dtype=float).reshape(-1, len(D))
        if self.dense is None:
            return self.at(self.base + U @ D)
        return self._dense_affine(D, U)

    def _dense_affine(self, D, U):
        # Each layer's pre-activation is linear in its own weights, so with
        # theta = c + sum_k u_k d_k:  Z = A W(c)^T + b(c) + sum_k u_k (A W(d_k)^T + b(d_k)),
        # plain matrix products for every grid point at once.  Layers before the
        # first one the directions touch are computed once.
        d = self.dense
        layers = []
        for (Wc, bc), (WD, bD) in zip(d.layer_weights(self.base), d.layer_weights(D)):
            terms = [(k, WD[k], bD[k]) for k in range(len(D)) if WD[k].any() or bD[k].any()]
            layers.append((Wc, bc, terms))
        touched = [bool(t) for _, _, t in layers]
        first = touched.index(True) if any(touched) else len(layers)
        A = self.X
        for l in range(first):
            Wc, bc, _ = layers[l]
            A = _activate(*d.acts[l], A @ Wc.T + bc)
        if first == len(layers):
            return np.full(len(U), float(_sample_losses(d, A, self.T).mean(axis=-1)))
        widest = max(len(L.neurons) for L in d.spec.layers[first:])
        chunk = self._chunk(8 * 4 * self.B * (widest + max(d.spec.sizes[first:])))
        # the first touched layer sees the same input at every grid point
        Wc, bc, terms = layers[first]
        Z0 = A @ Wc.T + bc
        M = [(k, A @ Wk.T + bk) for k, Wk, bk in terms]
        out = np.empty(len(U))
        for s in range(0, len(U), chunk):
            u = U[s:s + chunk]
            Z = np.broadcast_to(Z0, (len(u),) + Z0.shape).copy()
            for k, Mk in M:
                Z += u[:, k, None, None] * Mk
            Ag = _activate(*d.acts[first], Z)
            for l in range(first + 1, len(layers)):
                Wc, bc, terms = layers[l]
                Z = Ag @ Wc.T + bc
                for k, Wk, bk in terms:
                    Z += u[:, k, None, None] * (Ag @ Wk.T + bk)
                Ag = _activate(*d.acts[l], Z)
            out[s:s + len(u)] = _sample_losses(d, Ag, self.T).mean(axis=-1)
        return out

    # -- two parameters over a full grid, separably ----------------------------
    def grid(self, p1: str, p2: str, xs, ys) -> np.ndarray:
        """Z[i, j]: the loss with ``p1 = xs[i]`` and ``p2 = ys[j]``.  In a layered
        network whose two parameters are each used once (in different layers or the
        same one), what depends on neither is computed once, what depends on the
        earlier one only once per its value, and only the layers from the later one
        on per grid point."""
        xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
        where = self._entries(p1), self._entries(p2)
        if self.dense is None or None in where:
            X, Y = np.meshgrid(xs, ys, indexing="ij")
            return self.along([p1, p2], np.stack([X.ravel(), Y.ravel()], axis=1)).reshape(len(xs), len(ys))
        if where[0][0] > where[1][0]:                       # the earlier layer's parameter first
            return self._separable(where[1], ys, self.index(p2), where[0], xs, self.index(p1)).T
        return self._separable(where[0], xs, self.index(p1), where[1], ys, self.index(p2))

    def _entries(self, name: str):
        """(layer, neuron, input or None for a bias) of the one place ``name`` is
        used in the dense matrices, or None (shared, or not a layered network)."""
        if self.dense is None:
            return None
        k = self.index(name)
        found: list[tuple[int, int, int | None]] = []
        for l, (iw, ib) in enumerate(zip(self.dense.idx_w, self.dense.idx_b)):
            found += [(l, int(j), int(i)) for j, i in zip(*np.nonzero(iw == k))]
            found += [(l, int(j), None) for j in np.nonzero(ib == k)[0]]
        return found[0] if len(found) == 1 else None

    def _separable(self, a: tuple[int, int, int | None], va: np.ndarray, ka: int,
                   b: tuple[int, int, int | None], vb: np.ndarray, kb: int) -> np.ndarray:
        d = self.dense
        assert d is not None                                 # grid() sends only layered networks here
        layers = d.layer_weights(self.base)
        (la, ja, ia), (lb, jb, ib) = a, b
        A = self.X
        for l in range(la):                                  # depends on neither
            A = _activate(*d.acts[l], A @ layers[l][0].T + layers[l][1])
        # the earlier parameter's layer: one column of it varies, once per value of ``a``
        Z0 = A @ layers[la][0].T + layers[la][1]
        Z = np.broadcast_to(Z0, (len(va),) + Z0.shape).copy()
        Z[:, :, ja] = Z0[:, ja] + (va - self.base[ka])[:, None] * _slope(A, ia)
        if la < lb:
            A = _activate(*d.acts[la], Z)
            for l in range(la + 1, lb):                      # depends on ``a`` only
                A = _activate(*d.acts[l], A @ layers[l][0].T + layers[l][1])
            Z = A @ layers[lb][0].T + layers[lb][1]          # (na, B, width): ``b``'s column varies
        slope = np.broadcast_to(_slope(A, ib), Z.shape[:-1])
        return self._grid_from(lb, Z, jb, slope, vb - self.base[kb], layers)

    def _grid_from(self, lb: int, Zb: np.ndarray, jb: int, slope: np.ndarray, ub: np.ndarray,
                   layers) -> np.ndarray:
        """out[i, j]: the loss when layer ``lb``'s pre-activations are ``Zb[i]`` with
        column ``jb`` plus ``ub[j] * slope[i]``, through the layers from ``lb`` on.
        Evaluated in blocks of grid points small enough that the chain of elementwise
        steps (activations, loss) stays in the processor's cache, the blocks shared
        among a few threads (NumPy lets go of the GIL inside its loops)."""
        d = self.dense
        assert d is not None
        na, nb = len(Zb), len(ub)
        per_point = self.B * max(max(len(L.neurons) for L in d.spec.layers[lb:]), 1)
        points = max(1, min(CACHE_ELEMENTS // per_point, self._chunk(8 * 3 * per_point)))
        rb = min(nb, points)                                 # columns of the grid per block
        ra = max(1, points // rb)                            # rows of the grid per block
        blocks = [(s, c) for s in range(0, na, ra) for c in range(0, nb, rb)]
        out = np.empty((na, nb))

        def run(share):
            buf = np.empty(ra * rb * Zb[0].size)             # one buffer per thread, reused
            for s, c in share:
                Zs, u = Zb[s:s + ra, None], ub[c:c + rb, None]
                Z = buf[:len(Zs) * len(u) * Zb[0].size].reshape((len(Zs), len(u)) + Zb.shape[1:])
                if Z.shape[-1] > 1:
                    np.copyto(Z, Zs)
                col = Z[..., jb]
                np.multiply(u, slope[s:s + ra, None], out=col)
                col += Zs[..., jb]                           # u * slope + Z0: the sum as before, bit for bit
                A = _activate(*d.acts[lb], Z)
                for l in range(lb + 1, len(layers)):
                    A = _activate(*d.acts[l], A @ layers[l][0].T + layers[l][1])
                out[s:s + ra, c:c + rb] = _sample_losses(d, A, self.T).mean(axis=-1)
        _share(run, blocks, na * nb * per_point)
        return out

    def _graph_losses(self, P, g):
        L = np.asarray(self.graph.forward(P, self.feeds, keep=False)[self.graph.objective], dtype=float)
        if L.ndim < 2:
            L = np.broadcast_to(L.reshape((1,) * (2 - L.ndim) + L.shape), (g, L.shape[-1] if L.ndim else 1))
        return L.mean(axis=-1)

    def _graph_along(self, ks, values):
        chunk = self._chunk(8 * 2 * self.B * len(self.graph.nodes))
        P = dict(zip(self.names, map(float, self.base)))
        out = np.empty(len(values))
        for s in range(0, len(values), chunk):
            v = values[s:s + chunk]
            for j, k in enumerate(ks):
                P[self.names[k]] = v[:, j:j + 1]
            out[s:s + len(v)] = self._graph_losses(P, len(v))
        return out

    # -- every parameter varied ----------------------------------------------
    def at(self, thetas: np.ndarray) -> np.ndarray:
        """Loss at each full parameter vector, a row of ``thetas`` (G, P)."""
        thetas = np.asarray(thetas, dtype=float).reshape(-1, len(self.names))
        out = np.empty(len(thetas))
        if self.dense is not None:
            d = self.dense
            widest = max(len(L.neurons) for L in d.spec.layers) + max(d.spec.sizes)
            per = 8 * (3 * self.B * sum(d.spec.sizes[1:]) + sum(iw.size for iw in d.idx_w) + widest)
            chunk = self._chunk(per)
            for s in range(0, len(thetas), chunk):
                out[s:s + chunk] = d.objective(thetas[s:s + chunk], self.X, self.T)
            return out
        chunk = self._chunk(8 * 2 * self.B * len(self.graph.nodes))
        for s in range(0, len(thetas), chunk):
            th = thetas[s:s + chunk]
            P = {n: th[:, k:k + 1] for k, n in enumerate(self.names)}
            out[s:s + len(th)] = self._graph_losses(P, len(th))
        return out

    def gradient(self, theta=None) -> np.ndarray:
        theta = self.base if theta is None else np.asarray(theta, dtype=float)
        return self.objective.value_and_grad(theta, self.rows)[1]


def _span(span, c) -> tuple[float, float]:
    if span is None:
        return c - 2.0, c + 2.0
    lo, hi = (float(v) for v in span)
    if not hi > lo:
        raise ValueError(f"a span goes from low to high, got ({lo:g}, {hi:g})")
    return lo, hi


def loss_surface(model: Model, p1: str, p2: str, span1=None, span2=None, n: int = 200,
                 params: Mapping[str, float] | None = None, samples=None, max_bytes: int = MAX_BYTES) -> Surface:
    """The objective over a grid of two parameters, all others fixed.
    Spans default to the current value +-2."""
    if p1 == p2:
        raise ValueError(f"choose two different parameters (both are {p1!r})")
    ev = Evaluator(model, params, samples, max_bytes)
    c1, c2 = ev.base[ev.index(p1)], ev.base[ev.index(p2)]
    xs = np.linspace(*_span(span1, c1), n)
    ys = np.linspace(*_span(span2, c2), n)
    return Surface(xs, ys, ev.grid(p1, p2, xs, ys), p1, p2, (float(c1), float(c2)), ev.value())


DEFAULT_SPANS = (2.0, 3.0, 5.0, 8.0, 12.0, 20.0)


def default_pair(model: Model) -> tuple[str, str] | None:
    """The two parameters a network's loss surface opens on: the first weight into each of
    two output neurons (each moves its own output: a bowl), else two weights into the one
    output neuron, else the first two parameters."""
    names = list(model.graph.param_names)
    if len(names) < 2:
        return None
    if model.spec is not None and model.spec.layers:
        rows = [[w for w in row if w is not None] for row in model.spec.layers[-1].weights]
        firsts = [row[0] for row in rows if row]
        if len(firsts) >= 2:
            return firsts[0], firsts[1]
        if rows and len(rows[0]) >= 2:
            return rows[0][0], rows[0][1]
    weights = [w for _, _, w in model.graph.edges() if w is not None]
    return (weights[0], weights[1]) if len(weights) >= 2 else (names[0], names[1])


def default_span(model: Model, p1: str, p2: str, params: Mapping[str, float] | None = None,
                 samples=None, n: int = 41) -> float:
    """The smallest of ``DEFAULT_SPANS`` whose map (current value ± span) holds the lowest
    loss inside, two grid cells from every edge: the marbles roll into a bowl, not off
    the map.  The first span when no map holds it (a loss that keeps falling)."""
    ev = Evaluator(model, params, samples)
    c1, c2 = ev.base[ev.index(p1)], ev.base[ev.index(p2)]
    for span in DEFAULT_SPANS:
        with np.errstate(all="ignore"):
            Z = ev.grid(p1, p2, np.linspace(c1 - span, c1 + span, n), np.linspace(c2 - span, c2 + span, n))
        if not np.isfinite(Z).any():
            continue
        i, j = np.unravel_index(np.nanargmin(np.where(np.isfinite(Z), Z, np.nan)), Z.shape)
        if 2 <= i < n - 2 and 2 <= j < n - 2:
            return span
    return DEFAULT_SPANS[0]


def loss_curve(model: Model, p: str, span=None, n: int = 200, params: Mapping[str, float] | None = None,
               samples=None, max_bytes: int = MAX_BYTES) -> Curve:
    """The objective as a function of one parameter, all others fixed."""
    ev = Evaluator(model, params, samples, max_bytes)
    c = ev.base[ev.index(p)]
    xs = np.linspace(*_span(span, c), n)
    return Curve(xs, ev.along([p], xs[:, None]), p, float(c), ev.value())


def _direction(d, names, pos) -> np.ndarray:
    if isinstance(d, Mapping):
        out = np.zeros(len(names))
        for k, v in d.items():
            if k not in pos:
                raise ValueError(f"direction names {k!r}, which is not a parameter")
            out[pos[k]] = float(v)
        return out
    out = np.asarray(d, dtype=float).reshape(-1)
    if out.shape != (len(names),):
        raise ValueError(f"a direction needs {len(names)} numbers, one per parameter; got {out.size}")
    return out


def random_directions(n_params: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two seeded random unit directions, the second orthogonal to the first."""
    rng = np.random.default_rng(seed)
    d1 = rng.standard_normal(n_params)
    d1 /= np.linalg.norm(d1)
    d2 = rng.standard_normal(n_params)
    if n_params > 1:
        d2 -= d1 * (d1 @ d2)
    d2 /= np.linalg.norm(d2)
    return d1, d2


def direction_surface(model: Model, d1=None, d2=None, span1=(-1.0, 1.0), span2=(-1.0, 1.0), n: int = 200,
                      params: Mapping[str, float] | None = None, samples=None, seed: int = 0,
                      max_bytes: int = MAX_BYTES) -> Surface:
    """The objective at ``theta + a d1 + b d2`` over a grid of (a, b).
    Directions are dicts (parameter: component) or vectors in
    ``graph.param_names`` order; by default seeded random unit directions."""
    ev = Evaluator(model, params, samples, max_bytes)
    r1, r2 = random_directions(len(ev.names), seed) if d1 is None or d2 is None else (None, None)
    d1 = r1 if d1 is None else _direction(d1, ev.names, ev.pos)
    d2 = r2 if d2 is None else _direction(d2, ev.names, ev.pos)
    a = np.linspace(*_span(span1, 0.0), n)
    b = np.linspace(*_span(span2, 0.0), n)
    A, Bg = np.meshgrid(a, b, indexing="ij")
    Z = ev.plane(np.stack([d1, d2]), np.stack([A.ravel(), Bg.ravel()], axis=1)).reshape(n, n)
    return Surface(a, b, Z, "direction 1", "direction 2", (0.0, 0.0), ev.value(), (d1, d2))


def gradient_at(model: Model, params: Mapping[str, float] | None = None, samples=None) -> dict[str, float]:
    """d objective / d parameter at ``params`` (default: the model's); the
    negative of it is the way downhill."""
    ev = Evaluator(model, params, samples)
    return dict(zip(ev.names, map(float, ev.gradient())))


def parameter_functions(model: Model, p1: str, p2: str, params: Mapping[str, float] | None = None,
                        samples=None) -> tuple[Callable, Callable]:
    """(f, grad) of the objective over the plane of two parameters, for
    ``marble_path``: points are arrays whose last axis is (p1, p2)."""
    ev = Evaluator(model, params, samples)
    k1, k2 = ev.index(p1), ev.index(p2)

    def f(p):
        p = np.asarray(p, dtype=float)
        return ev.along([p1, p2], p.reshape(-1, 2)).reshape(p.shape[:-1])

    def grad(p):
        p = np.asarray(p, dtype=float)
        out = np.empty(p.reshape(-1, 2).shape)
        for i, (a, b) in enumerate(p.reshape(-1, 2)):
            th = ev.base.copy()
            th[k1], th[k2] = a, b
            g = ev.gradient(th)
            out[i] = g[k1], g[k2]
        return out.reshape(p.shape)
    return f, grad


# --- analytic surfaces for teaching optimisation ---------------------------------
@dataclass(frozen=True)
class AnalyticSurface:
    name: str
    title: str
    f: Callable                          # f(x, y), vectorised
    grad: Callable                       # grad(x, y) -> (df/dx, df/dy)
    xrange: tuple[float, float]
    yrange: tuple[float, float]
    start: tuple[float, float]           # a start point that shows the surface's character
    minima: tuple[tuple[float, float], ...] = ()
    log_scale: bool = False              # values span decades: colour by log

    def value(self, p) -> np.ndarray:
        p = np.asarray(p, dtype=float)
        return np.asarray(self.f(p[..., 0], p[..., 1]), dtype=float)

    def gradient(self, p) -> np.ndarray:
        p = np.asarray(p, dtype=float)
        gx, gy = self.grad(p[..., 0], p[..., 1])
        return np.stack(np.broadcast_arrays(np.asarray(gx, float), np.asarray(gy, float)), axis=-1)

    def surface(self, n: int = 200) -> Surface:
        xs, ys = np.linspace(*self.xrange, n), np.linspace(*self.yrange, n)
        X, Y = np.meshgrid(xs, ys, indexing="ij")
        return Surface(xs, ys, self.f(X, Y), "x", "y", self.start, float(self.f(*self.start)))


def _rosen_grad(x, y):
    return -2 * (1 - x) - 400 * x * (y - x ** 2), 200 * (y - x ** 2)


def _himmel_grad(x, y):
    a, b = x ** 2 + y - 11, x + y ** 2 - 7
    return 4 * x * a + 2 * b, 2 * a + 4 * y * b


def _beale_terms(x, y):
    return 1.5 - x + x * y, 2.25 - x + x * y ** 2, 2.625 - x + x * y ** 3


def _beale(x, y):
    a, b, c = _beale_terms(x, y)
    return a ** 2 + b ** 2 + c ** 2


def _beale_grad(x, y):
    a, b, c = _beale_terms(x, y)
    return (2 * a * (y - 1) + 2 * b * (y ** 2 - 1) + 2 * c * (y ** 3 - 1),
            2 * a * x + 2 * b * 2 * x * y + 2 * c * 3 * x * y ** 2)


ANALYTIC: dict[str, AnalyticSurface] = {s.name: s for s in (
    AnalyticSurface("bowl", "quadratic bowl  x² + y²",
                    lambda x, y: x ** 2 + y ** 2, lambda x, y: (2 * x, 2 * y),
                    (-2.0, 2.0), (-2.0, 2.0), (-1.5, 1.2), ((0.0, 0.0),)),
    AnalyticSurface("valley", "elongated valley  0.1 x² + 2 y² (ill-conditioned)",
                    lambda x, y: 0.1 * x ** 2 + 2 * y ** 2, lambda x, y: (0.2 * x, 4 * y),
                    (-4.0, 4.0), (-2.0, 2.0), (-3.5, 1.2), ((0.0, 0.0),)),
    AnalyticSurface("saddle", "saddle  x² - y²",
                    lambda x, y: x ** 2 - y ** 2, lambda x, y: (2 * x, -2 * y),
                    (-2.0, 2.0), (-2.0, 2.0), (-1.8, 0.05)),
    AnalyticSurface("rosenbrock", "Rosenbrock  (1 - x)² + 100 (y - x²)²",
                    lambda x, y: (1 - x) ** 2 + 100 * (y - x ** 2) ** 2, _rosen_grad,
                    (-2.0, 2.0), (-1.0, 3.0), (-1.2, 1.0), ((1.0, 1.0),), True),
    AnalyticSurface("himmelblau", "Himmelblau  (x² + y - 11)² + (x + y² - 7)²",
                    lambda x, y: (x ** 2 + y - 11) ** 2 + (x + y ** 2 - 7) ** 2, _himmel_grad,
                    (-5.0, 5.0), (-5.0, 5.0), (0.0, 0.0),
                    ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)), True),
    AnalyticSurface("beale", "Beale", _beale, _beale_grad,
                    (-4.5, 4.5), (-4.5, 4.5), (1.0, 1.4), ((3.0, 0.5),), True),
)}
