"""The loss surface in 3-D (pyqtgraph.opengl), where OpenGL is available.

The GL context is probed first (a QOpenGLContext made current on a
QOffscreenSurface): constructing a GLViewWidget without a working context
can abort the process.  Where the probe fails the view is a message saying
why, and the 2-D map remains the way to see the surface.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QOffscreenSurface, QOpenGLContext
from PySide6.QtWidgets import QStackedLayout, QWidget

from ..text import plain_label
from .style import OPTIMIZER_COLOURS, SURFACE_CMAP, PlotColours, plot_colours

_GL_REASON: list = []       # cached probe result: [None] or [reason]

BOX = 10.0                  # the surface is drawn in a BOX x BOX square ...
HEIGHT = 5.0                # ... and HEIGHT tall, whatever its units


def platform_without_gl() -> str | None:
    """Why this Qt platform cannot show OpenGL at all, or None (cheap: no GL is touched)."""
    app = QGuiApplication.instance()
    platform = QGuiApplication.platformName() if app is not None else ""
    if app is None:
        return "no Qt application is running"
    if platform in ("offscreen", "minimal", "vnc", "linuxfb"):
        return (f"the Qt platform '{platform}' has no OpenGL display "
                "(run with a display, e.g. under Xvfb with QT_QPA_PLATFORM=xcb)")
    return None


def gl_unavailable_reason() -> str | None:
    """None if an OpenGL context can be made current here, else why not."""
    if _GL_REASON:
        return _GL_REASON[0]
    reason = platform_without_gl()
    if reason is None:
        try:
            import OpenGL.GL  # noqa: F401  (pyqtgraph.opengl needs PyOpenGL)
        except Exception as exc:           # ImportError, or a missing libGL
            reason = f"PyOpenGL is not usable ({exc.__class__.__name__}: {exc})"
    if reason is None:
        ctx = QOpenGLContext()
        if not ctx.create():
            reason = "an OpenGL context could not be created"
        else:
            surface = QOffscreenSurface()
            surface.setFormat(ctx.format())
            surface.create()
            if not surface.isValid():
                reason = "no offscreen OpenGL surface could be created"
            elif not ctx.makeCurrent(surface):
                reason = "the OpenGL context could not be made current"
            else:
                ctx.doneCurrent()
            surface.destroy()
    _GL_REASON.append(reason)
    return reason


class Surface3DView(QWidget):
    """The surface Z over (xs, ys) as a shaded mesh, the current point and
    marble paths as 3-D markers and lines; or a message when GL is missing."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._stack = QStackedLayout(self)
        self.reason = gl_unavailable_reason()
        self.message = plain_label()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignCenter)
        self.message.setObjectName("glMessage")
        self._stack.addWidget(self.message)
        self.view = None
        self.surface = None
        self._paths: dict[str, object] = {}
        self._frame = None                       # (x0, sx, y0, sy, z0, sz): data -> box
        self.grid = None
        self.axes = None
        if self.reason is not None:
            self.message.setText("The 3-D view needs OpenGL, which is not available here: "
                                 f"{self.reason}.\n\nThe 2-D map shows the same surface.")
            self.follow_theme(plot_colours())
            return
        import pyqtgraph.opengl as gl
        self._gl = gl
        self.view = gl.GLViewWidget()
        self.view.setCameraPosition(distance=2.2 * BOX, elevation=32, azimuth=-60)
        self.grid = gl.GLGridItem()
        self.grid.setSize(BOX, BOX)
        self.grid.setSpacing(BOX / 10, BOX / 10)
        self.grid.translate(0, 0, -0.5)          # a floor under the surface, not through its lowest point
        self.view.addItem(self.grid)
        # the box's three edges from its near corner: x and y along the floor, z up
        c0 = (-BOX / 2, -BOX / 2, -0.5)
        corner = np.array([c0, (BOX / 2, c0[1], c0[2]), c0, (c0[0], BOX / 2, c0[2]), c0, (c0[0], c0[1], HEIGHT)])
        self.axes = gl.GLLinePlotItem(pos=corner, mode="lines", width=2, antialias=True)
        self.view.addItem(self.axes)
        self.follow_theme(plot_colours())
        self.point = gl.GLScatterPlotItem(pos=np.zeros((1, 3)), size=14, color=(0.84, 0.15, 0.16, 1.0),
                                          pxMode=True)
        self.point.setGLOptions("translucent")
        self.view.addItem(self.point)
        self._stack.addWidget(self.view)
        self._stack.setCurrentWidget(self.view)

    def follow_theme(self, c: PlotColours):
        """Ground, floor grid and axes in the plots' theme (``theme_plots`` calls this);
        without OpenGL, the message that stands in for the view."""
        self.message.setStyleSheet(f"QLabel#glMessage {{ background: {c.background}; color: {c.text}; }}")
        if self.view is None:
            return
        self.view.setBackgroundColor(c.background)
        self.grid.setColor(c.grid)
        self.axes.setData(color=tuple(v / 255.0 for v in c.axes) + (1.0,))

    def colours(self) -> dict:
        """What the view is drawn in now (for tests): ground, grid and axes as QColors."""
        if self.view is None:       # the message as drawn: a corner of its ground
            return {"background": self.message.grab().toImage().pixelColor(1, 1)}
        return {"background": QColor.fromRgbF(*self.view.opts["bgcolor"]), "grid": QColor(self.grid.color()),
                "axes": QColor.fromRgbF(*self.axes.color)}

    @property
    def available(self) -> bool:
        return self.view is not None

    def to_box(self, x, y, z):
        x0, sx, y0, sy, z0, sz = self._frame
        return (np.asarray(x) - x0) * sx, (np.asarray(y) - y0) * sy, (np.asarray(z) - z0) * sz

    def set_surface(self, xs, ys, Z, log: bool = False):
        """Show Z[i, j] at (xs[i], ys[j]); heights scaled to the box, colours by value."""
        if not self.available:
            return
        xs, ys, Z = np.asarray(xs, float), np.asarray(ys, float), np.asarray(Z, float)
        H = np.log10(Z - np.nanmin(Z) + 1e-3) if log else Z
        finite = np.isfinite(H)
        lo, hi = (float(np.min(H[finite])), float(np.max(H[finite]))) if finite.any() else (0.0, 1.0)
        hi = hi if hi > lo else lo + 1.0
        H = np.where(finite, H, hi)
        self._log = log
        self._zmin = float(np.nanmin(Z))
        self._frame = ((xs[0] + xs[-1]) / 2, BOX / (xs[-1] - xs[0]), (ys[0] + ys[-1]) / 2,
                       BOX / (ys[-1] - ys[0]), lo, HEIGHT / (hi - lo))
        bx, by, bz = self.to_box(xs, ys, H)
        colours = pg.colormap.get(SURFACE_CMAP).map((H - lo) / (hi - lo), mode="float")
        if self.surface is None:
            self.surface = self._gl.GLSurfacePlotItem(x=bx, y=by, z=bz, colors=colours.reshape(-1, 4),
                                                      smooth=False, shader=None, drawEdges=False)
            self.view.addItem(self.surface)
        else:
            self.surface.setData(x=bx, y=by, z=bz, colors=colours.reshape(-1, 4))

    def height(self, z):
        z = np.asarray(z, float)
        return np.log10(z - self._zmin + 1e-3) if self._log else z

    def set_point(self, x, y, z):
        if not self.available or self._frame is None:
            return
        bx, by, bz = self.to_box([x], [y], self.height([z]))
        self.point.setData(pos=np.column_stack([bx, by, bz + 0.05]))

    def set_path(self, name: str, xs, ys, zs):
        """Draw (or update) one marble's path, lifted a little above the mesh."""
        if not self.available or self._frame is None:
            return
        bx, by, bz = self.to_box(xs, ys, self.height(zs))
        pos = np.column_stack([bx, by, bz + 0.08])
        rgb = np.array(OPTIMIZER_COLOURS.get(name, (0, 0, 0))) / 255.0
        item = self._paths.get(name)
        if item is None:
            item = self._gl.GLLinePlotItem(pos=pos, color=(*rgb, 1.0), width=3, antialias=True)
            item.setGLOptions("translucent")
            self._paths[name] = item
            self.view.addItem(item)
        else:
            item.setData(pos=pos)

    def clear_paths(self):
        for item in self._paths.values():
            self.view.removeItem(item)
        self._paths.clear()
