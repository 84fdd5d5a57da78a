"""Input features, as TensorFlow Playground offers them: each a function of a
2-D point's ``x1`` and ``x2`` that becomes one input node of the network.

``FEATURES`` maps a feature's name (also its input node's name) to its rule;
``with_features`` turns a data set's generic columns ``x1, x2, t1..`` into
one generic column per chosen feature (``x1..xk`` in the order chosen), so
``datasets.as_dataset`` maps them onto the network's inputs as it does any data.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

Columns = dict[str, np.ndarray]

FEATURES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "x1": lambda a, b: a,
    "x2": lambda a, b: b,
    "x1²": lambda a, b: a * a,
    "x2²": lambda a, b: b * b,
    "x1·x2": lambda a, b: a * b,
    "sin(x1)": lambda a, b: np.sin(a),
    "sin(x2)": lambda a, b: np.sin(b),
}


def with_features(cols: Columns, features: list[str]) -> Columns:
    """The columns with ``x1, x2`` replaced by one column per feature (in order)."""
    if not cols:
        return {}
    unknown = [f for f in features if f not in FEATURES]
    if unknown:
        raise ValueError(f"unknown input feature {unknown[0]!r}; expected one of {', '.join(FEATURES)}")
    if "x1" not in cols or "x2" not in cols or "x3" in cols:
        raise ValueError("input features need data with exactly two inputs, x1 and x2")
    a, b = np.asarray(cols["x1"], dtype=float), np.asarray(cols["x2"], dtype=float)
    out = {f"x{k + 1}": np.asarray(FEATURES[f](a, b), dtype=float) for k, f in enumerate(features)}
    out.update({k: v for k, v in cols.items() if k.startswith("t")})
    return out
