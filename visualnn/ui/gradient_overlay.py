"""Gradient flow on the graph: behind each layer of weights, a band whose
strength is that layer's mean |dL/dw| so far in this pass (log scale, the
largest layer strongest), so a vanishing gradient fades towards the inputs.
No text on the graph (nothing to collide with the labels): hovering a band
says its number.  Off until View > Gradient flow on the graph; while off it
does no work on a step."""
from __future__ import annotations

import math

from PySide6.QtCore import QObject, QRectF
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QGraphicsItem
from shiboken6 import isValid

from ..engine.explain import fmt
from ..engine.inside import layer_gradients
from ..engine.network import net_name, out_name
from .text import tooltip

DECADES = 6.0                   # the weakest band drawn: this many powers of ten under the strongest
Z_BAND = -1.0                   # behind the edges


class GradientBand(QGraphicsItem):
    """One layer's band: ``strength`` 0 (none) .. 1 (the strongest layer)."""

    def __init__(self, layer: int, rect: QRectF, colour: str):
        super().__init__()
        self.layer = layer
        self._rect = rect
        self._colour = QColor(colour)
        self.strength = 0.0
        self.mean_abs = 0.0
        self.setZValue(Z_BAND)

    def set_value(self, mean_abs: float, strength: float):
        self.mean_abs, self.strength = mean_abs, strength
        self.setToolTip(tooltip(f"layer {self.layer}: mean |dL/dw| = {fmt(mean_abs, 6)} in this pass so far"))
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option, widget=None):
        if self.strength <= 0:
            return
        c = QColor(self._colour)
        c.setAlphaF(0.06 + 0.34 * self.strength)
        painter.fillRect(self._rect, c)


class ViewOverlay(QObject):
    """Items one graph view draws over its network, made again after each rebuild."""

    def __init__(self, view):
        super().__init__(view)
        self.view = view
        self.session = view.session


class GradientBands(ViewOverlay):
    """The bands of one graph view, following the session's state while shown."""

    def __init__(self, view):
        super().__init__(view)
        self.shown = False
        self.bands: list[GradientBand] = []
        view.sigRebuilt.connect(self._build)

    def set_shown(self, on: bool):
        if bool(on) == self.shown:
            return
        self.shown = bool(on)
        if self.shown:
            self.session.sigStateChanged.connect(self.show_state)
            self._build()
        else:
            self.session.sigStateChanged.disconnect(self.show_state)
            self._remove()

    def _remove(self):
        for band in self.bands:
            if isValid(band) and band.scene() is self.view.scene():
                self.view.scene().removeItem(band)
        self.bands = []

    def _build(self):
        self.bands = []                  # a rebuild cleared the scene and these items with it
        m = self.session.model
        if not self.shown or m is None or m.spec is None:
            return
        spec = m.spec
        try:
            boxes = [[self.view.node_item(x).box for x in spec.inputs]]
            boxes += [[self.view.node_item(out_name(n)).box for n in layer.neurons] for layer in spec.layers]
            nets = [[self.view.node_item(net_name(n)).box for n in layer.neurons] for layer in spec.layers]
        except KeyError:
            return
        _, top, _, bottom = self.view.layout_info.bounds         # the whole height of the graph
        colour = self.view.style_theme.gradient
        for l, (left, right) in enumerate(zip(boxes, nets), start=1):
            x0 = max(b.x + b.w / 2 for b in left)
            x1 = min(b.x - b.w / 2 for b in right)
            if x1 <= x0:
                continue
            band = GradientBand(l, QRectF(x0, top, x1 - x0, bottom - top), colour)
            self.view.scene().addItem(band)
            self.bands.append(band)
        self.show_state(self.session.state)

    def show_state(self, state=None):
        m = self.session.model
        if not self.bands or m is None or m.spec is None:
            return
        grads = state.param_gradients if state is not None else {}
        params = dict(m.params) | (dict(state.params) if state is not None else {})
        means = {L.layer: L.mean_abs_gradient for L in layer_gradients(m.spec, params, grads)}
        finite = [v for v in means.values() if v > 0 and math.isfinite(v)]
        top = math.log10(max(finite)) if finite else 0.0
        for band in self.bands:
            v = means.get(band.layer, 0.0)
            if math.isinf(v) or math.isnan(v):
                strength = 1.0               # exploded: as strong as it gets
            else:
                strength = max(0.0, 1 - (top - math.log10(v)) / DECADES) if v > 0 else 0.0
            band.set_value(v, strength)
