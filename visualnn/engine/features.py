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


def plane_inputs(model) -> tuple[str, str] | None:
    """The two inputs a decision map is drawn over: a two-input network's inputs,
    or the inputs fed ``x1`` and ``x2`` when the inputs are features of 2-D points."""
    inputs = list(model.graph.inputs)
    if len(inputs) == 2:
        return inputs[0], inputs[1]
    features = list(getattr(model, "features", None) or [])
    if len(features) == len(inputs) and "x1" in features and "x2" in features:
        return inputs[features.index("x1")], inputs[features.index("x2")]
    return None


def plane_points(model, points: np.ndarray) -> np.ndarray:
    """The network's inputs at plane points (M, 2) (see ``plane_inputs``)."""
    points = np.asarray(points, dtype=float)
    if len(model.graph.inputs) == 2:
        return points
    a, b = points[:, 0], points[:, 1]
    return np.stack([np.asarray(FEATURES[f](a, b), dtype=float) for f in model.features], axis=1)


def class_labels(model) -> list[float]:
    """The target values of a one-target network's training data (its classes), in order."""
    targets = list(model.graph.targets)
    if len(targets) != 1 or targets[0] not in model.data.columns:
        return []
    return sorted(float(v) for v in np.unique(np.asarray(model.data.columns[targets[0]], dtype=float)))


def sample_at(model, x: float, y: float, label: float) -> dict[str, float]:
    """A sample at plane point (x, y) of class ``label``: every input (features
    computed from the point) and the target."""
    inputs = list(model.graph.inputs)
    values = plane_points(model, np.array([[x, y]]))[0]
    out = {name: float(v) for name, v in zip(inputs, values)}
    out[model.graph.targets[0]] = float(label)
    return out


def nearest_sample(model, x: float, y: float) -> int | None:
    """The training sample nearest the plane point (x, y), or None without samples."""
    plane = plane_inputs(model)
    cols = model.data.columns
    if plane is None or not cols or plane[0] not in cols:
        return None
    d = np.hypot(np.asarray(cols[plane[0]], float) - x, np.asarray(cols[plane[1]], float) - y)
    return int(np.argmin(d)) if d.size else None


LOGIT_LOSSES = ("class_cross_entropy", "softmax_cross_entropy")    # losses that take a softmax of their inputs


def class_probabilities(graph, values: dict) -> list[float] | None:
    """Each class's probability for the sample traced, once its outputs are computed:
    the softmax outputs themselves, or the softmax of the logits a fused softmax
    loss takes.  None for a network that does not end in a softmax over classes."""
    outputs = list(graph.outputs)
    loss = graph.loss
    if len(outputs) < 2 or any(o not in values for o in outputs):
        return None
    z = np.array([float(values[o]) for o in outputs])
    if loss is not None and graph.nodes[loss].op in LOGIT_LOSSES:
        e = np.exp(z - z.max())
        return (e / e.sum()).tolist()
    if all(graph.nodes[o].op == "softmax" for o in outputs):
        return z.tolist()
    return None
