"""Models trained elsewhere, in and out: ``visualnn import`` and ``visualnn export --format torch``.

``import_model(path)`` reads a PyTorch state dict, TorchScript or torch.export file, an ONNX
graph or a NumPy ``.npz`` of weight matrices holding a stack of fully
connected layers, and returns the layered network document (``ImportRefused``
names the first layer it cannot show and why).  ``torch_script(document)``
writes the Python that builds and trains the same network in PyTorch.
Never imports Qt.
"""
from __future__ import annotations

from pathlib import Path

from ..io.document import Document
from .dense import ActivationsNeeded, ImportRefused, fold, to_document
from .npz_files import read_npz
from .onnx_files import read_onnx
from .samples import SAMPLE_SUFFIXES, SamplesRefused, read_samples
from .torch_files import read_exported, read_torch

READERS = {".pt": "torch", ".pth": "torch", ".pt2": "torch.export", ".onnx": "onnx", ".npz": "npz"}


def import_model(path, activations: list[str] | None = None, data=None, loss: str | None = None,
                 title: str | None = None) -> Document:
    """The layered network document of the model in ``path``.  ``activations``: one per
    layer (a state dict or .npz has none); ``data``: a CSV, .npz or .npy file of samples, one
    row each, the inputs then the targets (without it: one sample, every input 0); ``loss``:
    an engine loss (default mse with targets)."""
    return with_samples(read_model(path, activations), path, data, loss, title)


def read_model(path, activations: list[str] | None = None) -> list:
    """The model's dense layers, folded (``ImportRefused`` names what cannot be shown)."""
    path = Path(path)
    kind = READERS.get(path.suffix.lower())
    if kind is None:
        raise ImportRefused(f"{path}: cannot tell the model format from the name; visualnn imports "
                            f"{', '.join(READERS)} files")
    if not path.is_file():
        raise ImportRefused(f"{path}: no such file")
    if kind == "torch":
        pieces = read_torch(path, activations)
    elif kind == "torch.export":
        pieces = read_exported(path)
    elif kind == "onnx":
        pieces = read_onnx(path)
    else:
        pieces = read_npz(path, activations)
    return fold(pieces, str(path))


def with_samples(layers: list, path, data=None, loss: str | None = None, title: str | None = None) -> Document:
    """The document of ``layers`` (read from the model file ``path``) with the samples in
    ``data``; ``SamplesRefused`` names the data file (and its line) when they do not fit."""
    path = Path(path)
    X = T = None
    if data is not None:
        rows = read_samples(Path(data))
        n_in = layers[0].weight.shape[1]
        if rows.shape[1] < n_in:
            cols = f"{rows.shape[1]} column{'s' if rows.shape[1] != 1 else ''}"
            raise SamplesRefused(f"{data}: {cols}, but the network takes {n_in} inputs")
        X, T = rows[:, :n_in], (rows[:, n_in:] if rows.shape[1] > n_in else None)
    try:
        return to_document(layers, title or f"{path.stem} (imported from {path.name})", X, T, loss)
    except ImportRefused as err:
        if data is None or not str(err).startswith("the data has"):
            raise
        raise SamplesRefused(f"{data}: {err}") from None


__all__ = ["import_model", "read_model", "with_samples", "read_samples", "ImportRefused", "SamplesRefused",
           "SAMPLE_SUFFIXES", "ActivationsNeeded"]
