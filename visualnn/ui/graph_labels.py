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

from ..engine.label_layout import (
    Candidate,
    Candidates,
    Rect,
    Request,
    edge_candidates,
    open_candidates,
)
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


_SIZES: dict = {}
_SIZES_MAX = 2000        # text sizes remembered (a frame has at most a few hundred; training numbers are all new)


def text_size(lines: list[str], px: float, bold: bool = False) -> tuple[float, float]:
    """(width, height) in pixels of these lines on a plate."""
    key = (tuple(lines), px, bold)
    size = _SIZES.get(key)
    if size is None:
        m = metrics(px, bold)
        w = max((m.horizontalAdvance(t) for t in lines), default=0.0)
        size = (w + 2 * PAD, len(lines) * m.height() + PAD)
        if len(_SIZES) >= _SIZES_MAX:
            _SIZES.clear()
        _SIZES[key] = size
    return size


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

    def __init__(self, theme: th.Theme, colour: str = "muted", width: float = 1.0):
        super().__init__()
        pen = QPen(QColor(getattr(theme, colour)), width)
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
# the step's edge labels win over every text but the stepped node's; the rest give way to them
STEP_EDGE, SELECTED_EDGE, OTHER_EDGE = 130.0, 85.0, 20.0
STEP_LEADER_STEPS = 10           # label heights a step's label may move off its edge (with a leader line)
STEP_RINGS = 6                   # rings of places further out around a node for the step's texts
OPEN_PITCH = 24.0                # pixels between the places anywhere in sight a step's label may take last
SLACK_DIGITS = 3                 # a label keeps its room while its text is at most this many digits narrower


def ring(box: Rect, w: float, h: float, step: float, rings: int = STEP_RINGS, short: bool = False,
         align: float = 0.5) -> list[Candidate]:
    """Places for a ``w`` x ``h`` text further and further out around ``box`` (below, above,
    right, left, then the corners), each with a leader line back to the box."""
    x1, y1, x2, y2 = box
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    out = []
    for n in range(1, rings + 1):
        d = n * step
        for rect, lead in (((cx - w / 2, y2 + d, cx + w / 2, y2 + d + h), (cx, y2)),
                           ((cx - w / 2, y1 - d - h, cx + w / 2, y1 - d), (cx, y1)),
                           ((x2 + d, cy - h / 2, x2 + d + w, cy + h / 2), (x2, cy)),
                           ((x1 - d - w, cy - h / 2, x1 - d, cy + h / 2), (x1, cy)),
                           ((x2 + d, y2 + d, x2 + d + w, y2 + d + h), (x2, y2)),
                           ((x1 - d - w, y2 + d, x1 - d, y2 + d + h), (x1, y2)),
                           ((x2 + d, y1 - d - h, x2 + d + w, y1 - d), (x2, y1)),
                           ((x1 - d - w, y1 - d - h, x1 - d, y1 - d), (x1, y1))):
            out.append(Candidate(rect, short, lead, align))
    return out


def _hits(r, marks) -> bool:
    return any(r[0] < m[2] and m[0] < r[2] and r[1] < m[3] and m[1] < r[3] for m in marks)


class LabelPlacer:
    """Places a ``GraphView``'s texts with ``engine.label_layout``: the node
    texts against their nodes, the edge labels along their edges; whatever has
    no free place is shortened, then dropped (its full text is on hover).

    A label's request (its candidate places) is kept while its size, priority
    and the view stay the same, and the whole layout is kept while every
    request is: a weight push that changes numbers but no label's size only
    rewrites the texts.  A label keeps the room it had while its text is a
    little narrower ("0.379" after "0.3785"), so numbers changing during
    training do not make the labels jump about."""

    def __init__(self, view):
        self.view = view
        self.node_texts: dict[tuple, PlacedText] = {}
        self.drawn: dict = {}           # key -> (scene rect, pixels) of what is drawn now
        self.shortened: set = set()     # keys of the labels drawn with their numbers shortened
        self.dropped: set = set()       # keys of the labels with no room (their text is on hover)
        self.leaders: Leaders | None = None
        self.step_leaders: Leaders | None = None       # the step's own: drawn stronger, they must be followed
        self.placements = 0             # layouts computed (not kept from the last one)
        self._forget()

    def _forget(self):
        self._requests: dict = {}       # label key -> (signature, request or requests)
        self._room: dict = {}           # (label key, short) -> the width it has
        self._frame = None              # the view (scale, bounds, marks) the requests are for
        self._last: tuple[list, dict] | None = None     # (requests, chosen) of the last layout
        self._symbol_px: dict = {}

    def reset(self, scene, theme):
        self.node_texts = {}
        self.drawn = {}
        self.leaders = Leaders(theme)
        self.step_leaders = Leaders(theme, "text", 1.5)
        scene.addItem(self.step_leaders)
        self._forget()
        scene.addItem(self.leaders)

    def _width(self, key, w: float, px: float) -> float:
        """The width label ``key`` gets for a text ``w`` wide: the room it had if that is
        enough and not much more, else ``w``."""
        room = self._room.get(key)
        if room is None or w > room or w < room - SLACK_DIGITS * metrics(px).horizontalAdvance("0"):
            room = self._room[key] = w
        return room

    def _short_width(self, key, w: float | None, full: float, px: float) -> float | None:
        """The width of the shortened text (None: it has none).  A text that has just
        lost its shortened form ("0.381" after "0.3815") keeps that room if it fits it."""
        if w is not None:
            return self._width(key, w, px)
        room = self._room.get(key)
        return room if room is not None and full <= room else None

    def _cached(self, key, sig, make):
        hit = self._requests.get(key)
        if hit is not None and hit[0] == sig:
            return hit[1]
        made = make()
        self._requests[key] = (sig, made)
        return made

    # -- requests ---------------------------------------------------------------------------
    def _node_requests(self, name: str, k: float, px: float) -> list[Request]:
        item = self.view._nodes[name]
        pri = CURRENT_PRIORITY if item.is_current else 0.0
        widths = []
        if not item.box.quiet:
            for part in ("value", "grad"):
                line = item.lines[part]
                if line is not None and line.text:
                    full = text_size([line.text], px)[0]
                    short = self._short_width((name, part, True), text_size([line.short], px)[0] if line.short
                                              else None, full, px)
                    widths.append((part, self._width((name, part, False), full, px), short))
                else:
                    widths.append((part, None, None))
        sig = (px, pri, item.box.label, tuple(widths))
        return self._cached(("node", name), sig, lambda: self._make_node_requests(name, k, px, pri, widths))

    def _make_node_requests(self, name: str, k: float, px: float, pri: float, widths) -> list[Request]:
        b = self.view._nodes[name].box
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
        y = b.y + b.h / 2 + 4 / k
        h = text_size(["0"], px)[1] / k
        row = h + 3 / k
        for part, full_w, short_w in widths:
            if full_w is not None:
                sized = [(False, full_w / k)] + ([(True, short_w / k)] if short_w is not None else [])
                cands = []
                for short, w in sized:
                    if b.half == "left":            # against the Σ half: its right edge at the middle
                        x1, align = cx - 3 / k - w, 1.0
                    elif b.half == "right":         # against the σ half
                        x1, align = cx + 3 / k, 0.0
                    else:
                        x1, align = cx - w / 2, 0.5
                    cands.append(Candidate((x1, y, x1 + w, y + h), short, None, align))
                for short, w in sized:
                    # beside the node, against its own half: value above the middle line, gradient below
                    sy = b.y - h + 3 / k if part == "value" else b.y + 6 / k
                    left = b.half == "left"
                    sx = b.x - b.w / 2 - 3 / k - w if left else b.x + b.w / 2 + 3 / k
                    cands.append(Candidate((sx, sy, sx + w, sy + h), short, None, 1.0 if left else 0.0))
                more = None
                if pri:         # the step's own numbers: further out with a leader before they are shortened
                    half = (cx - b.w / 2, b.y - b.h / 2, cx + b.w / 2, b.y + b.h / 2) if b.half else \
                        (b.x - b.w / 2, b.y - b.h / 2, b.x + b.w / 2, b.y + b.h / 2)
                    more = self._further(half, (sized[0][1], h), (sized[-1][1], h) if len(sized) > 1 else None,
                                         row, k, ring_box=half)
                out.append(Request(("node", name, part), NODE_PRIORITY[part] + pri, cands, more))
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
        lines = item.full_lines
        if not lines:
            return None
        full = [ln.text for ln in lines]
        short = [ln.short or ln.text for ln in lines]
        w, h = text_size(full, px)
        split = (PAD / 2 + item.split * metrics(px).height()) / k
        size = (self._width((key, False), w, px) / k, h / k)
        sw = self._short_width((key, True), text_size(short, px)[0] if short != full else None, w, px)
        ssize = None if sw is None else (sw / k, h / k)
        sig = (priority, px, size, ssize, split)
        return self._cached(key, sig, lambda: self._make_edge_request(key, k, px, priority, bounds,
                                                                      size, ssize, split))

    def _make_edge_request(self, key, k, px, priority, bounds, size, ssize, split) -> Request:
        v = self.view
        idx = v._edge_index[key]
        if not v._internal[idx]:
            seg = self._visible_part(v._seg[idx], bounds)
            more = None
            if priority >= STEP_EDGE:
                x1, y1, x2, y2 = seg
                middle = ((x1 + x2) / 2, (y1 + y2) / 2)
                more = self._further(middle, size, ssize, size[1], k, first=lambda: edge_candidates(
                    seg, size, ssize, split, 2 / k, leader_steps=STEP_LEADER_STEPS))
            return Request(key, priority, edge_candidates(seg, size, ssize, split, 2 / k), more)
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
        neuron = (cx - b.w, cy - b.h / 2, cx + b.w, cy + b.h / 2)
        more = None if priority < STEP_EDGE else self._further(
            neuron, size, ssize, text_size(["0"], px)[1] / k + 3 / k, k, ring_box=neuron)
        return Request(key, priority, cands, more)

    def _further(self, near, size, ssize, step: float, k: float, ring_box=None, first=None):
        """The places a step's text may take when its first ones leave it shortened or out:
        ``first()``, rings around ``ring_box``, then anywhere in sight, nearest ``near``
        (a point or a box) first; all with a leader line."""
        bounds = self._frame[1]
        if len(near) == 4:
            near = ((near[0] + near[2]) / 2, (near[1] + near[3]) / 2)

        def more() -> Candidates:
            parts = [first()] if first is not None else []
            if ring_box is not None:
                parts += [Candidates.of(ring(ring_box, *wh, step, short=short))
                          for short, wh in ((False, size), (True, ssize)) if wh is not None]
            parts.append(open_candidates(near, size, ssize, bounds, (OPEN_PITCH / k, size[1] / 2)))
            return Candidates.join(parts)
        return more

    # -- placing ------------------------------------------------------------------------------
    def place(self):
        v = self.view
        k = v.transform().m11()
        if not v._nodes or k <= 0:
            return
        normal, current = v.type_px()
        vis = v.mapToScene(v.viewport().rect()).boundingRect()
        bounds = (vis.left(), vis.top(), vis.right(), vis.bottom())
        legend = v.legend_scene_rect()
        marks = self._marks(k)
        frame = (k, bounds, legend, tuple(marks))
        if frame != self._frame:
            self._forget()
            self._frame = frame
        requests: list[Request] = []
        if v.texts_visible:
            texts = v.text_nodes()
            if not isinstance(texts, list) or len(texts) < len(v._nodes):
                wanted = set(texts)
                texts = [n for n in v._nodes if n in wanted]      # in the graph's order, every run the same
            for name in texts:
                px = current if v._nodes[name].is_current else normal
                requests += self._node_requests(name, k, px)
            # in the edges' order: labels of equal rank are placed the same way on every run
            for key in sorted(v._labels, key=v._edge_index.__getitem__):
                item = v._labels[key]
                step = key in v._step_label_keys
                pri = STEP_EDGE if step else SELECTED_EDGE if v._is_selected_edge(key) else OTHER_EDGE
                r = self._edge_request(key, item, k, current if step else normal, pri, bounds)
                if r is not None:
                    requests.append(r)
        last = self._last
        if last is not None and len(last[0]) == len(requests) and all(a is b for a, b in zip(last[0], requests)):
            chosen = last[1]            # no label changed its size: every label keeps its place
        else:
            boxes = [it.box for it in v._nodes.values()]
            obstacles = [(b.x - b.w / 2, b.y - b.h / 2, b.x + b.w / 2, b.y + b.h / 2) for b in boxes]
            if legend is not None:
                obstacles.append(legend)
            chosen = layout_labels(requests, obstacles + marks, bounds, 2 / k)
            self._last = (requests, chosen)
            self.placements += 1
        self._apply(requests, chosen, k, normal, current)
        self._symbols(k, normal, marks)

    def _marks(self, k: float) -> list:
        """Scene rectangles of the marks drawn over nodes at a fixed pixel size (stuck-unit
        badges, neuron pictures): labels keep off them too."""
        inside = getattr(self.view, "inside", None)
        return inside.mark_rects(k) if inside is not None else []

    def _apply(self, requests, chosen, k, normal, current):
        v = self.view
        self.drawn = {}
        self.dropped = {r.key for r in requests if chosen.get(r.key) is None}
        self.shortened = {r.key for r in requests if (c := chosen.get(r.key)) is not None and c.short}
        leaders: tuple[list, list] = ([], [])
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
                    lines = [(((ln.short or ln.text) if c is not None and c.short else ln.text), ln.role)]
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
            x1, y1, x2, y2 = c.rect
            w = item.size()[0] / k
            x1 += c.align * (x2 - x1 - w)       # a text narrower than its room sits where the room says
            item.setPos(x1, y1)
            item.setVisible(True)
            shown.add(req.key)
            self.drawn[req.key] = ((x1, y1, x1 + w, y2), px)
            if c.leader is not None:
                x1, y1, x2, y2 = c.rect
                lx, ly = c.leader
                leaders[req.priority >= STEP_EDGE].append(((min(max(lx, x1), x2), min(max(ly, y1), y2)), (lx, ly)))
        for key, item in list(self.node_texts.items()) + list(v._labels.items()):
            if key not in shown:
                item.setVisible(False)
        if self.leaders is not None and self.step_leaders is not None:
            self.leaders.set_lines(leaders[0])
            self.step_leaders.set_lines(leaders[1])

    def _symbols(self, k: float, normal: float, marks: list):
        """Each node's symbol as large as its node allows; none below the smallest type,
        none under a mark (a stuck-unit badge sits on its node's corner)."""
        visible = self.view.texts_visible
        for name, item in self.view._nodes.items():
            text = item.symbol_text()
            key = (name, text, normal, visible)
            size = self._symbol_px.get(key)
            if size is None:
                size = self._symbol_px[key] = self._symbol_size(item, text, k, normal, marks) if visible else (0, False)
            item.set_symbol_px(*size)

    @staticmethod
    def _symbol_size(item, text: str, k: float, normal: float, marks: list) -> tuple[float, bool]:
        """(px, glyph): the symbol's size, and whether it is the activation's curve (its name has no room)."""
        wide = metrics(REFERENCE, True).horizontalAdvance(text) / REFERENCE if text else 1.0
        px = min(1.35 * normal, 0.45 * item.box.h * k, 0.8 * item.box.w * k / max(wide, 1e-9))
        glyph = px < MIN_PX and item.has_glyph
        if glyph:
            px = min(1.35 * normal, 0.45 * item.box.h * k, 0.7 * item.box.w * k)
        if px >= MIN_PX and marks:
            w, h = (px, px) if glyph else text_size([text], px, True)
            b = item.box
            if _hits((b.x - w / 2 / k, b.y - h / 2 / k, b.x + w / 2 / k, b.y + h / 2 / k), marks):
                px = 0
        return (px, glyph) if px >= MIN_PX else (0, False)
