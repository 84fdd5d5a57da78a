"""File > Import model… and File > Export as PyTorch…: the window's side of ``visualnn.convert``.

Import reads a PyTorch, ONNX or NumPy model (asking for the activations when
the file holds weights only) and opens it as a new, unsaved network; export
writes the PyTorch script of the network shown.  Messages are plain text.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox

from ..convert import SAMPLE_SUFFIXES, ActivationsNeeded, ImportRefused, SamplesRefused, read_model, with_samples
from ..convert.to_torch import NotExportable, torch_script
from . import text
from .export import ExportError, write_text

MODEL_FILTER = "Models (*.pt *.pth *.pt2 *.onnx *.npz);;All files (*)"
SAMPLES_FILTER = f"Samples ({' '.join('*' + s for s in SAMPLE_SUFFIXES)});;All files (*)"


def import_model_file(window, path: str | None = None, data: str | None = None) -> bool:
    """Ask for a model file (unless ``path``), import it with samples (``data``, or a CSV/NPZ
    file the user is offered to attach) and show it; False if nothing was opened.  A refused
    data file is named with its line and the user picks another (or none): the model read and
    the activations typed are kept, and the window's network is untouched until the end."""
    if path is None:
        path, _ = QFileDialog.getOpenFileName(window, "Import model", "", MODEL_FILTER)
        if not path:
            return False
    layers = _read_layers(window, path)
    if layers is None:
        return False
    if data is None:
        data = _ask_samples(window, path, first=True)
    while True:
        try:
            doc = with_samples(layers, path, data or None)
            break
        except SamplesRefused as err:
            text.critical(window, "Cannot attach the samples", str(err))
            data = _ask_samples(window, path, first=False)
            if data is None:
                return False
        except ImportRefused as err:
            text.critical(window, "Cannot import model", str(err))
            return False
    if not window.maybe_save():
        return False
    window.show_model(doc.model, doc)
    count = len(doc.model.data)
    note = (f"with {count} sample{'s' if count != 1 else ''} from {Path(data).name}" if data else
            "the inputs start at 0: edit them, or import again and attach samples")
    window.statusBar().showMessage(f"Imported {path} ({note}): save it to keep it", 8000)
    return True


def _read_layers(window, path: str) -> list | None:
    """The model's layers, asking for the activations of a file holding weights only; None if refused."""
    activations = None
    while True:
        try:
            return read_model(path, activations)
        except ActivationsNeeded as err:
            answer, ok = QInputDialog.getText(window, "Import model",
                                              f"{Path(path).name} holds weights only. The activation of each of its "
                                              f"{err.layers} layers, comma-separated (e.g. tanh, sigmoid):",
                                              QLineEdit.Normal, ", ".join(["relu"] * (err.layers - 1) + ["linear"]))
            if not ok:
                return None
            activations = [a.strip() for a in answer.split(",") if a.strip()]
        except ImportRefused as err:
            text.critical(window, "Cannot import model", str(err))
            return None


def _ask_samples(window, path: str, first: bool) -> str | None:
    """A samples file the user picks for the model: "" for none (the first time, after saying no),
    None when they cancel after a refused file (the import stops, nothing changed)."""
    if first:
        answer = text.ask(window, "question", "Import model",
                          f"Attach samples to {Path(path).name}? A CSV, NPZ or NPY file, one row per sample: "
                          "the inputs, then the targets. Without samples every input starts at 0.",
                          QMessageBox.Yes | QMessageBox.No, QMessageBox.Yes)
        if answer != QMessageBox.Yes:
            return ""
    chosen, _ = QFileDialog.getOpenFileName(window, f"Samples for {Path(path).name}", str(Path(path).parent),
                                            SAMPLES_FILTER)
    return chosen or ("" if first else None)


def export_torch_file(window, path: str | None = None) -> bool:
    """Write the PyTorch script of the network shown (asking where, unless ``path``)."""
    try:
        script = torch_script(window.session.model)
    except NotExportable as err:
        text.critical(window, "Cannot export as PyTorch", str(err))
        return False
    if path is None:
        start = str(Path(window.session.path).with_suffix(".py")) if window.session.path else "network.py"
        path, _ = QFileDialog.getSaveFileName(window, "Export as PyTorch", start, "Python scripts (*.py)")
        if not path:
            return False
    try:
        write_text(Path(path), script)
    except ExportError as err:
        text.critical(window, "Cannot export as PyTorch", str(err))
        return False
    window.statusBar().showMessage(f"Wrote {path}: run it with python {Path(path).name} [EPOCHS]", 8000)
    return True
