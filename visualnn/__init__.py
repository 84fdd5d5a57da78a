"""visualnn: see a neural network compute and learn, one operation at a time.

The Python API (``visualnn.Value``, ``visualnn.MLP``, ``visualnn.trace``,
``visualnn.save``, ``visualnn.show``) is loaded on first use: ``import visualnn``
alone loads nothing, and nothing of the API imports Qt until a window or a
picture is asked for.
"""
__version__ = "0.1.0"

_API = ("Value", "const", "loss", "squared_error", "mse", "maximum", "minimum", "weighted_sum", "MLP", "Layer",
        "Neuron", "trace", "save", "show", "document_of", "Trace", "StepView", "Table")


def __getattr__(name):
    if name in _API:
        from . import api
        return getattr(api, name)
    raise AttributeError(f"module 'visualnn' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_API))
