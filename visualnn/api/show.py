"""``visualnn.show``: the window on an expression, a network, a file or a document.

Qt is imported here, inside ``show``.  In a script the call blocks until the
window is closed; where IPython runs a Qt event loop (``%gui qt``) it returns
the window at once and the notebook stays usable.
"""
from __future__ import annotations

import sys

_open_windows: list = []          # windows shown without blocking: kept alive until closed


def ipython_qt_loop() -> bool:
    """True when IPython is running a Qt event loop (``%gui qt``) in this process."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    loop = getattr(shell, "active_eventloop", None) if shell is not None else None
    return isinstance(loop, str) and loop.startswith("qt")


def show(obj, block: bool | None = None, sample: int = 0, position=None, **build):
    """Open the stepper window on ``obj`` (a ``Value`` expression, an ``MLP``, a
    ``Trace``, an ``io.Document`` or a file path).  ``block``: wait until the window
    is closed (default: yes, unless IPython runs a Qt event loop).  ``position``:
    the step to show first (a number or a step name).  Returns the window."""
    from .traced import Trace, as_document
    start = obj if isinstance(obj, Trace) else Trace(as_document(obj, **build), sample)
    first = start.position(position) if position is not None else 0
    from PySide6.QtWidgets import QApplication  # Qt: only when a window is asked for

    from ..ui.main_window import MainWindow
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setStyle("Fusion")
    win = MainWindow()
    win.show_model(start.document.model, start.document)
    if start.stepper.sample_index:
        win.session.set_sample(start.stepper.sample_index)
    if first:
        win.session.seek(first)
    win.show()
    if block is None:
        block = not ipython_qt_loop()
    if block:
        app.exec()
    else:
        _open_windows.append(win)
        win.destroyed.connect(lambda *_: _open_windows.remove(win) if win in _open_windows else None)
    return win
