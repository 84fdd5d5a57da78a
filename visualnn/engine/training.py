"""Training: the lecture's loop (forward, compare with target, backward,
update, repeat) run over a whole data set.

Layered networks train in matrix form (``DenseModel``); any other graph
trains with the graph's own forward and backward on the whole batch at once.
Both work on a flat parameter vector in ``graph.param_names`` order, so the
optimizers are the same ones the stepper and the marble plots use.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

import numpy as np

from . import nonfinite
from .graph import Graph
from .model import Model
from .network import DenseModel
from .optimizers import make_optimizer, scheduled_lr


class Objective:
    """The training objective of a model (mean loss over samples) as a
    function of its flat parameter vector, with its gradient.

    ``names`` is the parameter order; ``rows`` picks samples (None: all).
    """

    def __init__(self, model: Model, test: bool = False):
        g = model.graph
        if g.objective is None:
            raise ValueError(f"{model.title or 'the model'} has no loss node and more than one output, so there is "
                             f"no objective to train or to plot" if len(g.outputs) > 1 else
                             f"{model.title or 'the model'} has no loss node and its output is not declared a "
                             f"cost, so there is no objective to train or to plot")
        self.target = g.objective
        self.model = model
        self.graph: Graph = g
        self.names: list[str] = list(g.param_names)
        self.dense: DenseModel | None = model.dense()
        cols = model.data.test if test else model.data.columns
        needed = g.feeds_needed()
        missing = [n for n in needed if n not in cols]
        if cols and missing:
            raise ValueError(f"the {'test' if test else 'training'} data has no column for {', '.join(missing)}")
        self.n = len(next(iter(cols.values()))) if cols else 0
        if self.dense is not None:
            spec = model.spec
            assert spec is not None          # only a layered network has the dense form
            self.X = np.zeros((self.n, len(spec.inputs)))
            self.T = np.zeros((self.n, len(spec.targets)))
            if self.n:
                self.X[:] = np.stack([np.asarray(cols[c], float) for c in spec.inputs], axis=1)
                self.T[:] = np.stack([np.asarray(cols[c], float) for c in spec.targets], axis=1)
        self.feeds = {n: np.asarray(cols[n], float) for n in needed if n in cols}

    @property
    def empty(self) -> bool:
        return self.n == 0 and bool(self.graph.feeds_needed())

    def theta(self, params: Mapping[str, float]) -> np.ndarray:
        return np.array([float(params[n]) for n in self.names])

    def params(self, theta) -> dict[str, float]:
        return dict(zip(self.names, map(float, theta)))

    def _feeds(self, rows):
        if rows is None:
            return self.feeds
        return {k: v[rows] for k, v in self.feeds.items()}

    def value_and_grad(self, theta: np.ndarray, rows=None) -> tuple[float, np.ndarray]:
        if self.dense is not None:
            X, T = (self.X, self.T) if rows is None else (self.X[rows], self.T[rows])
            return self.dense.gradient(theta, X, T)
        P = {n: np.array([v]) for n, v in zip(self.names, theta)}
        values = self.graph.forward(P, self._feeds(rows))
        L = values[self.target]
        batch = L.shape[-1] if L.ndim else 1
        _, pg = self.graph.backward(P, values, {self.target: np.full(L.shape, 1.0 / batch)})
        return float(np.mean(L)), np.array([float(np.sum(pg[n])) for n in self.names])

    def locate(self, theta: np.ndarray, rows=None) -> str | None:
        """The operation that first made an infinite or NaN number on these samples."""
        return nonfinite.in_batch(self.graph, self.params(theta), self._feeds(rows))

    def value(self, theta: np.ndarray, rows=None) -> float:
        if self.dense is not None:
            X, T = (self.X, self.T) if rows is None else (self.X[rows], self.T[rows])
            return float(self.dense.objective(theta, X, T))
        P = {n: np.array([v]) for n, v in zip(self.names, theta)}
        values = self.graph.forward(P, self._feeds(rows), keep=False)
        return float(np.mean(values[self.target]))


@dataclass
class TrainResult:
    model: Model                                        # a trained copy; the input model is untouched
    history: list[float] = field(default_factory=list)  # training-set loss after each epoch
    test_history: list[float] = field(default_factory=list)  # test-set loss after each epoch (empty: no test set)
    stopped_reason: str = ""                            # one readable sentence
    epochs_done: int = 0
    status: str = "done"                                # done | stopped | diverged
    initial_loss: float | None = None                   # training-set loss before the first update
    initial_test_loss: float | None = None
    blames_learning_rate: bool = False                  # diverged: the steps were too large (not an op's domain)

    @property
    def diverged(self) -> bool:
        return self.status == "diverged"


def _fan(model: Model) -> dict[str, tuple[int, int, bool]]:
    """(fan_in, fan_out, is_bias) for every parameter, from its first use."""
    fans: dict[str, tuple[int, int, bool]] = {}
    if model.spec is not None:
        prev = len(model.spec.inputs)
        for layer in model.spec.layers:
            for row, b in zip(layer.weights, layer.biases):
                for w in row:
                    if w is not None:
                        fans.setdefault(w, (prev, len(layer.neurons), False))
                if b is not None:
                    fans.setdefault(b, (prev, len(layer.neurons), True))
            prev = len(layer.neurons)
        return fans
    g = model.graph
    users = g.users()
    for name in g.order:
        n = g.nodes[name]
        for w in n.weights or ():
            if w is not None:
                fans.setdefault(w, (len(n.inputs), 1, False))
        if n.op == "param":
            fan_in = max((len(g.nodes[u].inputs) for u in users[name]), default=1)
            # a parameter added straight into a sum is a bias
            is_bias = all(g.nodes[u].op in ("add", "weighted_sum") for u in users[name]) and bool(users[name])
            fans.setdefault(name, (fan_in, 1, is_bias))
    return fans


def initial_params(model: Model, seed: int | None = None, scale: float | None = None) -> dict[str, float]:
    """Seeded random starting weights: each weight uniform in +-sqrt(6 / (fan_in
    + fan_out)) (Glorot/Xavier) times ``init_scale``; biases start at 0."""
    seed = model.training.seed if seed is None else seed
    scale = model.training.init_scale if scale is None else scale
    rng = np.random.default_rng(seed)
    fans = _fan(model)
    names = model.graph.param_names
    u = rng.uniform(-1.0, 1.0, size=len(names))   # one draw per parameter: names never shift the stream
    out = {}
    for name, ui in zip(names, u.tolist()):
        fan_in, fan_out, is_bias = fans.get(name, (1, 1, False))
        out[name] = 0.0 if is_bias else ui * scale * (6.0 / (fan_in + fan_out)) ** 0.5
    return out


def _not_finite(x) -> str:
    x = np.asarray(x, dtype=float)
    return "NaN" if np.isnan(x).any() else "infinite"


class Trainer:
    """One training run that advances an epoch (or one minibatch step) at a
    time; ``train`` drives it, the benchmark times ``step``."""

    def __init__(self, model: Model, lr: float | None = None, optimizer: str | None = None,
                 batch_size: int | None = None, seed: int | None = None, hyper: dict | None = None,
                 start: str | Mapping[str, float] | None = None):
        s = model.training
        self.lr = s.learning_rate if lr is None else float(lr)
        self.optimizer = s.optimizer if optimizer is None else optimizer
        batch_size = s.batch_size if batch_size is None else batch_size
        seed = s.seed if seed is None else seed
        self.objective = Objective(model)
        if self.objective.empty:
            raise ValueError(f"{model.title or 'the model'} has no training data")
        test = Objective(model, test=True) if model.data.test else None
        self.test_objective = test if test is not None and test.n else None
        self.opt = make_optimizer(self.optimizer, self.lr, **dict(s.hyper if hyper is None else hyper))
        if start is None:
            start = "random" if (s.init or "").lower() == "random" else "model"
        if isinstance(start, str):
            if start not in ("random", "model"):
                raise ValueError(f"unknown start {start!r}; expected 'model', 'random' or a dict of parameters")
            start = initial_params(model, seed) if start == "random" else model.params
        self.theta = self.objective.theta(start)
        self.frozen = np.array([n in model.graph.frozen for n in self.objective.names], dtype=bool)
        self.located: str | None = None
        self.n = max(self.objective.n, 1)
        self.full = batch_size is None or int(batch_size) >= self.n
        self.batch_size = self.n if self.full or batch_size is None else max(1, int(batch_size))
        self.rng = np.random.default_rng(seed)
        self.epoch = 0
        self.schedule = s.schedule
        self.epochs = s.epochs

    def step(self, theta: np.ndarray, rows=None) -> tuple[np.ndarray, str | None]:
        """One forward, backward and optimizer update on the samples ``rows``
        (None: all): (new parameters, None) or (``theta``, what went wrong)."""
        loss, grad = self.objective.value_and_grad(theta, rows)
        self.located = None
        if not (np.isfinite(loss) and np.all(np.isfinite(grad))):
            what = f"the loss became {_not_finite(loss)}" if not np.isfinite(loss) else \
                f"the gradient became {_not_finite(grad)}"
            self.located = self.objective.locate(theta, rows)
            return theta, what + (f": {self.located}" if self.located else "")
        grad = np.where(self.frozen, 0.0, grad)
        new = np.where(self.frozen, theta, self.opt.step(theta, grad))
        if not np.all(np.isfinite(new)):
            return theta, f"a parameter became {_not_finite(new)}"
        return new, None

    def run_epoch(self) -> str | None:
        """One pass over the training set; on divergence the parameters stay
        as they were at the start of the epoch and the problem is returned."""
        self.opt.lr = scheduled_lr(self.lr, self.schedule, self.epoch, self.epochs)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            theta = self.theta
            if self.full:
                theta, bad = self.step(theta)
            else:
                order = self.rng.permutation(self.objective.n)
                for k in range(0, self.n, self.batch_size):
                    theta, bad = self.step(theta, order[k:k + self.batch_size])
                    if bad:
                        break
            if not bad:
                loss = self.objective.value(theta)
                if not np.isfinite(loss):
                    self.located = self.objective.locate(theta)
                    bad = f"the loss became {_not_finite(loss)}" + (f": {self.located}" if self.located else "")
        if bad:
            return bad
        self.theta, self.epoch, self.loss = theta, self.epoch + 1, loss
        return None

    def test_loss(self) -> float | None:
        return self.test_objective.value(self.theta) if self.test_objective else None


def train(model: Model, epochs: int | None = None, lr: float | None = None, optimizer: str | None = None,
          batch_size: int | None = None, seed: int | None = None,
          callback: Callable[[int, float, float | None, dict], object] | None = None,
          should_stop: Callable[[], bool] | None = None, *, hyper: dict | None = None,
          start: str | Mapping[str, float] | None = None) -> TrainResult:
    """Train a copy of ``model``; settings default to ``model.training``.

    ``start``: ``"model"`` (the current parameters), ``"random"``
    (``initial_params``) or a dict; by default ``"random"`` when the settings
    say ``init="random"``.  Minibatches are drawn from a seeded shuffle each
    epoch; ``batch_size=None`` (or at least the data size) is full batch.
    Losses are measured on the whole training (and test) set after each
    epoch.  ``callback(epoch, train_loss, test_loss, params)`` runs after
    every epoch (epochs count from 1; ``test_loss`` is None without a test
    set); ``should_stop()`` is asked before each epoch.  A NaN or infinite
    loss, gradient or parameter stops training; the returned model keeps the
    parameters of the last finished epoch.
    """
    epochs = model.training.epochs if epochs is None else int(epochs)
    tr = Trainer(model, lr, optimizer, batch_size, seed, hyper, start)
    tr.epochs = epochs
    obj = tr.objective
    result = TrainResult(model=model.copy())
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        result.initial_loss = obj.value(tr.theta)
        result.initial_test_loss = tr.test_loss()
    status, reason = "done", None
    for epoch in range(1, epochs + 1):
        if should_stop is not None and should_stop():
            status, reason = "stopped", f"stopped by the user after {epoch - 1} epoch(s)"
            break
        bad = tr.run_epoch()
        if bad:
            status = "diverged"
            rising = bool(result.history) and result.history[-1] > (result.initial_loss or 0.0)
            result.blames_learning_rate = rising or tr.located is None
            why = f" (learning rate {tr.lr:g} is probably too large)" if result.blames_learning_rate else ""
            reason = (f"diverged in epoch {epoch}: {bad}{why}; "
                      f"kept the parameters from {'the start' if epoch == 1 else f'epoch {epoch - 1}'}")
            break
        test_loss = tr.test_loss()
        result.history.append(tr.loss)
        if test_loss is not None:
            result.test_history.append(test_loss)
        result.epochs_done = epoch
        if callback is not None:
            callback(epoch, tr.loss, test_loss, obj.params(tr.theta))
    result.model.params.update(obj.params(tr.theta))
    if result.epochs_done:
        result.model.training.init = None      # the trained weights are the start now, not a random draw
    result.status = status
    result.stopped_reason = reason or f"finished {result.epochs_done} epoch(s)"
    return result
