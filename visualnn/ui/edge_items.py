"""The edge lines: every edge batched into a few paths per colour bin
(``EdgeBinsItem``, drawn a slice at a time on screen when the graph is big),
and straight overlay lines in one pen (``SegmentsItem``: the current step's
edges, the selection), clipped to what is painted.
"""
from __future__ import annotations

import itertools
import math
import time

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QTransform
from PySide6.QtWidgets import QGraphicsItem

from .graph_items import Z_EDGE, Z_OVERLAY
from .qpath import segments_path

_VERSIONS = itertools.count(1)   # every set of paths drawn has its own number (kept pictures come back)
ANTIALIAS_OVERLAY = 64          # more highlighted edges than this in sight: drawn without smoothing


class EdgeBinsItem(QGraphicsItem):
    """Every edge line, batched: a few paths per colour bin.

    Small graphs are drawn from Qt's cached pixmap (redrawn only when weights,
    style or zoom change).  A graph with more than ``PROGRESSIVE_EDGES`` edges
    takes long to rasterise (50,000 lines cover tens of millions of pixels):
    on screen it is drawn into an image of the viewport a slice at a time,
    between events, while the previous image (moved to the new zoom) stays
    up, so stepping, zooming and clicking never wait for it.  Pictures made
    for export (``scene().render``, ``QWidget.render``, SVG) are drawn whole
    at once."""

    antialias = True

    def __init__(self, progressive: bool = False, request=None):
        super().__init__()
        self.setZValue(Z_EDGE)
        self.setAcceptedMouseButtons(Qt.NoButton)
        self.progressive = progressive
        self.setCacheMode(QGraphicsItem.NoCache if progressive else QGraphicsItem.DeviceCoordinateCache)
        self.bins: dict = {}            # key -> ([QPainterPath, ...], QPen)
        self._rect = QRectF()
        self._request = request         # called when the on-screen image must be redrawn
        self._version = next(_VERSIONS)
        self._signature: np.ndarray | None = None     # the bin of every edge, when the caller named it
        self._kept: tuple | None = None               # the picture before the last set_bins
        self._front: QImage | None = None       # the last complete on-screen image
        self._front_key = None
        self._front_transform = QTransform()
        self.job = None                 # the image being drawn: _RasterJob

    def set_bins(self, bins: dict, signature: np.ndarray | None = None):
        """Draw these paths from now on; ``signature`` (the bin of every edge) names them,
        and the picture they replace is kept aside for ``show_kept``."""
        self._kept = self._picture() if self._signature is not None and signature is not None else None
        self.prepareGeometryChange()
        self.bins = {k: (list(paths), pen) for k, (paths, pen) in bins.items()}
        r = QRectF()
        for paths, pen in self.bins.values():
            w = pen.widthF()
            for path in paths:
                if not path.isEmpty():
                    r = r.united(path.boundingRect().adjusted(-w, -w, w, w))
        self._rect = r
        self._signature = None if signature is None else np.array(signature)
        self._version = next(_VERSIONS)
        self.job = None
        self.update()

    def show_kept(self, signature: np.ndarray) -> bool:
        """True when these bins are drawn now or were just before (then they are drawn
        again, with their finished on-screen image: no paths made, no edge redrawn)."""
        if self._signature is not None and np.array_equal(self._signature, signature):
            return True
        kept = self._kept
        if kept is None or not np.array_equal(kept[0], signature):
            return False
        self._kept = self._picture()
        self.prepareGeometryChange()
        (self._signature, self.bins, self._rect, self._version, self._front, self._front_key,
         self._front_transform) = kept
        self.job = None
        self.update()
        return True

    def _picture(self) -> tuple:
        return (self._signature, self.bins, self._rect, self._version, self._front, self._front_key,
                QTransform(self._front_transform))

    def pen_of(self, key) -> QPen | None:
        entry = self.bins.get(key)
        return None if entry is None else entry[1]

    def boundingRect(self) -> QRectF:
        return self._rect

    def _ordered(self):
        """(path, pen) in drawing order: weak edges first, strong ones on top."""
        for key in sorted(self.bins, key=_drawing_order):
            paths, pen = self.bins[key]
            for path in paths:
                yield path, pen

    def draw_all(self, painter: QPainter):
        """Draw every edge, at once, with ``painter`` (in scene coordinates)."""
        painter.setBrush(Qt.NoBrush)
        painter.setRenderHint(QPainter.Antialiasing, self.antialias)
        for path, pen in self._ordered():
            painter.setPen(pen)
            painter.drawPath(path)

    def paint(self, painter: QPainter, option, widget=None):
        if not self.progressive or widget is None or painter.device() != widget:
            self.draw_all(painter)         # export, grab, or a small graph
            return
        t = painter.worldTransform()
        dpr = widget.devicePixelRatioF()
        key = (self._version, _transform_key(t), widget.width(), widget.height(), dpr)
        painter.save()
        if self._front is not None:
            if self._front_key == key:
                painter.setWorldTransform(QTransform())
            else:
                # the last image, moved and scaled to where its edges are now
                inv, ok = self._front_transform.inverted()
                painter.setWorldTransform(inv * t if ok else QTransform())
                painter.setRenderHint(QPainter.SmoothPixmapTransform, False)
            painter.drawImage(QPointF(0, 0), self._front)
        painter.restore()
        if self._front_key != key and (self.job is None or self.job.key != key):
            self.job = _RasterJob(key, QTransform(t), widget.width(), widget.height(), dpr, list(self._ordered()))
            if self._request is not None:
                self._request()

    def raster_step(self, budget: float) -> bool:
        """Draw slices of the pending image for about ``budget`` seconds; True when more remain."""
        job = self.job
        if job is None:
            return False
        if job.run(budget, self.antialias):
            return True
        self._front, self._front_key, self._front_transform = job.image, job.key, job.transform
        self.job = None
        self.update()
        return False

    @property
    def pending(self) -> bool:
        """Whether the on-screen image is being redrawn."""
        return self.job is not None

    @property
    def image_current(self) -> bool:
        """Whether the last complete on-screen image shows the paths drawn now."""
        return self._front is not None and self._front_key is not None and self._front_key[0] == self._version

    def screen_image(self) -> tuple[QImage | None, QTransform]:
        """The last complete on-screen image and the scene-to-viewport transform it was drawn at."""
        return self._front, QTransform(self._front_transform)


class SegmentsItem(QGraphicsItem):
    """Straight lines in one pen (the current step's edges, the selection),
    cut to the part being painted before they are stroked: a wide smooth pen
    on 785 lines tens of thousands of pixels long would otherwise be stroked
    whole on every repaint when zoomed in."""

    def __init__(self):
        super().__init__()
        self.setZValue(Z_OVERLAY)
        self.setAcceptedMouseButtons(Qt.NoButton)
        self.setFlag(QGraphicsItem.ItemUsesExtendedStyleOption, True)
        self._pen = QPen(Qt.NoPen)
        self._seg = np.zeros((0, 4))
        self._rect = QRectF()
        self._version = 0               # bumped when the lines or the pen change
        self._blend = None              # (key, image, corner): the see-through lines as last drawn

    def setPen(self, pen: QPen):
        self._pen = QPen(pen)
        self._update_rect()

    def pen(self) -> QPen:
        return QPen(self._pen)

    def set_segments(self, seg: np.ndarray):
        """Lines as rows (x1, y1, x2, y2) in scene coordinates."""
        self._seg = np.asarray(seg, dtype=float).reshape(-1, 4)
        self._update_rect()

    def segments(self) -> np.ndarray:
        return self._seg.copy()

    def _update_rect(self):
        self._version += 1
        self._blend = None
        self.prepareGeometryChange()
        if not len(self._seg):
            self._rect = QRectF()
        else:
            w = self._pen.widthF()
            s = self._seg
            self._rect = QRectF(QPointF(min(s[:, 0].min(), s[:, 2].min()) - w, min(s[:, 1].min(), s[:, 3].min()) - w),
                                QPointF(max(s[:, 0].max(), s[:, 2].max()) + w, max(s[:, 1].max(), s[:, 3].max()) + w))
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option, widget=None):
        if not len(self._seg) or self._pen.style() == Qt.NoPen:
            return
        m = 2 * self._pen.widthF() + 2.0
        r = option.exposedRect.adjusted(-m, -m, m, m)
        seg = _clip_segments(self._seg, r.left(), r.top(), r.right(), r.bottom())
        if not len(seg):
            return
        if len(seg) > ANTIALIAS_OVERLAY and widget is not None and painter.device() == widget \
                and self._pen.color().alpha() < 255:
            self._paint_blended(painter, widget)
            return
        path = segments_path(seg[:, [0, 2]].ravel(), seg[:, [1, 3]].ravel())
        painter.save()
        painter.setPen(self._pen)
        painter.setBrush(Qt.NoBrush)
        if len(seg) > ANTIALIAS_OVERLAY:
            # hundreds of wide smooth lines fanning into one node take a tenth of a second to stroke
            painter.setRenderHint(QPainter.Antialiasing, False)
        painter.drawPath(path)
        painter.restore()

    def _paint_blended(self, painter: QPainter, widget):
        """Many see-through lines on screen: stroked opaque into an image of the part of the
        viewport they cross, then laid over at the pen's opacity (the same picture: overlaps
        are not darker either way; the raster engine strokes opaque lines many times faster
        than blended ones).  The image serves every repaint until the lines, pen or view change."""
        t = painter.worldTransform()
        dpr = widget.devicePixelRatioF()
        key = (self._version, _transform_key(t), widget.width(), widget.height(), dpr)
        if self._blend is None or self._blend[0] != key:
            self._blend = (key, *self._blend_image(t, widget, dpr))
        _, image, corner = self._blend
        if image is None:
            return
        painter.save()
        painter.setWorldTransform(QTransform())
        painter.setOpacity(painter.opacity() * self._pen.color().alphaF())
        painter.drawImage(corner, image)
        painter.restore()

    def _blend_image(self, t: QTransform, widget, dpr: float) -> tuple:
        """(the lines in sight stroked opaque, where it goes in the viewport) or (None, None)."""
        inv, ok = t.inverted()
        w = self._pen.widthF()
        sight = (inv.mapRect(QRectF(widget.rect())) if ok else self._rect).adjusted(-2 * w - 2, -2 * w - 2,
                                                                                     2 * w + 2, 2 * w + 2)
        seg = _clip_segments(self._seg, sight.left(), sight.top(), sight.right(), sight.bottom())
        if not len(seg):
            return None, None
        path = segments_path(seg[:, [0, 2]].ravel(), seg[:, [1, 3]].ravel())
        m = w * max(abs(t.m11()), abs(t.m22()), abs(t.m12()), abs(t.m21())) + 2
        r = t.mapRect(path.controlPointRect()).adjusted(-m, -m, m, m).intersected(QRectF(widget.rect()))
        if r.isEmpty():
            return None, None
        r = r.toAlignedRect()
        image = QImage(max(1, math.ceil(r.width() * dpr)), max(1, math.ceil(r.height() * dpr)),
                       QImage.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(dpr)
        image.fill(Qt.transparent)
        color = self._pen.color()
        pen = QPen(self._pen)
        pen.setColor(QColor(color.red(), color.green(), color.blue()))
        p = QPainter(image)
        p.setTransform(t * QTransform.fromTranslate(-r.x(), -r.y()))
        p.setPen(pen)
        p.setBrush(Qt.NoBrush)
        p.drawPath(path)
        p.end()
        return image, QPointF(r.topLeft())

def clip_range(seg: np.ndarray, x0: float, y0: float, x1: float, y1: float):
    """For each segment (rows x1, y1, x2, y2): the parameters (lo, hi) of its part
    inside the rectangle, and whether it has one (Liang-Barsky)."""
    px, py = seg[:, 0], seg[:, 1]
    dx, dy = seg[:, 2] - px, seg[:, 3] - py
    lo, hi = np.zeros(len(seg)), np.ones(len(seg))
    keep = np.ones(len(seg), dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for p, q in ((-dx, px - x0), (dx, x1 - px), (-dy, py - y0), (dy, y1 - py)):
            par = p == 0
            keep &= ~(par & (q < 0))
            t = np.where(par, 0.0, q / np.where(par, 1.0, p))
            lo = np.where(~par & (p < 0), np.maximum(lo, t), lo)
            hi = np.where(~par & (p > 0), np.minimum(hi, t), hi)
    return lo, hi, keep & (lo <= hi)


def _clip_segments(seg: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    """The parts of the segments (rows x1, y1, x2, y2) inside the rectangle."""
    lo, hi, keep = clip_range(seg, x0, y0, x1, y1)
    lo, hi = lo[keep], hi[keep]
    px, py = seg[keep, 0], seg[keep, 1]
    dx, dy = seg[keep, 2] - px, seg[keep, 3] - py
    return np.column_stack([px + lo * dx, py + lo * dy, px + hi * dx, py + hi * dy])


class _RasterJob:
    """An image of the viewport being drawn a slice at a time."""

    def __init__(self, key, transform: QTransform, w: int, h: int, dpr: float, slices: list):
        self.key, self.transform = key, transform
        self.image = QImage(max(1, math.ceil(w * dpr)), max(1, math.ceil(h * dpr)), QImage.Format_ARGB32_Premultiplied)
        self.image.setDevicePixelRatio(dpr)
        self.image.fill(Qt.transparent)
        self.slices = slices
        self.done = 0

    def run(self, budget: float, antialias: bool) -> bool:
        start = time.perf_counter()
        p = QPainter(self.image)
        p.setTransform(self.transform)
        p.setBrush(Qt.NoBrush)
        p.setRenderHint(QPainter.Antialiasing, antialias)
        try:
            while self.done < len(self.slices):
                path, pen = self.slices[self.done]
                p.setPen(pen)
                p.drawPath(path)
                self.done += 1
                if time.perf_counter() - start >= budget:
                    break
        finally:
            p.end()
        return self.done < len(self.slices)


def _drawing_order(key) -> float:
    """Neutral edges first, then by weight size; a bin's frozen (dashed) edges over its others."""
    if key == "neutral":
        return -1.0
    if isinstance(key, tuple):
        return abs(key[1]) + 0.5 if key[1] != "neutral" else -0.5
    return float(abs(key))


def _transform_key(t: QTransform) -> tuple:
    return tuple(round(v, 9) for v in (t.m11(), t.m12(), t.m21(), t.m22(), t.dx(), t.dy()))
