"""Random expression graphs and layered networks for the reference tests.

Each random network is built twice from the same random draws: as a visualnn
``Graph`` (or ``LayeredSpec``) and as the same computation in PyTorch
(float64), so the tests can compare values and gradients.  Inputs are drawn
away from kinks and ties (relu at 0, max with two equal inputs, ...) and
inside the domains of log, sqrt and division, where the derivative is
defined and both libraries must agree to rounding.

PyTorch is passed in as a module (``torch``) so importing this file never
needs it.
"""
from __future__ import annotations

import math

import numpy as np

from visualnn.engine import Graph, Layer, LayeredSpec, Node
from visualnn.engine.ops import ACTIVATIONS, OPS

# every op an expression graph can use (losses come last, at the end of a graph)
EXPR_OPS = [n for n, o in OPS.items() if o.kind != "loss" and n != "identity"]
LAYER_ACTIVATIONS = list(ACTIVATIONS) + ["softmax"]

KINK = 1e-3       # inputs of relu, abs, step, ... stay this far from 0; max/min winners this far ahead
BIG = 1e4         # intermediate values stay below this (keeps relative errors meaningful)


def rel_err(got, want) -> float:
    """max |got - want| over the array, relative to max |want| (0 when both are 0)."""
    got = np.asarray(got, dtype=float)
    want = np.asarray(want, dtype=float)
    diff = float(np.max(np.abs(got - want))) if got.size or want.size else 0.0
    scale = float(np.max(np.abs(want))) if want.size else 0.0
    if diff == 0.0:
        return 0.0
    return diff / scale if scale else math.inf


# --- the same ops in PyTorch -------------------------------------------------------
def torch_op(torch, name, xs, ws, a):
    """PyTorch's value of op ``name`` on tensors ``xs`` (weights ``ws``), attrs ``a``."""
    F = torch.nn.functional
    if name == "add":
        out = xs[0]
        for x in xs[1:]:
            out = out + x
        return out
    if name == "sub":
        return xs[0] - xs[1]
    if name == "mul":
        out = xs[0]
        for x in xs[1:]:
            out = out * x
        return out
    if name == "div":
        return xs[0] / xs[1]
    if name == "neg":
        return torch.neg(xs[0])
    if name == "mul_const":
        return a["c"] * xs[0]
    if name == "add_const":
        return xs[0] + a["c"]
    if name == "inv":
        return torch.reciprocal(xs[0])
    if name == "square":
        return torch.square(xs[0])
    if name == "sqrt":
        return torch.sqrt(xs[0])
    if name == "pow":
        return torch.pow(xs[0], a["p"])
    if name == "exp":
        return torch.exp(xs[0])
    if name == "exp_base":
        return torch.pow(float(a["base"]), xs[0])
    if name == "log":
        return torch.log(xs[0])
    if name == "abs":
        return torch.abs(xs[0])
    if name in ("max", "min"):
        s = torch.stack(torch.broadcast_tensors(*xs))
        return s.max(dim=0).values if name == "max" else s.min(dim=0).values
    if name == "sigmoid":
        return torch.sigmoid(xs[0])
    if name == "tanh":
        return torch.tanh(xs[0])
    if name == "relu":
        return torch.relu(xs[0])
    if name == "leaky_relu":
        return F.leaky_relu(xs[0], a["alpha"])
    if name == "elu":
        return F.elu(xs[0], a["alpha"])
    if name == "softplus":
        return F.softplus(xs[0])
    if name == "step":
        return (xs[0] > 0).to(xs[0].dtype)          # no gradient flows, as in visualnn
    if name in ("linear", "identity"):
        return xs[0].clone()
    if name == "softmax":
        return torch.softmax(torch.stack(torch.broadcast_tensors(*xs)), dim=0)[int(a["index"])]
    if name == "log_softmax":
        return torch.log_softmax(torch.stack(torch.broadcast_tensors(*xs)), dim=0)[int(a["index"])]
    if name == "maxout":
        return torch.stack(torch.broadcast_tensors(*xs)).amax(dim=0)
    if name in ("sin", "cos"):
        return getattr(torch, name)(xs[0])
    if name == "clamp":
        return torch.clamp(xs[0], a["min"], a["max"])
    if name == "gelu":
        return F.gelu(xs[0])
    if name == "prelu":
        return torch.where(xs[0] > 0, xs[0], xs[1] * xs[0])           # F.prelu with a per-sample slope
    if name in ("l1", "l2"):
        out = None
        for x in xs:
            term = x.abs() if name == "l1" else x ** 2
            out = term if out is None else out + term
        return a["lam"] * out
    if name == "weighted_sum":
        out = None
        for x, w in zip(xs, ws):
            term = x if w is None else w * x
            out = term if out is None else out + term
        return out.clone() if out is xs[0] else out          # a node of its own, even for one plain edge
    if OPS[name].kind == "loss":
        k = len(xs) // 2
        o = torch.stack(torch.broadcast_tensors(*xs))
        return torch_loss(torch, name, o[:k].T, o[k:].T, a)
    raise KeyError(name)


def torch_loss(torch, name, O, T, a):
    """Per-sample loss, from outputs ``O`` and targets ``T`` shaped (batch, k),
    using PyTorch's own loss functions where they exist."""
    F = torch.nn.functional
    k = O.shape[-1]
    if name == "squared_error":
        return 0.5 * ((T - O) ** 2).sum(dim=-1)
    if name == "mse":
        return F.mse_loss(O, T, reduction="none").mean(dim=-1)
    if name == "mae":
        return F.l1_loss(O, T, reduction="none").mean(dim=-1)
    if name == "binary_cross_entropy":
        return F.binary_cross_entropy(O, T, reduction="none").mean(dim=-1)
    if name == "cross_entropy":
        return -(T * torch.log(O)).sum(dim=-1)
    if name == "softmax_cross_entropy":
        return F.cross_entropy(O, T, reduction="none")             # class-probability targets
    if name == "huber":
        return F.huber_loss(O, T, delta=float(a["delta"]), reduction="none").mean(dim=-1)
    if name == "binary_cross_entropy_with_logits":
        return F.binary_cross_entropy_with_logits(O, T, reduction="none").mean(dim=-1)
    if name == "binary_hinge":
        return torch.relu(float(a["margin"]) - T * O).mean(dim=-1)
    if name == "hinge":
        y = T.detach().argmax(dim=-1)
        # multi_margin_loss averages over the k classes; the lecture's hinge sums
        return F.multi_margin_loss(O, y, margin=float(a["margin"]), reduction="none") * k
    raise KeyError(name)


# --- domains: where each op's derivative is defined and well conditioned -----------
def _gap(vals, largest=True):
    s = np.sort(np.stack(np.broadcast_arrays(*vals)), axis=0)
    return (s[-1] - s[-2]) if largest else (s[1] - s[0])


def inputs_ok(name, xs, a) -> bool:
    """Are these input values (numpy) safely inside op ``name``'s domain?"""
    x = xs[0]
    if name in ("log", "sqrt"):
        return bool(np.all(x > 0.05))
    if name == "inv":
        return bool(np.all(np.abs(x) > 0.2))
    if name == "div":
        return bool(np.all(np.abs(xs[1]) > 0.2))
    if name == "pow":
        p = a["p"]
        if p != int(p):
            return bool(np.all(x > 0.1))
        if p < 0:
            return bool(np.all(np.abs(x) > 0.2))
        return True
    if name in ("abs", "relu", "leaky_relu", "step"):
        return bool(np.all(np.abs(x) > KINK))
    if name == "elu":
        # away from the kink; the local derivative out + alpha loses digits far left
        return bool(np.all((np.abs(x) > KINK) & (x > -8)))
    if name == "sigmoid":
        return bool(np.all(np.abs(x) < 10))
    if name == "tanh":
        return bool(np.all(np.abs(x) < 5))        # 1 - tanh² keeps its digits
    if name == "softplus":
        return bool(np.all(np.abs(x) < 15))       # torch switches to x above 20
    if name == "exp":
        return bool(np.all(x < 8))
    if name == "exp_base":
        return bool(np.all(x * math.log(a["base"]) < 8))
    if name in ("max", "min", "maxout"):
        return len(xs) < 2 or bool(np.all(_gap(xs, name != "min") > KINK))
    if name == "clamp":
        return bool(np.all((np.abs(x - a["min"]) > KINK) & (np.abs(x - a["max"]) > KINK)))
    if name == "prelu":
        return bool(np.all(np.abs(x) > KINK))
    if name == "l1":
        return all(bool(np.all(np.abs(v) > KINK)) for v in xs)
    return True


def loss_ok(name, O, T, a) -> bool:
    """Outputs O and targets T, (batch, k) numpy, away from the loss's kinks."""
    if name == "mae":
        return bool(np.all(np.abs(T - O) > KINK))
    if name == "hinge":
        y = np.argmax(T, axis=-1)
        sy = np.take_along_axis(O, y[:, None], axis=-1)
        m = O - sy + float(a["margin"])
        other = np.arange(O.shape[-1])[None, :] != y[:, None]
        return bool(np.all(np.abs(m[other]) > KINK))
    if name in ("binary_cross_entropy", "cross_entropy"):
        return bool(np.all((O > 1e-6) & (O < 1 - 1e-6)))
    if name == "huber":
        return bool(np.all(np.abs(np.abs(O - T) - float(a["delta"])) > KINK))
    if name == "binary_hinge":
        return bool(np.all(np.abs(float(a["margin"]) - T * O) > KINK))
    return True


def random_targets(rng, name, batch, k):
    """Targets that suit loss ``name``: (batch, k)."""
    if name in ("binary_cross_entropy", "binary_cross_entropy_with_logits"):
        return rng.uniform(0.05, 0.95, (batch, k))
    if name == "binary_hinge":
        return rng.choice([-1.0, 1.0], (batch, k))
    if name == "cross_entropy":
        return rng.uniform(0.0, 1.0, (batch, k))
    if name == "softmax_cross_entropy":
        t = rng.uniform(0.0, 1.0, (batch, k))
        return t / t.sum(axis=-1, keepdims=True)
    if name == "hinge":
        return np.eye(k)[rng.integers(0, k, batch)]
    return rng.normal(0.0, 1.0, (batch, k))


def random_attrs(rng, name, n_inputs):
    if name == "mul_const":
        return {"c": float(rng.choice([-1.0, 0.5, 2.0, rng.uniform(-3, 3)]))}
    if name == "add_const":
        return {"c": float(rng.uniform(-2, 2))}
    if name == "pow":
        return {"p": float(rng.choice([2.0, 3.0, -1.0, -2.0, 0.5, 1.5, 2.5, -0.5, 4.0]))}
    if name == "exp_base":
        return {"base": float(rng.choice([2.0, 10.0, 0.5, math.e, 3.7]))}
    if name == "leaky_relu":
        return {"alpha": float(rng.uniform(0.01, 0.3))}
    if name == "elu":
        return {"alpha": float(rng.uniform(0.5, 2.0))}
    if name in ("softmax", "log_softmax"):
        return {"index": int(rng.integers(0, n_inputs))}
    if name == "clamp":
        return {"min": float(rng.uniform(-2.0, -0.2)), "max": float(rng.uniform(0.2, 2.0))}
    if name in ("l1", "l2"):
        return {"lam": float(rng.uniform(0.01, 1.0))}
    if name == "huber":
        return {"delta": float(rng.choice([1.0, 0.5, 2.0]))}
    if name == "binary_hinge":
        return {"margin": float(rng.choice([1.0, 0.5]))}
    if name == "hinge":
        return {"margin": float(rng.choice([1.0, 1.0, 0.5, 2.0]))}
    return {}


# --- random expression graphs ------------------------------------------------------
class Twin:
    """One expression graph held twice: visualnn nodes and PyTorch tensors."""

    def __init__(self, torch, batch):
        self.torch = torch
        self.batch = batch
        self.nodes: list[Node] = []
        self.t: dict = {}                 # node name -> tensor
        self.leaves: dict = {}            # input/param name -> leaf tensor (requires grad)
        self.params: dict[str, float] = {}
        self.feeds: dict[str, np.ndarray] = {}
        self.ops_used: list[str] = []
        self.loss: str | None = None
        self.users: dict[str, int] = {}

    def value(self, name) -> np.ndarray:
        return self.t[name].detach().numpy()

    def _leaf(self, node, tensor, grad=True):
        if grad:
            tensor.requires_grad_(True)
            self.leaves[node.name] = tensor
        self.nodes.append(node)
        self.t[node.name] = tensor
        self.users[node.name] = 0

    def input(self, name, values):
        self.feeds[name] = np.asarray(values, dtype=float)
        self._leaf(Node(name, "input"), self.torch.tensor(self.feeds[name], dtype=self.torch.float64))

    def target(self, name, values):
        self.feeds[name] = np.asarray(values, dtype=float)
        self._leaf(Node(name, "target"), self.torch.tensor(self.feeds[name], dtype=self.torch.float64))

    def param(self, name, value):
        self.params[name] = float(value)
        self._leaf(Node(name, "param"), self.torch.tensor(float(value), dtype=self.torch.float64))

    def const(self, name, value):
        self._leaf(Node(name, "const", value=float(value)),
                   self.torch.tensor(float(value), dtype=self.torch.float64), grad=False)

    def try_op(self, name, op, inputs, weights=(), attrs=None) -> bool:
        """Add node ``name`` if its inputs are inside the op's domain and its
        value stays finite and moderate; returns whether it was added."""
        attrs = dict(attrs or {})
        full = {k: v for k, v in OPS[op].attrs} | attrs
        xs = [self.value(i) for i in inputs]
        if not inputs_ok(op, xs, full):
            return False
        ws = [None if w is None else self.t[w] for w in weights] if weights else [None] * len(inputs)
        with self.torch.no_grad():
            probe = torch_op(self.torch, op, [self.t[i] for i in inputs], ws, full)
        v = probe.detach().numpy()
        if not np.all(np.isfinite(v)) or np.any(np.abs(v) > BIG):
            return False
        self.t[name] = torch_op(self.torch, op, [self.t[i] for i in inputs], ws, full)
        if self.t[name].requires_grad:
            self.t[name].retain_grad()          # every node's gradient is compared
        self.nodes.append(Node(name, op, tuple(inputs), tuple(weights), attrs))
        self.ops_used.append(op)
        self.users[name] = 0
        for i in inputs:
            self.users[i] += 1
        for w in weights:
            if w is not None:
                self.users[w] += 1
        return True

    def sinks(self) -> list[str]:
        return [n.name for n in self.nodes
                if n.op not in ("input", "target", "param", "const") and self.users[n.name] == 0]

    def graph(self) -> Graph:
        return Graph([Node(n.name, n.op, n.inputs, n.weights, dict(n.attrs), n.value) for n in self.nodes])

    def objective(self):
        """PyTorch's objective: the batch mean of the loss, or without a loss
        the sum over samples of every sink (visualnn's default seeds)."""
        if self.loss is not None:
            return self.t[self.loss].mean()
        total = None
        for name in self.sinks():
            s = self.t[name].sum()
            total = s if total is None else total + s
        return total


def random_expression(torch, rng, batch, ops_cycle=None, n_ops=None) -> Twin:
    """A random expression graph over ``batch`` samples, built op by op.

    ``ops_cycle`` is an iterator of op names to try first (so a run of graphs
    covers every op); other ops are drawn at random."""
    tw = Twin(torch, batch)
    n_in = int(rng.integers(1, 4))
    for i in range(n_in):
        tw.input(f"x{i + 1}", rng.uniform(-2.0, 2.0, batch))
    for i in range(int(rng.integers(1, 4))):
        tw.param(f"p{i + 1}", rng.choice([-1, 1]) * rng.uniform(0.3, 1.5))
    if rng.random() < 0.3:
        tw.const("c1", rng.uniform(0.5, 2.0))
    n_ops = n_ops if n_ops is not None else int(rng.integers(4, 13))
    made = 0
    attempts = 0
    while made < n_ops and attempts < 20 * n_ops:
        attempts += 1
        op = next(ops_cycle) if ops_cycle is not None and attempts % 2 else str(rng.choice(EXPR_OPS))
        pool = [n.name for n in tw.nodes if n.op != "target"]
        # later nodes are likelier inputs: deeper graphs
        weights = np.arange(1, len(pool) + 1, dtype=float) ** 2
        weights /= weights.sum()
        spec = OPS[op]
        k = spec.arity if spec.arity is not None else int(rng.integers(max(spec.min_inputs, 2 if op != "softmax" else 1), 5))
        if op == "weighted_sum":
            k = int(rng.integers(1, 5))
        distinct = op in ("max", "min", "maxout")
        if distinct and k > len(pool):
            continue
        inputs = list(rng.choice(pool, size=k, replace=not distinct, p=weights))
        wts = ()
        if op == "weighted_sum":
            pnames = list(tw.params)
            wts = []
            for _ in inputs:
                r = rng.random()
                if r < 0.15:
                    wts.append(None)                          # a plain edge
                elif r < 0.35:
                    wts.append(str(rng.choice(pnames)))     # a shared weight
                else:
                    w = f"w{len(tw.params) + 1}"
                    tw.param(w, rng.normal(0.0, 1.0))
                    pnames.append(w)
                    wts.append(w)
            wts = tuple(wts)
        attrs = random_attrs(rng, op, k)
        if tw.try_op(f"n{made + 1}", op, [str(i) for i in inputs], wts, attrs):
            made += 1
    # every sink must carry one value per sample (the objective sums over samples)
    for n in list(tw.nodes):
        if n.op in ("input", "target", "param", "const") or tw.users[n.name]:
            continue
        if tw.t[n.name].ndim == 0:
            tw.try_op(f"{n.name}+x1", "add", [n.name, "x1"])
    return tw


def add_loss(tw: Twin, rng, loss, k=None) -> bool:
    """End the graph in ``loss`` over k of its latest nodes (squashed into the
    loss's domain where needed), with suitable targets."""
    ops = [n.name for n in tw.nodes if n.op not in ("input", "target", "param", "const")]
    if not ops:
        return False
    k = k or int(rng.integers(1, min(3, len(ops)) + 1))
    if loss in ("hinge", "softmax_cross_entropy") and k < 2 and rng.random() < 0.7:
        k = 2
    outs = [str(o) for o in rng.choice(ops[-max(k, 4):], size=k, replace=len(ops[-max(k, 4):]) < k)]
    if loss in ("binary_cross_entropy", "cross_entropy"):
        squashed = []
        for j, o in enumerate(outs):
            nm = f"sq{j}"
            if loss == "cross_entropy" and k > 1:
                ok = tw.try_op(nm, "softmax", outs, attrs={"index": j})
            else:
                ok = tw.try_op(nm, "sigmoid", [o])
            if not ok:
                return False
            squashed.append(nm)
        outs = squashed
    # outputs that are the same for every sample become per-sample via an input
    outs2 = []
    for j, o in enumerate(outs):
        if tw.t[o].ndim == 0:
            if not tw.try_op(f"ps{j}", "mul", [o, "x1"]):
                return False
            o = f"ps{j}"
        outs2.append(o)
    outs = outs2
    T = random_targets(rng, loss, tw.batch, len(outs))
    O = np.stack([tw.value(o) for o in outs], axis=-1)
    attrs = random_attrs(rng, loss, len(outs))
    full = {k_: v for k_, v in OPS[loss].attrs} | attrs
    if not loss_ok(loss, O, T, full):
        return False
    tnames = []
    for j in range(len(outs)):
        tnames.append(f"t{j + 1}")
        tw.target(tnames[-1], T[:, j])
    if not tw.try_op("L", loss, outs + tnames, attrs=attrs):
        return False
    tw.loss = "L"
    return True


# --- random layered networks -------------------------------------------------------
def final_activations(loss):
    """Output-layer activations that keep a loss inside its domain."""
    if loss in ("binary_cross_entropy", "cross_entropy"):
        return ["sigmoid", "softmax"]
    return LAYER_ACTIVATIONS


def random_layered(rng, loss, activation=None, *, shared=True, sparse=True):
    """A random layered network with ``loss`` (and ``activation`` on some
    hidden layer, if given): (spec, params)."""
    depth = int(rng.integers(1, 4))
    sizes = [int(rng.integers(1, 4))] + [int(rng.integers(1, 5)) for _ in range(depth)]
    if loss in ("hinge", "softmax_cross_entropy", "cross_entropy") and sizes[-1] < 2:
        sizes[-1] = int(rng.integers(2, 4))
    inputs = [f"x{i + 1}" for i in range(sizes[0])]
    params: dict[str, float] = {}
    layers = []
    for l, n in enumerate(sizes[1:], start=1):
        last = l == len(sizes) - 1
        if last:
            act = str(rng.choice(final_activations(loss)))
        elif activation is not None and l == 1:
            act = activation
        else:
            act = str(rng.choice(LAYER_ACTIVATIONS))
        if act == "softmax" and n < 2 and not last:
            act = "tanh"
        neurons = [f"y{j + 1}" if last else f"h{l}_{j + 1}" for j in range(n)]
        weights, biases = [], []
        for j in range(n):
            row = []
            for i in range(sizes[l - 1]):
                r = rng.random()
                if sparse and r < 0.12:
                    row.append(None)
                elif shared and r < 0.22 and params:
                    row.append(str(rng.choice(list(params))))
                else:
                    name = f"w{len(params) + 1}"
                    params[name] = float(rng.normal(0.0, 1.2 / math.sqrt(sizes[l - 1])))
                    row.append(name)
            r = rng.random()
            if sparse and r < 0.15 and any(w is not None for w in row):
                biases.append(None)
            elif shared and r < 0.3 and j > 0 and biases[-1] is not None:
                biases.append(biases[-1])                   # the lecture's shared b1
            else:
                name = f"b{len(params) + 1}"
                params[name] = float(rng.normal(0.0, 0.5))
                biases.append(name)
            if all(w is None for w in row) and biases[-1] is None:
                name = f"b{len(params) + 1}"
                params[name] = float(rng.normal(0.0, 0.5))
                biases[-1] = name
            weights.append(row)
        attrs = random_attrs(rng, act, n) if act in ("leaky_relu", "elu") else {}
        layers.append(Layer(neurons, act, weights, biases, attrs))
    targets = [f"t{j + 1}" for j in range(sizes[-1])]
    loss_attrs = random_attrs(rng, loss, sizes[-1]) if loss in ("hinge", "huber", "binary_hinge") else {}
    spec = LayeredSpec(inputs, layers, loss, targets, "L", loss_attrs)
    return spec, params


def torch_layered(torch, spec, P, X, T=None):
    """The layered network in PyTorch: (pre-activations per layer, output, per-sample loss).
    ``P`` maps parameter names to scalar tensors; X is (batch, inputs)."""
    F = torch.nn.functional
    zero = torch.zeros((), dtype=torch.float64)
    A = X
    Zs = []
    for L in spec.layers:
        W = torch.stack([torch.stack([zero if w is None else P[w] for w in row]) for row in L.weights])
        b = torch.stack([zero if c is None else P[c] for c in L.biases])
        Z = A @ W.T + b
        Zs.append(Z)
        a = {k: v for k, v in OPS[L.activation].attrs} | L.attrs
        if L.activation == "softmax":
            A = torch.softmax(Z, dim=-1)
        elif L.activation == "relu":
            A = F.relu(Z)
        elif L.activation == "leaky_relu":
            A = F.leaky_relu(Z, a["alpha"])
        elif L.activation == "elu":
            A = F.elu(Z, a["alpha"])
        elif L.activation == "softplus":
            A = F.softplus(Z)
        elif L.activation == "sigmoid":
            A = torch.sigmoid(Z)
        elif L.activation == "tanh":
            A = torch.tanh(Z)
        elif L.activation == "step":
            A = (Z > 0).to(Z.dtype)
        elif L.activation == "linear":
            A = Z
        else:
            A = torch_op(torch, L.activation, [Z], [], a)
    loss = None
    if T is not None and spec.loss:
        a = {k: v for k, v in OPS[spec.loss].attrs} | spec.loss_attrs
        loss = torch_loss(torch, spec.loss, A, T, a)
    return Zs, A, loss


def layered_ok(spec, Zs, O, T) -> bool:
    """Pre-activations away from kinks and saturation, outputs inside the loss's domain."""
    for L, Z in zip(spec.layers, Zs):
        z = Z.detach().numpy()
        name = L.activation
        if name == "softmax":
            continue
        if not inputs_ok(name, [z], {k: v for k, v in OPS[name].attrs} | L.attrs):
            return False
    a = {k: v for k, v in OPS[spec.loss].attrs} | spec.loss_attrs
    return loss_ok(spec.loss, O.detach().numpy(), T.detach().numpy(), a)
