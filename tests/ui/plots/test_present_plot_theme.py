"""A slide's plot panel is drawn in the projector's black on white, whatever View > Theme
the window is in; after Esc the window's own plots are in its theme again."""
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from test_install import open_panel
from test_theme_switch import wrong_colours

from visualnn.ui.plots.style import PLOT_THEMES


def grounds(panel) -> set[str]:
    return {QColor(v.backgroundBrush().color()).name() for v in panel.findChildren(pg.GraphicsView)}


def test_a_slides_plot_is_light_in_a_dark_window_and_the_window_stays_dark(window, qtbot):
    window.set_theme("dark")
    mine = open_panel(window, "Activation")
    assert grounds(mine) == {QColor(PLOT_THEMES["dark"].background).name()}
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.view, Qt.Key_F5)
    p = window.presentation
    p.view.first()
    while "activation" not in p.view.slide.panels:       # "The forward pass: squash"
        assert p.view.next()
    QApplication.processEvents()
    slide_panel = p.view.panels["activation"]
    assert grounds(slide_panel) == {QColor(PLOT_THEMES["light"].background).name()}
    assert wrong_colours(slide_panel, "light") == []      # axes, titles, value boxes, curves in ink
    qtbot.keyClick(p, Qt.Key_Escape)
    assert window.presentation is None
    assert grounds(mine) == {QColor(PLOT_THEMES["dark"].background).name()}
    assert wrong_colours(mine, "dark") == []
    window.set_theme("light")
