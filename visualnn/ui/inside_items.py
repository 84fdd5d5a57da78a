"""What the graph shows of the inside of learning, drawn over its nodes.

- ``FlagBadge``: a dead, saturated or exploding unit (``engine.diagnosis``)
  marked at the top right of its neuron, a fixed size on screen; its tooltip
  says what it means and what usually helps (plain text).
- ``NeuronPicture``: for a network with two inputs, the neuron's output over
  the input plane (``engine.inside.neuron_grids``) drawn beside its node, on
  the decision map's colours and levels; hovering shows it large
  (``PictureCard``) with the neuron's formula and weights.  For image inputs
  (4, 9, 16... pixels: the four-pixel camera) each first-layer neuron shows
  its weights as an image instead (white +1, black -1, missing 0 grey), and
  the current sample's pixels are drawn beside the inputs.

``InsideOverlays`` owns them for one ``GraphView``: it adds its items after
every rebuild (``sigRebuilt``), recomputes when the weights in effect change
(debounced; the diagnosis off the GUI thread on big networks, the pictures
always off it and only for the neurons in view) and never on a plain step.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QIcon, QImage, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsItem
from shiboken6 import isValid

from ..engine.diagnosis import diagnose
from ..engine.explain import fmt
from ..engine.inside import neuron_formula, neuron_grids, pixel_image, square_side, weight_image
from ..engine.network import out_name
from ..engine.plotting_data import label_range
from .gradient_overlay import GradientBands, ViewOverlay
from .plots.worker import JobRunner
from .text import tooltip

# the decision map's colours (ui/plots/style.py builds its colour map from these stops)
BOUNDARY_STOPS = (0.0, 0.5, 1.0)
BOUNDARY_COLOURS = ((250, 196, 150), (245, 245, 245), (140, 190, 228))
FLAG_STYLE = {"dead": "#555555", "saturated": "#e66101", "exploding": "#d7191c"}
RING_PX = 4.0                   # a flag's ring, pixels on screen
PICTURE_N = 24                  # grid points a side of a neuron's small picture
PICTURE_SIDE = 1.0              # its side, in node heights
PICTURE_GAP = 0.15              # the gap between the neuron's right edge and its picture, in sides
CARD_PX = 220                   # the large picture on hover, pixels a side
SYNC_DIAGNOSIS = 200_000        # samples x parameters up to which the diagnosis runs on the GUI thread
DEBOUNCE_MS = 120
Z_INSIDE = 2.5                  # above the nodes, below the labels
ICON_PX = 20                    # a sample's picture in the sample list
ICON_PIXELS_LIMIT = 100_000     # samples x pixels beyond which the sample list draws no pictures


def colour_image(V: np.ndarray, levels: tuple[float, float]) -> QImage:
    """``V[i, j]`` (at x_i, y_j) as an RGB image, y up, on the decision map's colours."""
    lo, hi = levels
    t = np.clip((np.nan_to_num(V, nan=(lo + hi) / 2) - lo) / ((hi - lo) or 1.0), 0.0, 1.0)
    rgb = np.stack([np.interp(t, BOUNDARY_STOPS, [c[k] for c in BOUNDARY_COLOURS]) for k in range(3)], axis=-1)
    rows = np.ascontiguousarray(np.flip(np.swapaxes(rgb, 0, 1), axis=0).round().astype(np.uint8))
    h, w = rows.shape[:2]
    img = QImage(rows.data, w, h, 3 * w, QImage.Format_RGB888)
    return img.copy()           # own the pixels: the array goes away


def grey_image(pixels: np.ndarray) -> QImage:
    """An image (rows top to bottom) of brightness -1 (black) .. +1 (white), 0 mid grey."""
    g = np.ascontiguousarray((np.clip(np.nan_to_num(pixels), -1.0, 1.0) + 1.0) * 127.5).round().astype(np.uint8)
    h, w = g.shape
    return QImage(g.data, w, h, w, QImage.Format_Grayscale8).copy()


def weight_picture(weights: np.ndarray) -> tuple[np.ndarray, float, QImage]:
    """(weights, the weight drawn white, the image): the camera's +-1 weights as
    they are; any others scaled to the largest, so a picture never goes all grey."""
    top = float(np.max(np.abs(weights))) if weights.size else 0.0
    scale = top if np.isfinite(top) and top > 0 else 1.0
    return weights, scale, grey_image(weights / scale)


def sample_icons(inputs: list[str], samples: list[dict]) -> list[QIcon] | None:
    """Each sample's pixels as a small icon when the inputs make a square image
    (the four-pixel camera), for the sample list; None otherwise (or too many to draw)."""
    if square_side(len(inputs)) is None or len(inputs) * len(samples) > ICON_PIXELS_LIMIT:
        return None
    out = []
    for smp in samples:
        img = grey_image(pixel_image([smp.get(x, 0.0) for x in inputs]))
        pix = QPixmap(ICON_PX, ICON_PX)
        pix.fill(QColor("#777777"))              # a frame, so a white image shows on a white list
        painter = QPainter(pix)
        painter.drawImage(QRectF(1, 1, ICON_PX - 2, ICON_PX - 2), img)
        painter.end()
        out.append(QIcon(pix))
    return out


class FlagBadge(QGraphicsItem):
    """A thick coloured ring around a flagged neuron (no text, so it never covers
    a label): grey dashed for dead, orange for saturated, red for exploding.
    Over the node, so hovering the neuron shows what it means and what helps."""

    def __init__(self, neuron: str, flags: list, rect: QRectF):
        super().__init__()
        self.neuron = neuron
        self.kinds = [f.kind for f in flags]
        self.text = "\n\n".join(f.text for f in flags)
        self._rect = rect
        self.setZValue(Z_INSIDE + 0.5)
        self.setToolTip(tooltip(self.text))

    def boundingRect(self) -> QRectF:
        m = RING_PX * (len(self.kinds) + 1)
        return self._rect.adjusted(-m, -m, m, m)

    def shape(self):
        path = QPainterPath()
        path.addRoundedRect(self._rect, self._rect.height() / 2, self._rect.height() / 2)
        return path

    def paint(self, painter: QPainter, option, widget=None):
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setBrush(Qt.NoBrush)
        for k, kind in enumerate(self.kinds):
            pen = QPen(QColor(FLAG_STYLE[kind]), RING_PX)
            pen.setCosmetic(True)           # the same thickness on screen at every zoom
            if kind == "dead":
                pen.setStyle(Qt.DashLine)
            painter.setPen(pen)
            scale = max(painter.worldTransform().m11(), 1e-6)
            m = (k + 0.8) * RING_PX / scale
            r = self._rect.adjusted(-m, -m, m, m)
            painter.drawRoundedRect(r, r.height() / 2, r.height() / 2)


class NeuronPicture(QGraphicsItem):
    """A neuron's output over the input plane: a square ``side`` scene units
    wide (it zooms with the graph) just right of the neuron, level with it (its
    name is above the neuron and its numbers below: the labels keep their places)."""

    def __init__(self, neuron: str, owner: "InsideOverlays", side: float):
        super().__init__()
        self.neuron = neuron
        self._rect = QRectF(PICTURE_GAP * side, -side / 2, side, side)
        self._owner = owner
        self.image: QImage | None = None
        self.grid: np.ndarray | None = None      # the outputs drawn: grid[i, j] at (x_i, y_j)
        self.scale = 1.0                         # a weight image: the weight drawn white
        self.setZValue(Z_INSIDE)
        self.setAcceptHoverEvents(True)

    @property
    def formula(self) -> str:
        return self._owner.formula_of(self)

    def set_image(self, image: QImage):
        self.image = image
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option, widget=None):
        if self.image is None:
            return
        painter.drawImage(self._rect, self.image)     # no smoothing: a 2x2 image stays four pixels
        painter.setPen(QPen(QColor("#555555"), 0))
        painter.setBrush(Qt.NoBrush)
        painter.drawRect(self._rect)

    def hoverEnterEvent(self, event):
        self._owner.show_card(self)

    def hoverLeaveEvent(self, event):
        self._owner.hide_card()


class PictureCard(QGraphicsItem):
    """The hovered neuron's picture, large, with its formula underneath."""

    def __init__(self, image: QImage, lines: list[str]):
        super().__init__()
        self.image = image
        self.lines = lines
        self.setFlag(QGraphicsItem.ItemIgnoresTransformations)
        self.setZValue(10)
        self._font = QFont()
        self._font.setPixelSize(14)
        metrics = QFontMetricsF(self._font)
        self._width = max([CARD_PX + 16.0] + [metrics.horizontalAdvance(t) + 20.0 for t in lines])

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self._width, CARD_PX + 16 + 20 * len(self.lines))

    def paint(self, painter: QPainter, option, widget=None):
        r = self.boundingRect()
        painter.setPen(QPen(QColor("#888888"), 1))
        painter.setBrush(QColor(255, 255, 255, 240))
        painter.drawRect(r)
        painter.drawImage(QRectF(8, 8, CARD_PX, CARD_PX), self.image)
        painter.setFont(self._font)
        painter.setPen(QColor("#111111"))
        for k, line in enumerate(self.lines):
            painter.drawText(QRectF(8, CARD_PX + 12 + 20 * k, r.width() - 16, 20), Qt.AlignLeft | Qt.AlignVCenter,
                             line)


class InsideOverlays(ViewOverlay):
    """The flags and neuron pictures of one graph view."""

    def __init__(self, view):
        super().__init__(view)
        self.flags_shown = True
        self.pictures_shown = True
        self.flags: dict[str, list] = {}
        self.badges: dict[str, FlagBadge] = {}
        self.pictures: dict[str, NeuronPicture] = {}
        self.weight_pictures: dict[str, NeuronPicture] = {}
        self.sample_picture: NeuronPicture | None = None
        self.card: PictureCard | None = None
        self._shown_params: dict = {}
        self._flag_jobs = JobRunner(self)
        self._picture_jobs = JobRunner(self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh)
        view.sigRebuilt.connect(self._on_rebuilt)
        self.gradient_bands = GradientBands(view)        # off until asked for
        self.session.sigShownParamsChanged.connect(self._schedule)
        for bar in (view.horizontalScrollBar(), view.verticalScrollBar()):
            bar.valueChanged.connect(self._schedule_pictures)
        view.viewport().installEventFilter(self)

    # -- switches -----------------------------------------------------------------------------
    def set_flags_shown(self, on: bool):
        self.flags_shown = bool(on)
        self._remove_items()
        self._on_rebuilt()

    def set_pictures_shown(self, on: bool):
        self.pictures_shown = bool(on)
        self._remove_items()
        self._on_rebuilt()

    def items(self) -> list[QGraphicsItem]:
        """Every item this overlay has in the scene now."""
        out: list[QGraphicsItem] = [*self.badges.values(), *self.pictures.values(), *self.weight_pictures.values()]
        out += [i for i in (self.sample_picture, self.card) if i is not None]
        return [i for i in out if isValid(i) and i.scene() is self.view.scene()]

    def mark_rects(self, k: float) -> list[tuple[float, float, float, float]]:
        """Scene rectangles labels keep off (at view scale ``k``): the pictures (in a view
        on screen also those still being computed; an export never shown draws none).
        The rings of flagged neurons hug the node, which labels keep off already."""
        out = []
        on_screen = self.view.isVisible()
        for item in self.items():
            if item.isVisible() and isinstance(item, NeuronPicture) and (on_screen or item.image is not None):
                r = item.sceneBoundingRect()
                out.append((r.left(), r.top(), r.right(), r.bottom()))
        return out

    def _remove_items(self):
        for item in self.items():
            self.view.scene().removeItem(item)

    def shutdown(self):
        self._timer.stop()
        self._flag_jobs.cancel()
        self._picture_jobs.cancel()

    def wait(self, ms: int = 10000) -> bool:
        """Until the pending computations are done and shown (tests, export)."""
        if self._timer.isActive():
            self._timer.stop()
            self.refresh()
        return self._flag_jobs.wait(ms) and self._picture_jobs.wait(ms)

    # -- building -------------------------------------------------------------------------------
    def _model(self):
        m = self.session.model
        return m if m is not None and m.spec is not None and self.view.node_names() else None

    def _params(self) -> dict:
        m = self.session.model
        params = dict(m.params)
        st = self.session.state
        if st is not None and st.params:
            params.update(st.params)
        return params

    def _out_item(self, neuron: str):
        try:
            return self.view.node_item(out_name(neuron))
        except KeyError:
            return None

    def _on_rebuilt(self):
        # the scene was cleared: the old items are gone with it
        self.badges, self.pictures, self.card = {}, {}, None
        self.weight_pictures, self.sample_picture = {}, None
        self._flag_jobs.cancel()
        self._picture_jobs.cancel()
        m = self._model()
        if m is None:
            return
        if self.pictures_shown and len(m.spec.inputs) == 2:
            for layer in m.spec.layers:
                self.pictures.update(self._add_pictures(layer.neurons))
        elif self.pictures_shown and square_side(len(m.spec.inputs)):
            self.weight_pictures = self._add_pictures(m.spec.layers[0].neurons)
            first = self.view.node_item(m.spec.inputs[0]).box
            side = PICTURE_SIDE * first.h
            self.sample_picture = NeuronPicture("sample", self, side)
            self.sample_picture.setPos(QPointF(first.x - first.w / 2 - (1 + 2 * PICTURE_GAP) * side, first.y))
            self.view.scene().addItem(self.sample_picture)
        self._show_flags()
        self.refresh()

    def _add_pictures(self, neurons) -> dict[str, NeuronPicture]:
        out = {}
        for neuron in neurons:
            item = self._out_item(neuron)
            if item is None:
                continue
            box = item.box
            pic = NeuronPicture(neuron, self, PICTURE_SIDE * box.h)
            pic.setPos(QPointF(box.x + box.w / 2, box.y))
            self.view.scene().addItem(pic)
            out[neuron] = pic
        return out

    def _schedule(self, *_):
        if self._model() is not None and (self.flags_shown or self.pictures or self.weight_pictures):
            self._timer.start()

    def _schedule_pictures(self, *_):
        if self.pictures or self.weight_pictures:
            self._timer.start()

    def eventFilter(self, obj, event):
        if event.type() in (QEvent.Resize, QEvent.Wheel, QEvent.Show):
            self._schedule_pictures()
        return False

    # -- computing ------------------------------------------------------------------------------
    def refresh(self):
        m = self._model()
        if m is None:
            return
        params = self._params()
        if self.flags_shown:
            if len(m.data) * max(len(params), 1) <= SYNC_DIAGNOSIS:
                self._set_flags(diagnose(m, params))
            else:
                self._flag_jobs.start(lambda job: diagnose(m, params), self._set_flags)
        self._compute_pictures(m, params)
        if self.sample_picture is not None:
            n = len(m.data)
            sample = m.data.sample(min(self.session.sample_index, n - 1)) if n else {}
            pic = self.sample_picture
            pic.grid = pixel_image([sample.get(x, 0.0) for x in m.spec.inputs])
            pic.set_image(grey_image(pic.grid))

    def _in_view(self, pictures: dict) -> set[str]:
        rect = self.view.mapToScene(self.view.viewport().rect()).boundingRect()
        return {n for n, pic in pictures.items() if rect.contains(pic.pos())}

    def _compute_pictures(self, m, params):
        """The neurons' pictures in view, in the worker: the output over the
        input plane (two inputs) or the first layer's weight images."""
        self._shown_params = params
        if not (self.pictures or self.weight_pictures) or not self.view.isVisible():
            return
        planes = bool(self.pictures)
        wanted = self._in_view(self.pictures if planes else self.weight_pictures)
        if not wanted:
            return
        levels = label_range(m)

        def work(job):
            if planes:
                grids = neuron_grids(m, params, n=PICTURE_N, neurons=wanted).outputs
                return {n: (V, 1.0, colour_image(V, levels)) for n, V in grids.items()}
            return {n: weight_picture(weight_image(m.spec, params, n)) for n in wanted}
        self._picture_jobs.start(work, self._set_pictures)

    def _set_pictures(self, result: dict):
        for neuron, (grid, scale, image) in result.items():
            pic = self.pictures.get(neuron) or self.weight_pictures.get(neuron)
            if pic is not None:
                pic.grid, pic.scale = grid, scale
                pic.set_image(image)

    def formula_of(self, pic: "NeuronPicture") -> str:
        """The hovered picture's formula, with the weights in effect plugged in."""
        m = self.session.model
        if pic is self.sample_picture:
            pixels = [f"{x} {fmt(v)}" for x, v in zip(m.spec.inputs, pic.grid.ravel())]
            return "this sample: " + (", ".join(pixels) if len(pixels) <= 8 else f"{len(pixels)} pixels")
        return neuron_formula(m.spec, self._shown_params, pic.neuron, self.session.digits)

    def _set_flags(self, flags: dict):
        self.flags = flags
        self._show_flags()

    def _show_flags(self):
        scene = self.view.scene()
        for badge in self.badges.values():
            if isValid(badge) and badge.scene() is scene:
                scene.removeItem(badge)
        self.badges = {}
        if not self.flags_shown:
            return
        for neuron, flags in self.flags.items():
            item = self._out_item(neuron)
            if item is None:
                continue
            box = item.box
            left = box.x - (1.5 * box.w if box.half == "right" else box.w / 2)
            badge = FlagBadge(neuron, flags, QRectF(left, box.y - box.h / 2, box.x + box.w / 2 - left, box.h))
            scene.addItem(badge)
            self.badges[neuron] = badge

    # -- the large picture on hover ---------------------------------------------------------------
    def show_card(self, pic: NeuronPicture):
        self.hide_card()
        if pic.image is None:
            return
        what = (f"weights as an image: white +{fmt(pic.scale)}, black -{fmt(pic.scale)}, grey 0 (no connection)"
                if pic.neuron in self.weight_pictures
                else "pixels: white +1, black -1" if pic is self.sample_picture
                else "output over the input plane, on the decision map's colours")
        card = PictureCard(pic.image, [pic.formula, what])
        card.setPos(pic.pos())
        self.view.scene().addItem(card)
        self.card = card

    def hide_card(self):
        if self.card is not None and isValid(self.card) and self.card.scene() is not None:
            self.view.scene().removeItem(self.card)
        self.card = None
