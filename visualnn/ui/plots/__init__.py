"""Plot panels docked around the stepper window: activation curves, loss
surfaces (2-D map and 3-D) with marble races, the 1-D cost curve with
exhaustive search and gradient descent, and training.

Every panel is a QWidget that takes the window's ``Session`` (or a plain
engine ``Model``) and listens to its signals; ``install_plot_panels`` docks
them all.
"""
from __future__ import annotations

PANELS = ("Activation", "Loss surface", "Cost curve", "Training")


def install_plot_panels(window) -> dict:
    """Dock every plot panel in ``window`` (a MainWindow with ``session`` and
    ``add_dock(name, widget, area)``), tabbed beside the existing docks.
    Returns {dock name: panel}."""
    from PySide6.QtCore import Qt

    from .activation import ActivationPanel
    from .oned import OneDPanel
    from .surface import SurfacePanel
    from .training import TrainingPanel

    session = window.session
    panels = {
        "Activation": ActivationPanel(session),
        "Loss surface": SurfacePanel(session),
        "Cost curve": OneDPanel(session),
        "Training": TrainingPanel(session),
    }
    docks = getattr(window, "docks", {})
    right = docks.get("Inspector")
    bottom = docks.get("Equations")
    added = {}
    for name, panel in panels.items():
        area = Qt.RightDockWidgetArea if name == "Activation" else Qt.BottomDockWidgetArea
        added[name] = window.add_dock(name, panel, area)
    # tabbed with the window's own docks, which stay in front
    for name, dock in added.items():
        beside = right if name == "Activation" else bottom
        if beside is not None:
            window.tabifyDockWidget(beside, dock)
    for d in (right, bottom):
        if d is not None:
            d.raise_()
    window.plot_panels = panels
    return panels
