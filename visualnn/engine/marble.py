"""The marble: an optimizer's steps down a surface, one update at a time, with
what the optimizer remembered at each step (the loss-surface panel's race)."""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from .optimizers import make_optimizer

MARBLE_PROGRESS_EVERY = 256     # steps between reports to ``progress``


class MarbleRun(NamedTuple):
    """One marble's roll: the points, the loss at each (or None), the gradient
    at each point it stepped from, and what the optimizer remembered after each
    step (``Optimizer.internals``: velocity, running averages), by name."""
    path: np.ndarray                     # (k+1, *start.shape)
    losses: np.ndarray | None
    gradients: np.ndarray                # (k, *start.shape): gradient used by step i
    memory: dict[str, np.ndarray]        # name -> (k, *start.shape): after step i
    rates: np.ndarray                    # (k,): the learning rate of step i (the schedule)


def marble_path(grad_fn, start, optimizer: str = "sgd", lr: float = 0.1, steps: int = 100, *,
                f: Callable | None = None, progress: Callable[[float], None] | None = None,
                cancelled: Callable[[], bool] | None = None, **hyper) -> tuple[np.ndarray, np.ndarray | None]:
    """Roll a marble: ``steps`` optimizer updates from ``start``.

    ``grad_fn`` maps points (last axis = coordinates) to gradients, or is an
    ``AnalyticSurface``.  ``start`` may hold several marbles (M, 2).  Returns
    ``(path, losses)``: path (steps+1, *start.shape), losses from ``f`` (or
    the analytic surface) at each point, or None without one.  The path ends
    early at the last finite point if the marble flies off to infinity, or
    where ``cancelled()`` first answers True; ``progress`` hears the fraction done.
    """
    run = marble_run(grad_fn, start, optimizer, lr, steps, f=f, progress=progress, cancelled=cancelled, **hyper)
    return run.path, run.losses


def marble_run(grad_fn, start, optimizer: str = "sgd", lr: float = 0.1, steps: int = 100, *,
               f: Callable | None = None, progress: Callable[[float], None] | None = None,
               cancelled: Callable[[], bool] | None = None, decay: float = 0.0, **hyper) -> MarbleRun:
    """``marble_path`` keeping the gradients and the optimizer's memory at every step.
    ``decay``: the learning-rate schedule lr / (1 + decay * t) for step t = 0, 1, ...
    (0: a constant rate), as torch's LambdaLR with that factor."""
    if not callable(grad_fn):                               # an AnalyticSurface: its value and gradient
        f = grad_fn.value if f is None else f
        grad_fn = grad_fn.gradient
    opt = make_optimizer(optimizer, lr, **hyper)
    path = [np.asarray(start, dtype=float)]
    grads: list[np.ndarray] = []
    rates: list[float] = []
    memory: dict[str, list[np.ndarray]] = {}
    steps = int(steps)
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps):
            if cancelled is not None and cancelled():
                break
            if progress is not None and k % MARBLE_PROGRESS_EVERY == MARBLE_PROGRESS_EVERY - 1:
                progress(k / steps)
            g = np.asarray(grad_fn(path[-1]), dtype=float)
            opt.lr = lr / (1.0 + decay * k)
            new = opt.step(path[-1], g)
            if not np.all(np.isfinite(new)):
                break
            path.append(new)
            grads.append(g)
            rates.append(opt.lr)
            for name, buf in opt.internals().items():
                memory.setdefault(name, []).append(buf)
        points = np.stack(path)
        losses = None if f is None else np.asarray(f(points), dtype=float)
    shape = (0,) + points.shape[1:]
    return MarbleRun(points, losses, np.stack(grads) if grads else np.zeros(shape),
                     {name: np.stack(v) for name, v in memory.items()}, np.array(rates))
