"""visualnn from Python: micrograd-style values and networks the app steps through.

::

    import visualnn as vn
    x, y, z = vn.Value(-2.0, "x"), vn.Value(5.0, "y"), vn.Value(-4.0, "z")
    f = (x + y) * z
    f.backward()                 # x.grad == -4.0, by the engine's backward pass
    tr = vn.trace(f)             # the steps the window takes: tr.at("backward:f")
    vn.save(f, "f.json")         # the file format; opens with the same trace
    vn.show(f)                   # the window (Qt is imported only here)

Nothing here imports Qt; ``show`` and the notebook pictures load it when called.
"""
from __future__ import annotations

from pathlib import Path

from ..io.document import save as _save_document
from .build import document_of
from .nn import MLP, Layer, Neuron
from .show import show
from .traced import StepView, Table, Trace, as_document
from .value import Value, const, loss, maximum, minimum, mse, squared_error, weighted_sum


def trace(obj, sample: int = 0, **build) -> Trace:
    """The app's step list for ``obj``: a ``Value`` expression (``cost=True`` adds an
    update step minimising it; ``learning_rate``, ``title``), an ``MLP`` (with
    ``inputs``, ``targets``, ``loss``), a file path or a Document.  ``sample``:
    which sample of the data."""
    return Trace(as_document(obj, **build), sample)


def save(obj, path, **build) -> Path:
    """Write ``obj`` (as ``trace`` takes it) in the visualnn file format."""
    return _save_document(as_document(obj, **build), path)


__all__ = ["Value", "const", "loss", "squared_error", "mse", "maximum", "minimum", "weighted_sum", "MLP", "Layer",
           "Neuron", "trace", "save", "show", "document_of", "as_document", "Trace", "StepView", "Table"]
