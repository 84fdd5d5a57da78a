"""Plot panels docked around the stepper window: activation curves, loss
surfaces (2-D map and 3-D) with marble races, the 1-D cost curve with
exhaustive search and gradient descent, and training.

Every panel is a QWidget that takes the window's ``Session`` (or a plain
engine ``Model``) and listens to its signals; ``install_plot_panels`` docks
them all.  Nothing here imports pyqtgraph: a panel (and its imports) is made
the first time its dock is shown, or when code asks for it.
"""
from __future__ import annotations

from collections.abc import Mapping

PANELS = ("Activation", "Loss surface", "Cost curve", "Training", "Gradient flow", "Layers bend the plane")
# the panels a lecture slide or ``visualnn export --view`` names, by their dock names
PANEL_NAMES = {"activation": "Activation", "surface": "Loss surface", "training": "Training",
               "gradient_flow": "Gradient flow"}


def panel_class(name: str):
    """The class of the plot panel ``name`` (one of ``PANELS``).  The one place the
    panels' modules are imported, when a panel is first made: they pull in
    pyqtgraph (about a sixth of the window's 2.1 s of imports, measured for issue
    10) and the window starts with every plot panel closed."""
    if name == "Activation":
        from .activation import ActivationPanel
        return ActivationPanel
    if name == "Loss surface":
        from .surface import SurfacePanel
        return SurfacePanel
    if name == "Cost curve":
        from .oned import OneDPanel
        return OneDPanel
    if name == "Layers bend the plane":
        from .layers import LayersPanel
        return LayersPanel
    if name == "Gradient flow":
        from .gradflow import GradientFlowPanel
        return GradientFlowPanel
    from .training import TrainingPanel
    return TrainingPanel


class PlotPanels(Mapping):
    """The window's plot panels by dock name.  A closed dock holds an empty
    widget; its panel is built when the dock is first shown, or when someone
    looks it up here (``window.plot_panels["Training"]``)."""

    def __init__(self, window, docks: dict):
        self._window = window
        self._docks = docks
        self._panels: dict = {}
        self._seen = {name: False for name in docks}
        self._theme = "light"
        for name, dock in docks.items():
            dock.visibilityChanged.connect(lambda seen, name=name: self._on_visibility(name, seen))

    def _on_visibility(self, name: str, seen: bool):
        self._seen[name] = seen
        if seen and name not in self._panels:
            self[name]

    def __getitem__(self, name: str):
        panel = self._panels.get(name)
        if panel is not None:
            return panel
        if name not in self._docks:
            raise KeyError(name)
        dock = self._docks[name]
        cls = panel_class(name)
        from .style import set_plot_theme, theme_plots
        set_plot_theme(self._theme)
        # a child of its dock from the start: while the dock is closed the panel knows
        # it is hidden and leaves its work for when it is shown
        panel = cls(self._window.session, parent=dock)
        theme_plots(panel)
        self._panels[name] = panel
        placeholder = dock.widget()
        dock.setWidget(panel)
        if placeholder is not None:
            placeholder.deleteLater()
        dock.visibilityChanged.connect(panel.set_seen)
        panel.set_seen(self._seen[name])
        return panel

    def __iter__(self):
        return iter(self._docks)

    def __len__(self) -> int:
        return len(self._docks)

    @property
    def theme(self) -> str:
        """The theme the window's plots follow (View > Theme)."""
        return self._theme

    def set_theme(self, name: str):
        """Plots follow the window's theme (View > Theme): those built now and later."""
        self._theme = name
        if self._panels:
            from .style import set_plot_theme, theme_plots
            set_plot_theme(name)
            for panel in self._panels.values():
                theme_plots(panel)

    def created(self) -> dict:
        """The panels built so far: {dock name: panel}."""
        return dict(self._panels)


def install_plot_panels(window) -> PlotPanels:
    """Dock every plot panel in ``window`` (a MainWindow with ``session`` and
    ``add_dock(name, widget, area)``): tabbed together on the right, closed
    until opened from View > Panels.  A panel is built when its dock is first
    shown; a panel behind another tab does no work until it is in front.
    Returns the panels by dock name (the window keeps them as ``plot_panels``)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWidget

    docks = {}
    first = None
    for name in PANELS:
        dock = window.add_dock(name, QWidget(), Qt.RightDockWidgetArea)
        docks[name] = dock
        if first is None:
            first = dock
        else:
            window.tabifyDockWidget(first, dock)
        # closed until asked for (View > Panels): the graph keeps the width
        dock.hide()
        # opened from the menu, a panel comes to the front of its tabs
        dock.toggleViewAction().triggered.connect(lambda on, dock=dock: on and dock.raise_())
    return PlotPanels(window, docks)
