"""Optimizers shared by training and the marble paths.

Each works elementwise on a NumPy array of parameters (a flat parameter
vector, or an (M, 2) array of marbles on a surface) and keeps its own state.
The update rules follow ``torch.optim`` exactly so the two can be compared
step for step.  Every optimizer takes ``weight_decay`` (L2, coupled as in
torch.optim: the gradient gets ``weight_decay × θ`` added); ``adamw`` decays
the weights apart from the gradient (decoupled, torch.optim.AdamW).
"""
from __future__ import annotations

import numpy as np


class Optimizer:
    name = "optimizer"
    defaults: dict = {"weight_decay": 0.0}
    decoupled = False                  # AdamW: decay the weights themselves, not through the gradient
    memory: dict[str, str] = {}    # state buffer -> what the lecture calls it (the marble's readouts)

    def __init__(self, lr: float = 0.01, **hyper):
        unknown = set(hyper) - set(self.defaults)
        if unknown:
            raise ValueError(f"{self.name} has no setting {', '.join(sorted(unknown))}")
        self.lr = float(lr)
        self.hyper = {**self.defaults, **hyper}
        self.t = 0
        self.state: dict[str, np.ndarray] = {}

    def _update(self, theta: np.ndarray, grad: np.ndarray) -> np.ndarray:
        raise NotImplementedError      # each optimizer's rule

    def step(self, theta: np.ndarray, grad: np.ndarray) -> np.ndarray:
        """One update: returns the new parameters (``theta`` is not changed)."""
        self.t += 1
        theta, grad = np.asarray(theta, dtype=float), np.asarray(grad, dtype=float)
        wd = self.hyper.get("weight_decay", 0.0)
        if wd and self.decoupled:
            theta = theta * (1.0 - self.lr * wd)
        elif wd:
            grad = grad + wd * theta
        return self._update(theta, grad)

    def run(self, theta, gradient_fn, steps: int) -> np.ndarray:
        """``steps`` updates from ``theta``; returns the path, shape (steps+1, *theta.shape)."""
        path = [np.asarray(theta, dtype=float)]
        for _ in range(steps):
            path.append(self.step(path[-1], gradient_fn(path[-1])))
        return np.stack(path)

    def internals(self) -> dict[str, np.ndarray]:
        """What the optimizer remembers now, by the lecture's names ("velocity", ...):
        copies, empty before the first step."""
        return {label: self.state[key].copy() for key, label in self.memory.items() if key in self.state}

    def _buf(self, key, like):
        if key not in self.state:
            self.state[key] = np.zeros_like(like)
        return self.state[key]


class SGD(Optimizer):
    name = "sgd"

    def _update(self, theta, g):
        return theta - self.lr * g


class Momentum(Optimizer):
    """Heavy ball: v = mu v + g, theta -= lr v (torch SGD with momentum)."""
    name = "momentum"
    defaults = {"momentum": 0.9, "weight_decay": 0.0}
    memory = {"v": "velocity"}

    def _update(self, theta, g):
        v = self.state.get("v")
        v = g.copy() if v is None else self.hyper["momentum"] * v + g
        self.state["v"] = v
        return theta - self.lr * self._direction(g, v)

    def _direction(self, g, v):
        return v


class Nesterov(Momentum):
    """Look-ahead momentum: theta -= lr (g + mu v)."""
    name = "nesterov"

    def _direction(self, g, v):
        return g + self.hyper["momentum"] * v


class RMSProp(Optimizer):
    name = "rmsprop"
    defaults = {"alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0}
    memory = {"sq": "running average of g²"}

    def _update(self, theta, g):
        a = self.hyper["alpha"]
        sq = a * self._buf("sq", g) + (1 - a) * g * g
        self.state["sq"] = sq
        return theta - self.lr * g / (np.sqrt(sq) + self.hyper["eps"])


class Adam(Optimizer):
    name = "adam"
    defaults = {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0}
    memory = {"m": "running average of g", "v": "running average of g²"}

    def _update(self, theta, g):
        b1, b2 = self.hyper["beta1"], self.hyper["beta2"]
        m = b1 * self._buf("m", g) + (1 - b1) * g
        v = b2 * self._buf("v", g) + (1 - b2) * g * g
        self.state["m"], self.state["v"] = m, v
        m_hat = m / (1 - b1 ** self.t)
        v_hat = v / (1 - b2 ** self.t)
        return theta - self.lr * m_hat / (np.sqrt(v_hat) + self.hyper["eps"])


class AdamW(Adam):
    """Adam with decoupled weight decay: θ ← θ(1 - lr·weight_decay), then Adam's step."""
    name = "adamw"
    defaults = {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.01}
    decoupled = True


class AdaGrad(Optimizer):
    """Each parameter's step shrinks with the sum of its squared gradients so far
    (torch.optim.Adagrad, lr_decay 0: sum += g², theta -= lr g / (sqrt(sum) + eps))."""
    name = "adagrad"
    defaults = {"eps": 1e-10, "weight_decay": 0.0}
    memory = {"sum": "sum of g²"}

    def _update(self, theta, g):
        total = self._buf("sum", g) + g * g
        self.state["sum"] = total
        return theta - self.lr * g / (np.sqrt(total) + self.hyper["eps"])


OPTIMIZERS = {cls.name: cls for cls in (SGD, Momentum, Nesterov, RMSProp, Adam, AdaGrad, AdamW)}


def scheduled_lr(lr: float, schedule: dict | None, epoch: int, epochs: int) -> float:
    """The learning rate for epoch ``epoch`` (from 0) under a schedule, as
    torch.optim.lr_scheduler steps it once per epoch: ``{"type": "step",
    "step_size": n, "gamma": g}`` multiplies by g every n epochs (StepLR);
    ``{"type": "cosine", "t_max": n, "eta_min": m}`` follows half a cosine from
    lr down to m over n epochs (CosineAnnealingLR; t_max defaults to the
    number of epochs).  None: constant."""
    if not schedule:
        return lr
    kind = schedule.get("type")
    if kind == "step":
        return lr * float(schedule.get("gamma", 0.1)) ** (epoch // int(schedule.get("step_size", 1)))
    if kind == "cosine":
        t_max = int(schedule.get("t_max") or epochs or 1)
        eta_min = float(schedule.get("eta_min", 0.0))
        return eta_min + (lr - eta_min) * (1.0 + np.cos(np.pi * epoch / t_max)) / 2.0
    raise ValueError(f"unknown learning-rate schedule {kind!r}; expected 'step' or 'cosine'")


def make_optimizer(name: str, lr: float, **hyper) -> Optimizer:
    try:
        cls = OPTIMIZERS[name.lower()]
    except KeyError:
        raise ValueError(f"unknown optimizer {name!r}; expected one of {', '.join(OPTIMIZERS)}") from None
    return cls(lr, **hyper)
