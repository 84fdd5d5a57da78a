"""Shared look of the plot panels: light background, one colour per optimizer."""
from __future__ import annotations

import math
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsItem, QWidget

from ...engine.textfmt import significant as fmt  # noqa: F401  (the plots' number format)
from ..inside_items import BOUNDARY_COLOURS, BOUNDARY_STOPS

BACKGROUND = "w"
FOREGROUND = (40, 40, 40)
CURVE_PEN = pg.mkPen((31, 119, 180), width=2.5)
DERIV_PEN = pg.mkPen((255, 127, 14), width=2.5)
MARK_PEN = pg.mkPen((20, 20, 20), width=1.5)
MARK_BRUSH = (214, 39, 40)
TRAIN_PEN = pg.mkPen((31, 119, 180), width=2)
TEST_PEN = pg.mkPen((255, 127, 14), width=2)

# one colour per optimizer, the same in every panel and legend
OPTIMIZER_COLOURS = {
    "sgd": (31, 119, 180),
    "momentum": (255, 127, 14),
    "nesterov": (44, 160, 44),
    "rmsprop": (214, 39, 40),
    "adam": (148, 103, 189),
    "adagrad": (140, 86, 75),
    "adamw": (23, 190, 207),
}
OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": "Momentum", "nesterov": "Nesterov",
                    "rmsprop": "RMSProp", "adam": "Adam", "adagrad": "AdaGrad",
                    "adamw": "AdamW"}

SURFACE_CMAP = "viridis"
# playground colours: orange for the low label, blue for the high one; the map behind the points is paler
CLASS_CMAP = pg.ColorMap([0.0, 0.5, 1.0], [(245, 146, 62), (235, 235, 235), (8, 119, 189)])
BOUNDARY_CMAP = pg.ColorMap(list(BOUNDARY_STOPS), list(BOUNDARY_COLOURS))


@dataclass(frozen=True)
class PlotColours:
    """A theme's colours for the plots: ground, axes and ticks, labels and titles."""
    background: str
    axes: tuple[int, int, int]
    text: str
    ink: tuple[int, int, int]         # a curve drawn in the text's colour (the cost curve)
    muted: str                        # secondary text: a subtitle, an optimizer's memory
    grid: tuple[int, int, int, int]   # the 3-D view's floor grid (RGBA)

    def readout_fill(self) -> QColor:
        """The ground of a value box over the curves: the plot's ground, a little translucent."""
        ground = QColor(self.background)
        ground.setAlpha(210)
        return ground


PLOT_THEMES = {"light": PlotColours("#ffffff", FOREGROUND, "#222222", (60, 60, 60), "#555555", (0, 0, 0, 60)),
               "dark": PlotColours("#1e1f22", (200, 200, 200), "#e8e8e8", (215, 215, 215), "#a8a8a8",
                                   (255, 255, 255, 70))}
_theme = ["light"]


def plot_colours() -> PlotColours:
    """The colours of the theme the plots follow now (View > Theme)."""
    return PLOT_THEMES[_theme[0]]


def text_colour() -> str:
    """The colour of axis labels and titles in the current theme."""
    return plot_colours().text


def set_plot_theme(name: str) -> None:
    """The theme plots made from now on are drawn in (``theme_plots`` repaints those made)."""
    _theme[0] = name if name in PLOT_THEMES else "light"


def ink_pen(width: float = 2.5, style=None) -> QPen:
    """A pen in the theme's ink (a curve that reads like text); ``theme_plots`` recolours
    the items drawn with it (``inked``) when the theme changes."""
    pen = pg.mkPen(plot_colours().ink, width=width)
    if style is not None:
        pen.setStyle(style)
    return pen


def inked(item):
    """Mark ``item`` (a curve, line or scatter drawn with ``ink_pen``) as following the theme's ink."""
    item.visualnn_role = "ink"
    return item


def readout(anchor=(-0.05, 1.1)) -> pg.TextItem:
    """A value box over the curves (a ``pg.TextItem``), in the theme's text on its ground."""
    c = plot_colours()
    item = pg.TextItem(anchor=anchor, color=c.text, fill=c.readout_fill())
    item.visualnn_role = "readout"
    return item


def _recolour(item, c: PlotColours) -> None:
    """One marked item (``inked``, ``readout``) in the colours ``c``."""
    role = getattr(item, "visualnn_role", None)
    if role == "readout":
        item.fill = pg.mkBrush(c.readout_fill())
        item.setColor(c.text)
        item.update()
    elif role == "ink":
        opts = getattr(item, "opts", None)
        pen = QPen(pg.mkPen(opts["pen"] if isinstance(opts, dict) and "pen" in opts else item.pen))
        pen.setColor(QColor(*c.ink))
        item.setPen(pen)


def _theme_item(item, c: PlotColours) -> None:
    if isinstance(item, pg.AxisItem):
        item.setPen(pg.mkPen(c.axes))
        item.setTextPen(pg.mkPen(c.axes))
        item.labelStyle = {**item.labelStyle, "color": c.text}
        item._updateLabel()
    elif isinstance(item, pg.LegendItem):
        # a legend over the curves keeps its ground, in the theme's colour
        item.setBrush(pg.mkBrush(c.readout_fill()))
        item.setLabelTextColor(c.text)
    elif isinstance(item, pg.LabelItem) and item.text:
        muted = getattr(item, "visualnn_role", None) == "muted"
        item.setText(item.text, color=c.muted if muted else c.text)
    else:
        _recolour(item, c)


def theme_plots(root: QWidget) -> None:
    """Paint every plot under ``root`` in the current theme: background, axes, labels, titles,
    curves in ink and value boxes; and tell each widget with a ``follow_theme(colours)``
    (the 3-D view, an optimizer's memory line) to follow it."""
    c = plot_colours()
    views = [root] if isinstance(root, pg.GraphicsView) else []
    for view in views + root.findChildren(pg.GraphicsView):
        view.setBackground(c.background)
        for item in view.scene().items():
            _theme_item(item, c)
    for widget in [root] + root.findChildren(QWidget):
        follow = getattr(widget, "follow_theme", None)
        if callable(follow):
            follow(c)


class LogAxis(pg.AxisItem):
    """A log axis that labels the powers of ten (and 2 and 5 between them when the view
    holds less than that): pyqtgraph labels every 2..9 of a decade, and they pile up."""

    def logTickStrings(self, values, scale, spacing):
        texts = super().logTickStrings(values, scale, spacing)
        mantissas = [_mantissa(10.0 ** float(v) * scale) for v in values]
        for keep in ((1,), (1, 2, 5)):
            shown = [t if m in keep else "" for t, m in zip(texts, mantissas)]
            if sum(1 for t in shown if t) >= 2:
                return shown
        return texts


def _mantissa(x: float) -> int | None:
    """The leading digit of ``x`` when x is that digit times a power of ten, else None."""
    if not (x > 0 and math.isfinite(x)):
        return None
    m = x / 10.0 ** math.floor(math.log10(x))
    return round(m) if abs(m - round(m)) < 1e-6 else None


def style_plot(plot: pg.PlotItem, left: str | None = None, bottom: str | None = None, log_y: bool = False):
    if log_y:
        plot.setAxisItems({"left": LogAxis("left")})
        plot.setLogMode(y=True)
    plot.showGrid(x=True, y=True, alpha=0.25)
    for name in ("left", "bottom", "top", "right"):
        ax = plot.getAxis(name)
        # the axes draw the grid across the whole plot, so any moving marker would
        # repaint them (tick labels and all, milliseconds): draw them from a cached image
        ax.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        if name in ("left", "bottom"):
            ax.setPen(pg.mkPen(plot_colours().axes))
            ax.setTextPen(pg.mkPen(plot_colours().axes))
            ax.enableAutoSIPrefix(False)    # "loss (x0.001)" reads as a different quantity
    if left:
        plot.setLabel("left", left, color=text_colour())
    if bottom:
        plot.setLabel("bottom", bottom, color=text_colour())


def plot_widget(**kw) -> pg.PlotWidget:
    w = pg.PlotWidget(background=plot_colours().background, **kw)
    style_plot(w.getPlotItem())
    return w


def layout_widget() -> pg.GraphicsLayoutWidget:
    return pg.GraphicsLayoutWidget(border=None)
