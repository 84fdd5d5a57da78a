"""The GUI entry point: ``visualnn [FILE]``."""
from __future__ import annotations

import sys

# Before Qt, though nothing here uses it: NumPy loads numpy.ma while the first window is
# drawn (np.unique, np.percentile), and a module imported after PySide6 has its source read
# by PySide6's feature check: 30-35 ms of every launch for numpy.ma's modules (measured
# under load; tests/ui/test_launch.py checks that nothing is imported after the window's modules)
import numpy.ma  # noqa: F401
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication

from .io import examples_dir
from .ui.main_window import MainWindow


def create_window(path=None, settings=None, shown: bool = False):
    """A MainWindow showing ``path``, or the 2-2-2 example when there is none.
    ``shown``: the window is laid out at its on-screen size before the file is opened,
    so the graph is built once, at that size (not again when the window first shows),
    and it comes on screen with the graph (it paints when the event loop next runs).
    Returns the window."""
    win = MainWindow(settings=settings)
    if shown:
        # shown off screen: Qt lays it out (its docks at their first-launch sizes too)
        # without a blank window on screen while the file is read and the graph built
        win.setAttribute(Qt.WA_DontShowOnScreen, True)
        win.show()
        QApplication.sendPostedEvents(None, QEvent.LayoutRequest)
    if path is None:
        try:
            path = examples_dir() / "mazur_2_2_2.json"
        except FileNotFoundError as err:
            win.statusBar().showMessage(str(err))
    if path is not None:
        win.open_file(str(path))
    if shown:
        win.setAttribute(Qt.WA_DontShowOnScreen, False)
        win.hide()
        win.show()
    return win


def run(path=None) -> int:
    """Open the stepper window on ``path`` (default: the 2-2-2 example); returns the exit code."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setStyle("Fusion")
    app.setOrganizationName("visualnn")
    app.setApplicationName("visualnn")
    create_window(path, shown=True)
    return app.exec()


if __name__ == "__main__":
    sys.exit(run(sys.argv[1] if len(sys.argv) > 1 else None))
