"""Shared look of the plot panels: light background, one colour per optimizer."""
from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsItem

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


def style_plot(plot: pg.PlotItem, left: str | None = None, bottom: str | None = None):
    plot.showGrid(x=True, y=True, alpha=0.25)
    for name in ("left", "bottom", "top", "right"):
        ax = plot.getAxis(name)
        # the axes draw the grid across the whole plot, so any moving marker would
        # repaint them (tick labels and all, milliseconds): draw them from a cached image
        ax.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        if name in ("left", "bottom"):
            ax.setPen(pg.mkPen(FOREGROUND))
            ax.setTextPen(pg.mkPen(FOREGROUND))
            ax.enableAutoSIPrefix(False)    # "loss (x0.001)" reads as a different quantity
    if left:
        plot.setLabel("left", left, color="#222")
    if bottom:
        plot.setLabel("bottom", bottom, color="#222")


def plot_widget(**kw) -> pg.PlotWidget:
    w = pg.PlotWidget(background=BACKGROUND, **kw)
    style_plot(w.getPlotItem())
    return w


def layout_widget() -> pg.GraphicsLayoutWidget:
    return pg.GraphicsLayoutWidget(border=None)


def fmt(x, digits: int = 4) -> str:
    """A number as the lecture prints it: a few significant digits."""
    if x is None:
        return "-"
    x = float(x)
    if not math.isfinite(x):
        return str(x)
    if x == 0:
        return "0"
    return f"{x:.{digits}g}"
