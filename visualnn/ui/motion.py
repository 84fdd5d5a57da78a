"""Motion between steps: the value travels along its edge, the gradient travels back.

``StepMotion`` belongs to one ``GraphView``.  After a forward step a dot in the
value colour runs from each input along its edge into the node; after a
backward step a dot in the gradient colour runs from the node back along each
edge; after the update the old edge colours fade into the new ones.  Each takes
``DURATION_MS`` (at most 300 ms).  Steps that come faster than that (a key held
down, play at a high speed) are not animated, and ``enabled`` turns it all off
(View > Animate steps).  An export sets ``clock`` False and draws each moment
itself with ``seek`` (the same dots, easing and fade, as frames of a GIF or video).
"""
from __future__ import annotations

import time

from PySide6.QtCore import QEasingCurve, QPointF, QRectF, Qt, QVariantAnimation
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem
from shiboken6 import isValid

DURATION_MS = 260
DOT_PX = 9.0
Z_MOTION = 2.8          # above the nodes, below the labels


class StepMotion:
    def __init__(self, view):
        self.view = view
        self.enabled = True
        self.clock = True           # False: nothing moves until ``seek`` (an export draws each moment)
        self._last = 0.0
        self._segments: list[tuple[float, float, float, float]] = []
        self._dots: QGraphicsPathItem | None = None
        self._fading = None
        self.anim = QVariantAnimation(view)        # goes with its view
        self.anim.setDuration(DURATION_MS)
        self.anim.setStartValue(0.0)
        self.anim.setEndValue(1.0)
        self.anim.setEasingCurve(QEasingCurve.InOutQuad)
        self.anim.valueChanged.connect(self._frame)
        self.anim.finished.connect(self._done)

    @property
    def running(self) -> bool:
        return self.anim.state() == QVariantAnimation.Running

    def reset(self):
        """The scene was cleared: its items are gone."""
        self.anim.stop()
        self._dots, self._fading = None, None

    def start(self, segments, color: QColor, fading=None):
        """Run dots along ``segments`` ((x1, y1, x2, y2): from x1, y1 to x2, y2) and fade ``fading``."""
        now = time.monotonic()
        quick = self.clock and now - self._last < DURATION_MS / 1000.0   # steps faster than the motion: keys held
        self._last = now
        self.stop()
        if not self.enabled or quick or (not segments and fading is None):
            if fading is not None:
                self.view.scene().removeItem(fading)
            return
        scene = self.view.scene()
        if self._dots is None or self._dots.scene() is not scene:
            self._dots = QGraphicsPathItem()
            self._dots.setZValue(Z_MOTION)
            self._dots.setPen(QPen(Qt.NoPen))
            scene.addItem(self._dots)
        self._dots.setBrush(QBrush(color))
        self._segments = list(segments)
        self._fading = fading
        if self.clock:
            self.anim.start()
        else:
            self.seek(0.0)

    def seek(self, progress: float):
        """Draw the motion ``progress`` (0 to 1) of the way through, eased as on screen."""
        self._frame(self.anim.easingCurve().valueForProgress(min(1.0, max(0.0, float(progress)))))

    def stop(self):
        if self.running:
            self.anim.stop()
        self._done()

    def _frame(self, t):
        t = float(t)
        if not isValid(self.view) or (self._dots is not None and not isValid(self._dots)):
            return
        if self._dots is not None:
            k = self.view.transform().m11() or 1.0
            r = DOT_PX / 2 / k
            p = QPainterPath()
            for x1, y1, x2, y2 in self._segments:
                p.addEllipse(QRectF(QPointF(x1 + t * (x2 - x1) - r, y1 + t * (y2 - y1) - r), QPointF(
                    x1 + t * (x2 - x1) + r, y1 + t * (y2 - y1) + r)))
            self._dots.setPath(p)
            self._dots.setVisible(True)
        if self._fading is not None and isValid(self._fading):
            self._fading.setOpacity(1.0 - t)

    def _done(self):
        if not isValid(self.view):
            return
        if self._dots is not None and isValid(self._dots) and self._dots.scene() is self.view.scene():
            self._dots.setVisible(False)
        if self._fading is not None and isValid(self._fading):
            if self._fading.scene() is not None:
                self._fading.scene().removeItem(self._fading)
            self._fading = None
