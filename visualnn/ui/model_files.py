"""File > Import model… and File > Export as PyTorch…: the window's side of ``visualnn.convert``.

Import reads a PyTorch, ONNX or NumPy model (asking for the activations when
the file holds weights only) and opens it as a new, unsaved network; export
writes the PyTorch script of the network shown.  Messages are plain text.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit

from ..convert import ActivationsNeeded, ImportRefused, import_model
from ..convert.to_torch import NotExportable, torch_script
from . import text
from .export import ExportError, write_text

MODEL_FILTER = "Models (*.pt *.pth *.pt2 *.onnx *.npz);;All files (*)"


def import_model_file(window, path: str | None = None) -> bool:
    """Ask for a model file (unless ``path``), import it and show it; False if nothing was opened."""
    if path is None:
        path, _ = QFileDialog.getOpenFileName(window, "Import model", "", MODEL_FILTER)
        if not path:
            return False
    activations = None
    while True:
        try:
            doc = import_model(path, activations)
            break
        except ActivationsNeeded as err:
            answer, ok = QInputDialog.getText(window, "Import model",
                                              f"{Path(path).name} holds weights only. The activation of each of its "
                                              f"{err.layers} layers, comma-separated (e.g. tanh, sigmoid):",
                                              QLineEdit.Normal, ", ".join(["relu"] * (err.layers - 1) + ["linear"]))
            if not ok:
                return False
            activations = [a.strip() for a in answer.split(",") if a.strip()]
        except ImportRefused as err:
            text.critical(window, "Cannot import model", str(err))
            return False
    if not window.maybe_save():
        return False
    window.show_model(doc.model, doc)
    window.statusBar().showMessage(f"Imported {path}: save it to keep it (the inputs start at 0: edit them, "
                                   f"or import with samples: visualnn import --data)", 8000)
    return True


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
