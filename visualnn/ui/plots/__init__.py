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
    ``add_dock(name, widget, area)``): tabbed together on the right, closed
    until opened from View > Panels.  A closed panel, or one behind another
    tab, does no work until it is shown.  Returns {dock name: panel}."""
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
    first = None
    for name, panel in panels.items():
        dock = window.add_dock(name, panel, Qt.RightDockWidgetArea)
        if first is None:
            first = dock
        else:
            window.tabifyDockWidget(first, dock)
        # closed until asked for (View > Panels): the graph keeps the width, and a closed
        # panel does no work
        panel.set_seen(False)
        dock.hide()
    window.plot_panels = panels
    return panels
