"""View > Theme switched while a plot panel is open repaints everything in it: grounds,
axes, titles, legends, the curves drawn in ink (the cost curve), the value boxes of the
activation readout, and the 3-D view (or the message standing in for it)."""
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QColor
from test_install import open_panel

from visualnn.io import examples_dir, load
from visualnn.ui.plots import PANELS
from visualnn.ui.plots.style import PLOT_THEMES
from visualnn.ui.plots.worker import stop_all

# the file each panel has something to show for
EXAMPLE_FOR = {"Cost curve": "tea_temperature.json", "Training": "xor.json", "Layers bend the plane": "xor.json"}


def rgb(colour) -> str:
    return QColor(colour).name()


def pen_colour(item) -> str:
    opts = getattr(item, "opts", None)
    pen = opts["pen"] if isinstance(opts, dict) and "pen" in opts else item.pen
    return rgb(pg.mkPen(pen).color())


def wrong_colours(panel, theme: str) -> list[str]:
    """Everything in ``panel`` not drawn in the plot theme ``theme``, described."""
    c = PLOT_THEMES[theme]
    wrong = []
    for view in panel.findChildren(pg.GraphicsView):
        if rgb(view.backgroundBrush().color()) != rgb(c.background):
            wrong.append(f"ground of {view!r}")
        for item in view.scene().items():
            role = getattr(item, "visualnn_role", None)
            axes = rgb(QColor(*c.axes))
            if isinstance(item, pg.AxisItem) and item.isVisible():
                if rgb(item.pen().color()) != axes or rgb(item.textPen().color()) != axes:
                    wrong.append(f"axis {item.orientation}")
            elif isinstance(item, pg.LegendItem):
                if rgb(item.brush().color()) != rgb(c.background) or rgb(item.labelTextColor()) != rgb(c.text):
                    wrong.append("legend")
            elif isinstance(item, pg.TextItem):
                if item.fill.style() and rgb(item.fill.color()) != rgb(c.background):
                    wrong.append(f"value box ground {rgb(item.fill.color())}")
                if rgb(item.color) != rgb(c.text):
                    wrong.append(f"value box text {rgb(item.color)}")
            elif isinstance(item, pg.LabelItem) and item.text:
                if rgb(item.opts["color"]) != rgb(c.muted if role == "muted" else c.text):
                    wrong.append(f"title {item.text!r}")
            elif role == "ink" and pen_colour(item) != rgb(QColor(*c.ink)):
                wrong.append(f"curve in ink {pen_colour(item)}")
    return wrong


@pytest.fixture
def every_panel_open(qtbot, window):
    panels = {}
    for name in PANELS:
        window.show_model(load(examples_dir() / EXAMPLE_FOR.get(name, "mazur_2_2_2.json")).model)
        panels[name] = open_panel(window, name)
        qtbot.wait(20)
    yield panels
    stop_all()


@pytest.mark.parametrize("first, then", [("light", "dark"), ("dark", "light")])
def test_every_plot_panel_follows_a_live_theme_switch(qtbot, window, every_panel_open, first, then):
    window.set_theme(first)
    for theme in (first, then):
        window.theme_actions[theme].trigger()
        for name, panel in every_panel_open.items():
            open_panel(window, name)
            qtbot.wait(10)
            assert wrong_colours(panel, theme) == [], (name, theme)


def test_cost_curve_changes_colour_with_the_theme(qtbot, window):
    window.show_model(load(examples_dir() / "tea_temperature.json").model)
    window.theme_actions["light"].trigger()
    panel = open_panel(window, "Cost curve")
    assert pen_colour(panel.curve) == rgb(QColor(*PLOT_THEMES["light"].ink))
    window.theme_actions["dark"].trigger()
    assert pen_colour(panel.curve) == rgb(QColor(*PLOT_THEMES["dark"].ink))
    assert panel.curve.opts["pen"].widthF() == 2.5


def test_activation_value_boxes_are_dark_in_the_dark_theme(qtbot, window):
    window.show_model(load(examples_dir() / "mazur_2_2_2.json").model)
    panel = open_panel(window, "Activation")
    window.theme_actions["dark"].trigger()
    window.session.seek(4)
    qtbot.waitUntil(lambda: panel.text_f.isVisible())
    for box in (panel.text_f, panel.text_d):
        assert box.fill.color().lightness() < 60 and box.color.lightness() > 150
    window.theme_actions["light"].trigger()
    for box in (panel.text_f, panel.text_d):
        assert box.fill.color().lightness() > 200 and box.color.lightness() < 60


def test_the_3d_view_or_its_stand_in_follows_the_theme(qtbot, window):
    window.show_model(load(examples_dir() / "mazur_2_2_2.json").model)
    panel = open_panel(window, "Loss surface")
    view = panel.view3d
    for theme in ("dark", "light", "dark"):
        window.theme_actions[theme].trigger()
        c = PLOT_THEMES[theme]
        drawn = view.colours()
        assert rgb(drawn["background"]) == rgb(c.background), theme
        if view.available:
            assert rgb(drawn["axes"]) == rgb(QColor(*c.axes))
            assert drawn["grid"].rgba() == QColor(*c.grid).rgba()
    stop_all()


def test_no_empty_marble_legend_box_sits_on_the_map_until_a_marble_rolls(qtbot, window):
    window.resize(1920, 1080)
    window.show_model(load(examples_dir() / "mazur_2_2_2.json").model)
    panel = open_panel(window, "Loss surface")
    qtbot.waitUntil(lambda: panel.surface is not None and not panel.busy, timeout=20000)
    window.theme_actions["dark"].trigger()
    panel.map.fit_legend()
    assert not panel.map.legend.isVisible()
    panel.roll()
    qtbot.waitUntil(lambda: bool(panel.map.legend.items), timeout=30000)
    panel.race.stop()
    assert panel.map.legend.isVisible()
    window.theme_actions["light"].trigger()
    stop_all()
