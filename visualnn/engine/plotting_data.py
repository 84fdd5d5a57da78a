"""Numbers the plot panels draw, computed here so the UI only shows them.

Activation curves from the ops' own forward and local rules, the neuron a
graph node belongs to, contour lines of a gridded surface (marching squares,
vectorised), and decision-boundary grids of a layered network.  No Qt.
"""
from __future__ import annotations

import numpy as np

from .graph import Graph
from .ops import OPS, attrs_with_defaults


# -- activations ------------------------------------------------------------------
def activation_curve(name: str, x, attrs: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(f(x), f'(x)) of activation ``name`` from ``OPS[name].forward`` and ``.local``."""
    op = OPS[name]
    a = attrs_with_defaults(name, attrs or {})
    x = np.atleast_1d(np.asarray(x, dtype=float))
    out = np.asarray(op.forward([x], [], a), dtype=float)
    local = np.asarray(op.local([x], [], out, a)[0][0], dtype=float) * np.ones_like(out)
    return out, local


def activation_node_for(graph: Graph, name: str | None) -> str | None:
    """The single-input activation node of the neuron ``name`` belongs to: the
    node itself, the activation fed by it (``net_h1`` -> ``out_h1``), or the
    activation in the same neuron group (gate view).  None if there is none."""
    if name is None or name not in graph.nodes:
        return None

    def is_act(n):
        node = graph.nodes[n]
        return not node.is_leaf and OPS[node.op].kind == "activation" and len(node.inputs) == 1 \
            and node.op in OPS and node.op != "softmax"

    if is_act(name):
        return name
    users = graph.users()[name]
    acts = [u for u in users if is_act(u)]
    if len(acts) == 1:
        return acts[0]
    group = graph.nodes[name].group
    if group is not None:
        acts = [n for n, node in graph.nodes.items() if node.group == group and is_act(n)]
        if acts:
            return acts[-1]
    return None


# -- contours ---------------------------------------------------------------------
def contour_levels(Z: np.ndarray, count: int = 12, log: bool = False) -> np.ndarray:
    """``count`` levels spread over the finite values of Z (evenly, or evenly in
    log), from its 2nd percentile up: a flat valley floor gets no scribble of lines."""
    z = Z[np.isfinite(Z)]
    if z.size == 0:
        return np.zeros(0)
    lo, hi = float(np.quantile(z, 0.02)), float(z.max())
    if hi <= lo:
        return np.zeros(0)
    if log:
        shift = lo - 1e-12 if lo <= 0 else 0.0
        t = np.geomspace(lo - shift + (hi - lo) * 1e-4, hi - shift, count + 2)[1:-1]
        return t + shift
    return np.linspace(lo, hi, count + 2)[1:-1]


def contour_segments(xs, ys, Z, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Line segments where Z crosses ``level`` (marching squares).

    ``Z[i, j]`` is the value at ``(xs[i], ys[j])``.  Returns x and y arrays
    holding one segment per three entries (start, end, NaN), ready for a
    single line item drawn with finite-only connections."""
    xs = np.asarray(xs, dtype=float)
    ys = np.asarray(ys, dtype=float)
    Z = np.asarray(Z, dtype=float)
    a, b = Z[:-1, :-1], Z[1:, :-1]        # cell corners: (i, j), (i+1, j)
    c, d = Z[1:, 1:], Z[:-1, 1:]          # (i+1, j+1), (i, j+1)
    above = [v > level for v in (a, b, c, d)]
    finite = np.isfinite(a) & np.isfinite(b) & np.isfinite(c) & np.isfinite(d)
    X0, Y0 = np.meshgrid(xs[:-1], ys[:-1], indexing="ij")
    X1, Y1 = np.meshgrid(xs[1:], ys[1:], indexing="ij")

    def cross(v0, v1, p0, p1):
        with np.errstate(divide="ignore", invalid="ignore"):
            t = (level - v0) / (v1 - v0)
        return p0 + np.clip(np.nan_to_num(t, nan=0.5), 0.0, 1.0) * (p1 - p0)

    # the crossing point on each cell edge: bottom (a-b), right (b-c), top (d-c), left (a-d)
    pts = [
        (cross(a, b, X0, X1), Y0),
        (X1, cross(b, c, Y0, Y1)),
        (cross(d, c, X0, X1), Y1),
        (X0, cross(a, d, Y0, Y1)),
    ]
    cut = [above[0] != above[1], above[1] != above[2], above[3] != above[2], above[0] != above[3]]
    ncut = sum(m.astype(int) for m in cut)
    segs_x, segs_y = [], []

    def add(mask, e0, e1):
        if not mask.any():
            return
        segs_x.append(np.stack([pts[e0][0][mask], pts[e1][0][mask]], axis=1))
        segs_y.append(np.stack([pts[e0][1][mask], pts[e1][1][mask]], axis=1))

    two = finite & (ncut == 2)
    edges = [0, 1, 2, 3]
    for i in edges:
        for j in edges[i + 1:]:
            add(two & cut[i] & cut[j], i, j)
    # saddle cells (all four edges cut): pair the edges by the cell's mean value
    four = finite & (ncut == 4)
    if four.any():
        centre_above = (a + b + c + d) / 4.0 > level
        same = centre_above == above[0]
        add(four & same, 0, 1)
        add(four & same, 2, 3)
        add(four & ~same, 0, 3)
        add(four & ~same, 1, 2)
    if not segs_x:
        return np.zeros(0), np.zeros(0)
    sx = np.concatenate(segs_x)
    sy = np.concatenate(segs_y)
    nan = np.full((len(sx), 1), np.nan)
    return np.hstack([sx, nan]).ravel(), np.hstack([sy, nan]).ravel()


# -- decision boundaries ------------------------------------------------------------
def predict_grid(model, params, points: np.ndarray) -> np.ndarray:
    """The network's outputs at ``points`` (M, inputs): an (M, outputs) array.
    Layered networks in matrix form; any other graph node by node, with the
    targets fed zeros (their loss is not used)."""
    points = np.asarray(points, dtype=float)
    dense = model.dense()
    if dense is not None:
        return np.asarray(dense.predict(dense.theta(params), points))
    g = model.graph
    feeds = {name: points[:, k] for k, name in enumerate(g.inputs)}
    feeds.update({t: np.zeros(len(points)) for t in g.targets})
    P = {p: np.array(float(params[p])) for p in g.param_names}
    values = g.forward(P, feeds)
    return np.stack([np.broadcast_to(values[o], (len(points),)) for o in g.outputs], axis=1)


MAX_SHOWN_SAMPLES = 2000      # symbols a scatter of the data draws; beyond, an even sample of them


def shown_samples(n: int, limit: int = MAX_SHOWN_SAMPLES) -> np.ndarray:
    """Indices of the samples a scatter draws: all of ``n``, or ``limit`` spread evenly
    over them (100,000 symbols would take seconds and gigabytes to draw)."""
    return np.arange(n) if n <= limit else np.linspace(0, n - 1, limit).round().astype(int)


def label_range(model) -> tuple[float, float]:
    """The targets' low and high label (0/1, -1/+1, ...), from the training data."""
    g = model.graph
    cols = [np.asarray(model.data.columns[t], float) for t in g.targets if t in model.data.columns]
    if not cols:
        return 0.0, 1.0
    v = np.concatenate(cols)
    lo, hi = float(v.min()), float(v.max())
    return (lo, hi) if hi > lo else (lo - 1.0, lo + 1.0)


def input_box(model, pad: float = 0.15) -> list[tuple[float, float]]:
    """The extent of the decision map: each input's range over the training and
    test data, widened by ``pad`` of its span on both sides (an input with one value:
    that value ± max(1, |value|) before the padding)."""
    box = []
    for i in model.graph.inputs:
        c = np.concatenate([np.asarray(model.data.columns.get(i, []), float),
                            np.asarray(model.data.test.get(i, []), float)])
        lo, hi = (float(c.min()), float(c.max())) if c.size else (-1.0, 1.0)
        if not hi - lo > 1e-6 * max(1.0, abs(lo), abs(hi)):
            # one value (a single sample): a unit around it, not a sliver of 1e-9 (ticks 0.0499999996)
            lo, hi = lo - max(1.0, abs(lo)), hi + max(1.0, abs(hi))
        span = hi - lo
        box.append((lo - pad * span, hi + pad * span))
    return box


def decision_grid(model, params, n: int = 80, pad: float = 0.15, box=None):
    """The network's first output over a grid covering the data's two inputs
    (or the ``x1``, ``x2`` plane its input features are made from).

    Returns (xs, ys, V, (lo, hi)) with ``V[i, j]`` the output at
    ``(xs[i], ys[j])``; with several outputs, V is the class index scaled onto
    ``lo..hi``.  ``box`` = ((x0, x1), (y0, y1)) overrides the extent."""
    from .features import plane_inputs, plane_points
    g = model.graph
    plane = plane_inputs(model)
    if plane is None:
        raise ValueError(f"a decision boundary needs two inputs; {model.title or 'the model'} has {len(g.inputs)}")
    if box is None:
        full = dict(zip(g.inputs, input_box(model, pad)))
        box = (full[plane[0]], full[plane[1]])
    (x0, x1), (y0, y1) = box
    xs = np.linspace(x0, x1, n)
    ys = np.linspace(y0, y1, n)
    X, Y = np.meshgrid(xs, ys, indexing="ij")
    out = predict_grid(model, params, plane_points(model, np.column_stack([X.ravel(), Y.ravel()])))
    lo, hi = label_range(model)
    if out.shape[1] == 1:
        V = out[:, 0]
    else:
        V = lo + (hi - lo) * np.argmax(out, axis=1) / (out.shape[1] - 1)
    return xs, ys, V.reshape(n, n), (lo, hi)


def classify(model, params, points) -> np.ndarray:
    """Class of each point: 0/1 by the midpoint of the labels (one output), else argmax."""
    out = predict_grid(model, params, points)
    if out.shape[1] == 1:
        lo, hi = label_range(model)
        return (out[:, 0] > (lo + hi) / 2).astype(int)
    return np.argmax(out, axis=1)


# -- loss surfaces with progress ------------------------------------------------------
def loss_surface_in_strips(model, p1: str, p2: str, span1=None, span2=None, n: int = 200, params=None,
                           samples=None, progress=None, cancelled=None, strips: int = 10):
    """``surface.loss_surface``, evaluated a strip of rows at a time so the
    caller can show progress (``progress(fraction)``) and stop early
    (``cancelled()`` -> True gives None).  Same grid, same numbers."""
    from .surface import Evaluator, Surface, _span
    if p1 == p2:
        raise ValueError(f"choose two different parameters (both are {p1!r})")
    ev = Evaluator(model, params, samples)
    c1, c2 = ev.base[ev.index(p1)], ev.base[ev.index(p2)]
    xs = np.linspace(*_span(span1, c1), n)
    ys = np.linspace(*_span(span2, c2), n)
    Z = np.empty((n, n))
    bounds = np.linspace(0, n, min(strips, n) + 1).astype(int)
    for a, b in zip(bounds[:-1], bounds[1:]):
        if cancelled is not None and cancelled():
            return None
        Z[a:b] = ev.grid(p1, p2, xs[a:b], ys)
        if progress is not None:
            progress(b / n)
    return Surface(xs, ys, Z, p1, p2, (float(c1), float(c2)), ev.value())


# -- one parameter: cost curves, exhaustive search, the marble on a curve ----------------
class OneParameterCost:
    """The cost of a graph as a function of one parameter, all others fixed.

    It is the training objective: the mean of the chosen node (the loss, or
    an output such as the tea-temperature and M&M costs) over the samples,
    as everywhere in the engine, and its slope is what the graph's backward
    pass sends to the parameter."""

    def __init__(self, graph: Graph, params: dict, feeds: dict, param: str, output: str | None = None):
        if param not in graph.param_names:
            raise ValueError(f"{param!r} is not a parameter of the graph")
        self.graph = graph
        self.param = param
        self.params = {p: float(params[p]) for p in graph.param_names}
        self.feeds = {k: np.asarray(v, dtype=float) for k, v in feeds.items()}
        self.loss = graph.loss
        self.output = output or self.loss or graph.outputs[0]
        if self.output not in graph.nodes:
            raise ValueError(f"{self.output!r} is not a node of the graph")

    def _P(self, values):
        P = {p: np.array(v) for p, v in self.params.items()}
        P[self.param] = values
        return P

    def totals(self, xs, outputs: list[str] | None = None) -> dict[str, np.ndarray]:
        """Cost at every value in ``xs`` for each node in ``outputs`` (default:
        the chosen output), from one vectorised forward pass."""
        xs = np.asarray(xs, dtype=float).reshape(-1)
        outputs = outputs or [self.output]
        values = self.graph.forward(self._P(xs[:, None]), self.feeds)
        out = {}
        for o in outputs:
            v = np.broadcast_to(np.asarray(values[o], float), (len(xs), np.shape(values[o])[-1] if
                                                                 np.ndim(values[o]) else 1))
            out[o] = v.mean(axis=-1)
        return out

    def value(self, x) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return self.totals(x.reshape(-1))[self.output].reshape(x.shape)

    def slope(self, x) -> np.ndarray:
        """d cost / d parameter at each value in ``x`` (the graph's backward pass)."""
        x = np.asarray(x, dtype=float)
        flat = x.reshape(-1)
        P = self._P(flat[:, None])
        values = self.graph.forward(P, self.feeds)
        v = values[self.output]
        seed = {self.output: np.full(np.broadcast_shapes(np.shape(v), (len(flat), 1)),
                                     1.0 / (np.shape(v)[-1] if np.ndim(v) else 1))}
        _, pgrads = self.graph.backward(P, values, seed)
        g = np.broadcast_to(np.asarray(pgrads[self.param], float).reshape(-1), flat.shape)
        return g.reshape(x.shape)


def exhaustive_search(cost: OneParameterCost, xs) -> tuple[np.ndarray, np.ndarray, int]:
    """Evaluate every candidate and pick the lowest: (xs, costs, index of the lowest)."""
    xs = np.asarray(xs, dtype=float)
    costs = cost.value(xs)
    finite = np.where(np.isfinite(costs), costs, np.inf)
    return xs, costs, int(np.argmin(finite))


def descend(cost: OneParameterCost, start: float, optimizer: str = "sgd", lr: float = 0.01, steps: int = 50,
            **hyper) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradient descent on the curve with the engine's optimizers
    (``surface.marble_path``): (positions, costs, slopes) at every step."""
    from .surface import marble_path
    path, losses = marble_path(lambda p: cost.slope(p), np.array([float(start)]), optimizer, lr, steps,
                               f=lambda p: cost.value(p[..., 0]), **hyper)
    xs = path[:, 0]
    return xs, np.asarray(losses, float), cost.slope(xs)
