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
    ``add_dock(name, widget, area)``): tabs in the right-hand column beside
    the inspector, which stays in front.  A panel behind another tab does no
    work until it is brought forward.  Returns {dock name: panel}."""
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
    beside = docks.get("Inspector")
    for name, panel in panels.items():
        dock = window.add_dock(name, panel, Qt.RightDockWidgetArea)
        if beside is not None:
            window.tabifyDockWidget(beside, dock)
            panel.set_seen(False)           # behind the inspector's tab until chosen
    if beside is not None:
        beside.raise_()
    window.plot_panels = panels
    return panels
