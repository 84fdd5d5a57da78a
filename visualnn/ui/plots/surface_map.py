"""The loss surface's 2-D map: heat map, contour lines, the current point with its
downhill arrow, and the marbles with their legend."""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal

from ...engine.plotting_data import contour_levels, contour_segments
from ..text import escape
from .marble import MarbleLayer
from .style import BACKGROUND, SURFACE_CMAP, fmt, plot_colours, style_plot, text_colour

CONTOURS = 14
LEGEND_SHARE = 0.3           # the marble legend shows when it takes at most this of the map's width


class SurfaceMap(pg.PlotWidget):
    """Heat map + contour lines + current point + downhill arrow + marbles."""
    sigClicked = Signal(float, float)
    sigHover = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent, background=BACKGROUND)
        self.plotItem.setMenuEnabled(False)
        style_plot(self.plotItem)
        self.image = pg.ImageItem()
        self.image.setColorMap(pg.colormap.get(SURFACE_CMAP))
        self.addItem(self.image)
        self.colorbar = pg.ColorBarItem(colorMap=pg.colormap.get(SURFACE_CMAP), interactive=False, width=14)
        self.colorbar.setImageItem(self.image, insert_in=self.plotItem)
        self.colorbar.axis.enableAutoSIPrefix(False)
        self.contours = pg.PlotCurveItem(pen=pg.mkPen((255, 255, 255, 150), width=1), connect="finite")
        self.contours.setZValue(5)
        self.addItem(self.contours)
        self.minima = pg.ScatterPlotItem(symbol="star", size=16, pen=pg.mkPen("k"), brush=(255, 215, 0))
        self.minima.setZValue(6)
        self.addItem(self.minima, ignoreBounds=True)
        self.shaft = pg.PlotCurveItem(pen=pg.mkPen((230, 30, 30), width=3))
        self.shaft.setZValue(30)
        self.addItem(self.shaft, ignoreBounds=True)
        self.head = pg.ArrowItem(angle=0, headLen=16, tipAngle=35, tailLen=0, pen=pg.mkPen((230, 30, 30)),
                                 brush=(230, 30, 30))
        self.head.setZValue(31)
        self.addItem(self.head, ignoreBounds=True)
        self.point = pg.ScatterPlotItem(size=13, pen=pg.mkPen("k", width=2), brush=(230, 30, 30))
        self.point.setZValue(32)
        self.addItem(self.point, ignoreBounds=True)
        self.start = pg.ScatterPlotItem(symbol="o", size=22, pen=pg.mkPen("w", width=2.5), brush=None)
        self.start.setZValue(29)
        self.addItem(self.start, ignoreBounds=True)
        self.legend = self.plotItem.addLegend(offset=(-10, -10), labelTextColor=plot_colours().text,
                                              brush=plot_colours().readout_fill(), verSpacing=-6)
        self.legend.hide()                       # until a marble rolls
        self.marbles = MarbleLayer(self.plotItem, self.legend)
        # the legend names the marbles (their names are coloured beside the map too): on a
        # small map it would cover the bowl, so it shows only where it leaves most of the map
        self.plotItem.vb.sigResized.connect(self.fit_legend)
        self.surface = None
        self._arrow = None
        self.shaft.hide()
        self.head.hide()
        self.plotItem.vb.sigTransformChanged.connect(self._place_arrow_head)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)

    def fit_legend(self, *_):
        box, legend = self.plotItem.vb.boundingRect(), self.legend.boundingRect()
        fits = (bool(self.legend.items) and legend.width() <= LEGEND_SHARE * box.width()
                and legend.height() <= 2 * LEGEND_SHARE * box.height())     # empty: no blank box on the map
        if fits != self.legend.isVisible():
            self.legend.setVisible(fits)

    def set_surface(self, surface, log: bool = False, labels=("", "")):
        self.surface = surface
        Z = surface.Z
        self.log = log
        shown = self.shown_values(Z)
        finite = shown[np.isfinite(shown)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        hi = hi if hi > lo else lo + 1e-12
        self.image.setImage(shown, autoLevels=False, levels=(lo, hi))
        self.colorbar.setLevels((lo, hi))
        self.colorbar.setLabel("right", "log10(loss − min + 0.001)" if log else "loss")
        xs, ys = surface.xs, surface.ys
        dx, dy = xs[1] - xs[0], ys[1] - ys[0]
        self.image.setRect(xs[0] - dx / 2, ys[0] - dy / 2, xs[-1] - xs[0] + dx, ys[-1] - ys[0] + dy)
        cx, cy = [], []
        for level in contour_levels(shown, CONTOURS):
            x, y = contour_segments(xs, ys, shown, level)
            cx.append(x)
            cy.append(y)
        self.contours.setData(np.concatenate(cx) if cx else [], np.concatenate(cy) if cy else [])
        self.setLabel("bottom", escape(labels[0]), color=text_colour())
        self.setLabel("left", escape(labels[1]), color=text_colour())
        self.setRange(xRange=(xs[0], xs[-1]), yRange=(ys[0], ys[-1]), padding=0)

    def shown_values(self, Z):
        Z = np.asarray(Z, float)
        if not self.log:
            return Z
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.log10(Z - np.nanmin(Z) + 1e-3)

    def set_point(self, x, y, downhill=None):
        """The current point and the negative gradient there (drawn scaled to
        a fifth of the view, its true size printed by the panel)."""
        self.point.setData([x], [y])
        if downhill is None or not np.all(np.isfinite(downhill)) or not np.any(downhill):
            self._arrow = None
            self.shaft.hide()
            self.head.hide()
            return
        s = self.surface
        sx, sy = (s.xs[-1] - s.xs[0], s.ys[-1] - s.ys[0]) if s is not None else (1.0, 1.0)
        # direction in screen-fraction units, so the arrow looks right on any aspect ratio
        u = np.array([downhill[0] / sx, downhill[1] / sy])
        u = u / np.linalg.norm(u) * 0.2
        tip = (x + u[0] * sx, y + u[1] * sy)
        self._arrow = ((x, y), tip)
        self.shaft.setData([x, tip[0]], [y, tip[1]])
        self.shaft.show()
        self.head.show()
        self._place_arrow_head()

    def _place_arrow_head(self, *_):
        if self._arrow is None:
            return
        (x0, y0), (x1, y1) = self._arrow
        vb = self.plotItem.vb
        a = vb.mapViewToScene(pg.Point(x0, y0))
        b = vb.mapViewToScene(pg.Point(x1, y1))
        self.head.setStyle(angle=180 + math.degrees(math.atan2(b.y() - a.y(), b.x() - a.x())))
        self.head.setPos(x1, y1)

    def set_start(self, x, y):
        self.start.setData([x], [y])

    def value_at(self, x, y):
        s = self.surface
        if s is None:
            return None
        i = int(np.abs(s.xs - x).argmin())
        j = int(np.abs(s.ys - y).argmin())
        return float(s.Z[i, j])

    def _inside(self, pos):
        vb = self.plotItem.vb
        if not vb.sceneBoundingRect().contains(pos) or self.surface is None:
            return None
        p = vb.mapSceneToView(pos)
        s = self.surface
        x, y = float(p.x()), float(p.y())
        if not (s.xs[0] <= x <= s.xs[-1] and s.ys[0] <= y <= s.ys[-1]):
            return None
        return x, y

    def _on_mouse_moved(self, pos):
        p = self._inside(pos)
        if p is not None:
            s = self.surface
            self.sigHover.emit(f"{s.p1} = {fmt(p[0])}   {s.p2} = {fmt(p[1])}   loss ≈ {fmt(self.value_at(*p))}")

    def _on_mouse_clicked(self, ev):
        if ev.button() != Qt.LeftButton:
            return
        p = self._inside(ev.scenePos())
        if p is not None:
            self.sigClicked.emit(*p)
