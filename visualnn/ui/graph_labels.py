"""Text on the graph at a fixed pixel size, whatever the zoom.

``PlacedText`` is one label (a node's name, value or gradient, the lines on an
edge): it ignores the view's scale, so 12 px type stays 12 px on a laptop and
in an exported SVG (``font-size="12"``), and ``engine.label_layout`` decides
where it goes.  ``Leaders`` draws the thin lines from a label moved off its
edge back to the edge.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem

from ..engine.label_layout import Candidate, Request, edge_candidates, overlaps
from ..engine.label_layout import place as layout_labels
from . import theme as th

MIN_PX = 12.0       # no text on the graph is drawn smaller
REFERENCE = 100     # pixels at which a text's width is measured and scaled
PAD = 2.0           # pixels of plate around a label's text
Z_TEXT = 3


def pixel_font(px: float, bold: bool = False) -> QFont:
    f = QFont()
    f.setPixelSize(max(1, round(px)))
    f.setBold(bold)
    return f


_METRICS: dict = {}


def metrics(px: float, bold: bool = False) -> QFontMetricsF:
    key = (max(1, round(px)), bold)
    m = _METRICS.get(key)
    if m is None:
        m = _METRICS[key] = QFontMetricsF(pixel_font(*key))
    return m


def text_size(lines: list[str], px: float, bold: bool = False) -> tuple[float, float]:
    """(width, height) in pixels of these lines on a plate."""
    m = metrics(px, bold)
    w = max((m.horizontalAdvance(t) for t in lines), default=0.0)
    return w + 2 * PAD, len(lines) * m.height() + PAD


class PlacedText(QGraphicsItem):
    """Lines of text in pixels (``ItemIgnoresTransformations``), top-left at its
    position, on an optional plate; ``centred`` puts its middle at the position."""

    def __init__(self, key, theme: th.Theme, parent=None, plate: bool = True, centred: bool = False):
        super().__init__(parent)
        self.key = key
        self.setFlag(QGraphicsItem.ItemIgnoresTransformations, True)
        self.setZValue(Z_TEXT)
        self.setAcceptedMouseButtons(Qt.NoButton)
        self._theme = theme
        self._plate = plate
        self._centred = centred
        self.lines: list[tuple[str, str]] = []      # (text, colour role or "#rrggbb")
        self.px = 12.0
        self.bold = False
        self._rect = QRectF()

    def set_content(self, lines: list[tuple[str, str]], px: float, bold: bool = False):
        lines = list(lines)
        if lines == self.lines and px == self.px and bold == self.bold:
            return
        self.prepareGeometryChange()
        self.lines, self.px, self.bold = lines, float(px), bool(bold)
        w, h = text_size([t for t, _ in lines], px, bold)
        self._rect = QRectF(-w / 2, -h / 2, w, h) if self._centred else QRectF(0, 0, w, h)
        self.update()

    def text(self) -> str:
        return "\n".join(t for t, _ in self.lines)

    def font(self) -> QFont:
        return pixel_font(self.px, self.bold)

    def size(self) -> tuple[float, float]:
        return self._rect.width(), self._rect.height()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option, widget=None):
        if not self.lines:
            return
        if self._plate:
            plate = QColor(self._theme.plate)
            plate.setAlphaF(0.86)
            painter.setPen(Qt.NoPen)
            painter.setBrush(plate)
            painter.drawRoundedRect(self._rect, 3, 3)
        m = metrics(self.px, self.bold)
        painter.setFont(self.font())
        x0, y = self._rect.left() + PAD, self._rect.top() + PAD / 2
        inner = self._rect.width() - 2 * PAD
        for text, role in self.lines:
            painter.setPen(QColor(role if role.startswith("#") else getattr(self._theme, role)))
            dx = (inner - m.horizontalAdvance(text)) / 2
            painter.drawText(QPointF(x0 + dx, y + m.ascent()), text)
            y += m.height()


class Leaders(QGraphicsPathItem):
    """Thin lines from labels placed away from their edge back to it."""

    def __init__(self, theme: th.Theme):
        super().__init__()
        pen = QPen(QColor(theme.muted), 1.0)
        pen.setCosmetic(True)
        self.setPen(pen)
        self.setZValue(Z_TEXT - 0.5)
        self.setAcceptedMouseButtons(Qt.NoButton)

    def set_lines(self, lines):
        """``lines``: ((x1, y1), (x2, y2)) in scene coordinates."""
        p = QPainterPath()
        for (x1, y1), (x2, y2) in lines:
            p.moveTo(x1, y1)
            p.lineTo(x2, y2)
        self.setPath(p)


# -- where every text on the graph goes -------------------------------------------------------
# a node's name, value and gradient stay put: no edge label covers them, not even the step's
NODE_PRIORITY = {"value": 96.0, "grad": 95.0, "label": 105.0}
CURRENT_PRIORITY = 40.0          # added for the texts of the node just stepped: they always win
STEP_EDGE, SELECTED_EDGE, OTHER_EDGE = 90.0, 85.0, 20.0


class LabelPlacer:
    """Places a ``GraphView``'s texts with ``engine.label_layout``: the node
    texts against their nodes, the edge labels along their edges; whatever has
    no free place is shortened, then dropped (its full text is on hover)."""

    def __init__(self, view):
        self.view = view
        self.node_texts: dict[tuple, PlacedText] = {}
        self.drawn: dict = {}           # key -> (scene rect, pixels) of what is drawn now
        self.leaders: Leaders | None = None

    def reset(self, scene, theme):
        self.node_texts = {}
        self.drawn = {}
        self.leaders = Leaders(theme)
        scene.addItem(self.leaders)

    # -- requests ---------------------------------------------------------------------------
    def _node_requests(self, name: str, k: float, px: float) -> list[Request]:
        v = self.view
        item = v._nodes[name]
        b = item.box
        current = item.is_current
        pri = CURRENT_PRIORITY if current else 0.0
        cx = b.x + b.w / 2 if b.half == "left" else b.x - b.w / 2 if b.half == "right" else b.x
        out = []
        if b.label:
            w, h = (x / k for x in text_size([b.label], px, True))
            top = b.y - b.h / 2 - 4 / k
            left = b.x - b.w / 2 - 4 / k if b.half != "right" else cx - b.w - 4 / k
            # above the node; above and to its left; beside it on the left
            out.append(Request(("node", name, "label"), NODE_PRIORITY["label"] + pri,
                               [Candidate((cx - w / 2, top - h, cx + w / 2, top)),
                                Candidate((cx - w, top - h, cx, top)),
                                Candidate((left - w, b.y - h / 2, left, b.y + h / 2))]))
        if b.quiet:
            return out
        y = b.y + b.h / 2 + 4 / k
        h = text_size(["0"], px)[1] / k
        row = h + 3 / k
        for part in ("value", "grad"):
            line = item.lines[part]
            if line is not None and line.text:
                cands = []
                for short, text in ((False, line.text), (True, line.short)):
                    if not text:
                        continue
                    w = text_size([text], px)[0] / k
                    if b.half == "left":            # against the Σ half: its right edge at the middle
                        x1 = cx - 3 / k - w
                    elif b.half == "right":         # against the σ half
                        x1 = cx + 3 / k
                    else:
                        x1 = cx - w / 2
                    cands.append(Candidate((x1, y, x1 + w, y + h), short))
                for short, text in ((False, line.text), (True, line.short)):
                    if not text:
                        continue
                    # beside the node, against its own half: value above the middle line, gradient below
                    w = text_size([text], px)[0] / k
                    sy = b.y - h + 3 / k if part == "value" else b.y + 6 / k
                    sx = b.x - b.w / 2 - 3 / k - w if b.half == "left" else b.x + b.w / 2 + 3 / k
                    cands.append(Candidate((sx, sy, sx + w, sy + h), short))
                out.append(Request(("node", name, part), NODE_PRIORITY[part] + pri, cands))
            y += row
        return out

    @staticmethod
    def _visible_part(seg, bounds):
        """The part of an edge inside ``bounds`` (a long edge of a big graph is labelled where it can be seen)."""
        x1, y1, x2, y2 = (float(v) for v in seg)
        bx1, by1, bx2, by2 = bounds
        lo, hi = 0.0, 1.0
        for p, q in ((x1 - x2, x1 - bx1), (x2 - x1, bx2 - x1), (y1 - y2, y1 - by1), (y2 - y1, by2 - y1)):
            if p == 0:
                if q < 0:
                    return (x1, y1, x2, y2)
                continue
            t = q / p
            if p < 0:
                lo = max(lo, t)
            else:
                hi = min(hi, t)
        if lo > hi:
            return (x1, y1, x2, y2)
        return (x1 + lo * (x2 - x1), y1 + lo * (y2 - y1), x1 + hi * (x2 - x1), y1 + hi * (y2 - y1))

    def _edge_request(self, key, item, k: float, px: float, priority: float, bounds) -> Request | None:
        v = self.view
        lines = item.full_lines
        if not lines:
            return None
        full = [ln.text for ln in lines]
        short = [ln.short or ln.text for ln in lines]
        m = metrics(px)
        w, h = text_size(full, px)
        split = (PAD / 2 + item.split * m.height()) / k
        size = (w / k, h / k)
        ssize = None if short == full else tuple(x / k for x in text_size(short, px))
        idx = v._edge_index[key]
        if v._internal[idx]:
            # inside a merged neuron: under its texts, or above its name
            b = v._nodes[key[0]].box
            cx, cy = b.x + b.w / 2, b.y
            below = b.y + b.h / 2 + 8 / k + 2 * text_size(["0"], px)[1] / k
            above = b.y - b.h / 2 - 8 / k - text_size(["0"], px, True)[1] / k
            right, left = cx + b.w + 6 / k, cx - b.w - 6 / k
            cands = []
            for short_, wh in ((False, size), (True, ssize)):
                if wh is None:
                    continue
                sw, sh = wh
                cands += [Candidate((cx - sw / 2, below, cx + sw / 2, below + sh), short_),
                          Candidate((cx - sw / 2, above - sh, cx + sw / 2, above), short_),
                          Candidate((right, cy - sh / 2, right + sw, cy + sh / 2), short_, (cx + b.w, cy)),
                          Candidate((left - sw, cy - sh / 2, left, cy + sh / 2), short_, (cx - b.w, cy))]
        else:
            cands = edge_candidates(self._visible_part(v._seg[idx], bounds), size, ssize, split, 2 / k)
        return Request(key, priority, cands)

    # -- placing ------------------------------------------------------------------------------
    def place(self):
        v = self.view
        k = v.transform().m11()
        if not v._nodes or k <= 0:
            return
        normal, current = v.type_px()
        vis = v.mapToScene(v.viewport().rect()).boundingRect()
        bounds = (vis.left(), vis.top(), vis.right(), vis.bottom())
        boxes = [it.box for it in v._nodes.values()]
        obstacles = [(b.x - b.w / 2, b.y - b.h / 2, b.x + b.w / 2, b.y + b.h / 2) for b in boxes]
        legend = v.legend_scene_rect()
        if legend is not None:
            obstacles.append(legend)
        obstacles += self._marks(k)
        requests: list[Request] = []
        if v.texts_visible:
            for name in v.text_nodes():
                px = current if v._nodes[name].is_current else normal
                requests += self._node_requests(name, k, px)
            for key, item in v._labels.items():
                step = key in v._step_label_keys
                pri = STEP_EDGE if step else SELECTED_EDGE if v._is_selected_edge(key) else OTHER_EDGE
                r = self._edge_request(key, item, k, current if step else normal, pri, bounds)
                if r is not None:
                    requests.append(r)
        chosen = layout_labels(requests, obstacles, bounds, 2 / k)
        self._apply(requests, chosen, k, normal, current)
        self._symbols(k, normal, self._marks(k))

    def _marks(self, k: float) -> list:
        """Scene rectangles of the marks drawn over nodes at a fixed pixel size (stuck-unit
        badges, neuron pictures): labels keep off them too."""
        inside = getattr(self.view, "inside", None)
        return inside.mark_rects(k) if inside is not None else []

    def _apply(self, requests, chosen, k, normal, current):
        v = self.view
        self.drawn = {}
        leaders = []
        shown = set()
        for req in requests:
            c = chosen.get(req.key)
            if req.key[0] == "node" and len(req.key) == 3:
                _, name, part = req.key
                item = self.node_texts.get(req.key)
                if item is None:
                    item = self.node_texts[req.key] = PlacedText(req.key, v.style_theme)
                    v.scene().addItem(item)
                node = v._nodes[name]
                px = current if node.is_current else normal
                if part == "label":
                    lines = [(node.box.label, "text")]
                else:
                    ln = node.lines[part]
                    lines = [((ln.short if c is not None and c.short else ln.text), ln.role)]
                item.set_content(lines, px, part == "label")
            else:
                item = v._labels[req.key]
                px = current if req.key in v._step_label_keys else normal
                use_short = c is not None and c.short
                item.set_content([((ln.short or ln.text) if use_short else ln.text, ln.role)
                                  for ln in item.full_lines], px)
            if c is None:
                item.setVisible(False)
                continue
            item.setPos(c.rect[0], c.rect[1])
            item.setVisible(True)
            shown.add(req.key)
            self.drawn[req.key] = (c.rect, px)
            if c.leader is not None:
                x1, y1, x2, y2 = c.rect
                lx, ly = c.leader
                leaders.append(((min(max(lx, x1), x2), min(max(ly, y1), y2)), (lx, ly)))
        for key, item in list(self.node_texts.items()) + list(v._labels.items()):
            if key not in shown:
                item.setVisible(False)
        if self.leaders is not None:
            self.leaders.set_lines(leaders)

    def _symbols(self, k: float, normal: float, marks: list):
        """Each node's symbol as large as its node allows; none below the smallest type,
        none under a mark (a stuck-unit badge sits on its node's corner)."""
        for item in self.view._nodes.values():
            text = item.symbol_text()
            wide = metrics(REFERENCE, True).horizontalAdvance(text) / REFERENCE if text else 1.0
            px = min(1.35 * normal, 0.45 * item.box.h * k, 0.8 * item.box.w * k / max(wide, 1e-9))
            if px >= MIN_PX and marks:
                w, h = text_size([text], px, True)
                b = item.box
                r = (b.x - w / 2 / k, b.y - h / 2 / k, b.x + w / 2 / k, b.y + h / 2 / k)
                if any(overlaps([r, m]) for m in marks):
                    px = 0
            item.set_symbol_px(px if px >= MIN_PX and self.view.texts_visible else 0)
