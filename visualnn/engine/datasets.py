"""Small teaching data sets, generated deterministically from a seed.

``generate(name, ...)`` returns ``(train, test)``, each a dict of columns
``{column: 1-D array}`` with *generic* names: the inputs are ``x1, x2, ...``
and the targets ``t1, t2, ...``.  A file or a network maps them, in order,
onto its own input and target names (``x1`` onto the first input, ``t1``
onto the first target); ``as_dataset`` does that for an engine ``Dataset``.

``noise`` is the standard deviation of Gaussian jitter added to every input
value (for the ``sine`` regression set: to the target instead).  With
``test_fraction`` a seeded random part of the samples is held out as the
test set (``{}`` when there is none); both parts keep the order the samples
were generated in.

Generators (``GENERATORS``):

- ``xor``, ``and``, ``or``: the four truth-table points (0/1 in, 0/1 out),
  repeated cyclically up to ``n``.  ``low=-1`` gives the -1/+1 encoding.
- ``gaussians``: two round blobs centred on (+2, +2) (target 1) and
  (-2, -2) (target 0), ``spread`` their standard deviation.
- ``circles``: a disc of radius ``radius/2`` (target 1) inside a ring from
  ``0.7 radius`` to ``radius`` (target 0), as in the TensorFlow playground.
- ``spiral``: two interleaved spirals (playground style), 1.75 turns each.
- ``spiral3``, ``blobs3``: three classes (three spiral arms; three round blobs
  around the origin), the target ``t1`` the class number 0, 1, 2 (for a
  softmax output with ``class_cross_entropy``).
- ``sine``: ``t1 = sin(x1)`` on ``span`` with noisy targets (regression).
- ``four_pixel``: the four-pixel camera: 2x2 images with pixels +1 (white)
  and -1 (black), inputs ``x1..x4`` = top-left, top-right, bottom-left,
  bottom-right; four classes solid / vertical / diagonal / horizontal as
  one-hot targets ``t1..t4`` in that order (the lecture's truth column is
  0, 0, 0, 1 for a horizontal image).  Each class has two images (a pattern
  and its negative); noise is clipped so pixels stay in [-1, 1].

Binary sets take ``labels=(negative, positive)`` (default ``(0, 1)``; use
``(-1, 1)`` for tanh outputs).
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

Columns = dict[str, np.ndarray]


def _columns(X: np.ndarray, T: np.ndarray) -> Columns:
    cols = {f"x{i + 1}": X[:, i].astype(float) for i in range(X.shape[1])}
    cols.update({f"t{j + 1}": T[:, j].astype(float) for j in range(T.shape[1])})
    return cols


def _binary(y: np.ndarray, labels) -> np.ndarray:
    lo, hi = (float(v) for v in labels)
    return np.where(y > 0, hi, lo)[:, None]


# --- generators: (n, rng, noise, **kw) -> (X (n, d), T (n, k)) ------------------
def _truth_table(fn):
    def gen(n, rng, noise, low=0.0, labels=(0.0, 1.0)):
        a = np.array([0, 0, 1, 1] * math.ceil(n / 4))[:n]
        b = np.array([0, 1, 0, 1] * math.ceil(n / 4))[:n]
        y = fn(a, b)
        X = np.stack([a, b], axis=1).astype(float)
        X = np.where(X > 0, 1.0, float(low))
        X = X + noise * rng.standard_normal(X.shape)
        return X, _binary(y, labels)
    return gen


def _gaussians(n, rng, noise, spread=1.0, labels=(0.0, 1.0)):
    y = np.arange(n) % 2 == 0
    centre = np.where(y, 2.0, -2.0)[:, None]
    X = centre + spread * rng.standard_normal((n, 2)) + noise * rng.standard_normal((n, 2))
    return X, _binary(y, labels)


def _circles(n, rng, noise, radius=1.0, labels=(0.0, 1.0)):
    y = np.arange(n) % 2 == 0
    r = np.where(y, rng.uniform(0.0, 0.5, n), rng.uniform(0.7, 1.0, n)) * radius
    angle = rng.uniform(0.0, 2 * np.pi, n)
    X = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    X = X + noise * rng.standard_normal(X.shape)
    return X, _binary(y, labels)


def _spiral(n, rng, noise, radius=1.0, turns=1.75, labels=(0.0, 1.0)):
    half = np.arange(n) // 2
    per_arm = max(1, math.ceil(n / 2))
    y = np.arange(n) % 2 == 0
    r = half / per_arm * radius
    t = turns * half / per_arm * 2 * np.pi + np.where(y, 0.0, np.pi)
    X = np.stack([r * np.sin(t), r * np.cos(t)], axis=1)
    X = X + noise * rng.standard_normal(X.shape)
    return X, _binary(y, labels)


def _spiral3(n, rng, noise, radius=1.0, turns=1.0):
    c = np.arange(n) % 3
    r = (np.arange(n) // 3 + 1) / max(1, math.ceil(n / 3)) * radius
    t = turns * r / radius * 2 * np.pi + c * 2 * np.pi / 3
    X = np.stack([r * np.sin(t), r * np.cos(t)], axis=1)
    return X + noise * rng.standard_normal(X.shape), c[:, None].astype(float)


def _blobs3(n, rng, noise, spread=0.5, distance=2.0):
    c = np.arange(n) % 3
    angle = c * 2 * np.pi / 3
    centre = distance * np.stack([np.sin(angle), np.cos(angle)], axis=1)
    X = centre + spread * rng.standard_normal((n, 2)) + noise * rng.standard_normal((n, 2))
    return X, c[:, None].astype(float)


def _sine(n, rng, noise, span=(-3.0, 3.0), frequency=1.0):
    x = np.sort(rng.uniform(float(span[0]), float(span[1]), n))
    t = np.sin(frequency * x) + noise * rng.standard_normal(n)
    return x[:, None], t[:, None]


FOUR_PIXEL_CLASSES = ("solid", "vertical", "diagonal", "horizontal")
# pixels: top-left, top-right, bottom-left, bottom-right; +1 white, -1 black
FOUR_PIXEL_IMAGES = {
    "solid": ((1, 1, 1, 1), (-1, -1, -1, -1)),
    "vertical": ((1, -1, 1, -1), (-1, 1, -1, 1)),
    "diagonal": ((1, -1, -1, 1), (-1, 1, 1, -1)),
    "horizontal": ((1, 1, -1, -1), (-1, -1, 1, 1)),
}


def _four_pixel(n, rng, noise):
    images = [(img, c) for c, name in enumerate(FOUR_PIXEL_CLASSES) for img in FOUR_PIXEL_IMAGES[name]]
    picks = [images[i % len(images)] for i in range(n)]
    X = np.array([img for img, _ in picks], dtype=float)
    X = np.clip(X + noise * rng.standard_normal(X.shape), -1.0, 1.0)
    T = np.zeros((n, len(FOUR_PIXEL_CLASSES)))
    T[np.arange(n), [c for _, c in picks]] = 1.0
    return X, T


GENERATORS: dict[str, Callable] = {
    "xor": _truth_table(lambda a, b: a ^ b),
    "and": _truth_table(lambda a, b: a & b),
    "or": _truth_table(lambda a, b: a | b),
    "gaussians": _gaussians,
    "circles": _circles,
    "spiral": _spiral,
    "spiral3": _spiral3,
    "blobs3": _blobs3,
    "sine": _sine,
    "four_pixel": _four_pixel,
}

DEFAULT_SIZE = {"xor": 4, "and": 4, "or": 4, "four_pixel": 8}

DESCRIPTIONS = {
    "xor": "XOR truth table: 1 when exactly one input is 1 (needs a hidden layer)",
    "and": "AND truth table: 1 when both inputs are 1",
    "or": "OR truth table: 1 when either input is 1",
    "gaussians": "two Gaussian blobs, one per class",
    "circles": "a disc of one class inside a ring of the other",
    "spiral": "two interleaved spirals",
    "spiral3": "three spiral arms, one class each (class number 0, 1, 2)",
    "blobs3": "three Gaussian blobs, one class each (class number 0, 1, 2)",
    "sine": "noisy samples of sin(x) (regression)",
    "four_pixel": "four-pixel camera images: solid, vertical, diagonal, horizontal",
}


def shape(name: str) -> tuple[int, int]:
    """(number of inputs, number of targets) a data set provides."""
    X, T = _generator(name)(1, np.random.default_rng(0), 0.0)
    return X.shape[1], T.shape[1]


def _generator(name: str) -> Callable:
    try:
        return GENERATORS[name]
    except KeyError:
        raise ValueError(f"unknown data set {name!r}; expected one of {', '.join(GENERATORS)}") from None


def generate(name: str, n: int | None = None, noise: float = 0.0, seed: int = 0,
             test_fraction: float = 0.0, **kw) -> tuple[Columns, Columns]:
    """``(train, test)`` columns of the data set ``name`` (see the module doc)."""
    gen = _generator(name)
    n = DEFAULT_SIZE.get(name, 200) if n is None else int(n)
    if n < 1:
        raise ValueError(f"data set {name!r}: n must be at least 1, got {n}")
    if not 0.0 <= test_fraction < 1.0:
        raise ValueError(f"data set {name!r}: test_fraction must be in [0, 1), got {test_fraction}")
    if noise < 0:
        raise ValueError(f"data set {name!r}: noise must be >= 0, got {noise}")
    rng = np.random.default_rng(seed)
    try:
        X, T = gen(n, rng, float(noise), **kw)
    except TypeError as e:
        raise ValueError(f"data set {name!r}: {e}") from None
    n_test = int(round(n * test_fraction))
    n_test = min(n_test, n - 1)
    test_idx = np.sort(rng.permutation(n)[:n_test])
    mask = np.ones(n, dtype=bool)
    mask[test_idx] = False
    return _columns(X[mask], T[mask]), (_columns(X[~mask], T[~mask]) if n_test else {})


def as_dataset(train: Columns, test: Columns, inputs: list[str], targets: list[str]):
    """An engine ``Dataset`` with the generic columns renamed, in order, to the
    network's ``inputs`` and ``targets``."""
    from .model import Dataset

    def rename(cols):
        if not cols:
            return {}
        xs = sorted((k for k in cols if k.startswith("x")), key=lambda k: int(k[1:]))
        ts = sorted((k for k in cols if k.startswith("t")), key=lambda k: int(k[1:]))
        if len(xs) != len(inputs) or len(ts) != len(targets):
            raise ValueError(f"the data has {len(xs)} input and {len(ts)} target columns; the network has "
                             f"{len(inputs)} inputs and {len(targets)} targets")
        out = {name: np.asarray(cols[k], dtype=float) for name, k in zip(inputs, xs)}
        out.update({name: np.asarray(cols[k], dtype=float) for name, k in zip(targets, ts)})
        return out
    return Dataset(rename(train), rename(test))
