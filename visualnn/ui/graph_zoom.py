"""How big the graph is drawn: fitting it to the window, zooming, the rows'
spacing that leaves room for the texts, where the legend sits, and whether
texts are big enough to draw (a mixin of ``GraphView``)."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QTransform

from . import legend
from . import theme as th
from .graph_labels import text_size
from .layout import Layout

LABEL_MIN_PIXELS = 12.0         # nodes smaller than this on screen get no texts (zoomed far out)
NODE_MIN_PX = 30.0              # rows spread for their texts no further than leaves nodes this tall


class ZoomMixin:
    """Fit, zoom and level of detail; the view's transform and margins."""

    @property
    def text_scale(self) -> float:
        """The graph's type relative to its normal size (``TYPE_PX``)."""
        return self._text_scale

    @text_scale.setter
    def text_scale(self, scale: float):
        scale = float(scale)
        if not scale > 0:
            raise ValueError(f"text_scale must be positive, not {scale}")
        if scale != self._text_scale:
            self._text_scale = scale
            if self._auto_fit:
                self.fit()
            self._place_labels()

    def set_show_legend(self, on: bool):
        self.show_legend = on
        self.viewport().update()

    def fit(self):
        """Zoom so the whole graph fits the window, with room in pixels for the
        names above the nodes, the values under them and the legend."""
        self._auto_fit = True
        if self._layout is None or not self._nodes:
            return
        x1, y1, x2, y2 = self._layout.bounds
        W, H = self.viewport().width(), self.viewport().height()
        top, bottom, side = self._margins()
        s = min((W - 2 * side) / max(1e-9, x2 - x1), (H - top - bottom) / max(1e-9, y2 - y1))
        s = max(0.02, min(8.0, s))
        self.setTransform(QTransform.fromScale(s, s))
        self.centerOn(QPointF((x1 + x2) / 2, y1 - top / s + H / (2 * s)))
        if not self._legend_reserved and self._legend_covers_a_node():
            self._legend_reserved = True        # keep the legend's corner free of nodes
            self.fit()
            return
        self._update_lod()
        self._view_moved()
        self._place_labels()

    def _margins(self) -> tuple[float, float, float]:
        """Pixels kept free above, below and beside the nodes for their texts and the legend."""
        n, c = self.type_px()
        top, bottom, side = 1.6 * n + 8, 1.3 * (n + c) + 8, 4.0 * n
        if self._legend_shown() and self._legend_reserved:
            bottom += legend.height(n)
        return top, bottom, side

    def _wanted_pitch(self, lay: Layout) -> float | None:
        """The distance between rows that leaves room for a name, a value and a
        gradient between two nodes at the scale the graph will be shown at."""
        if lay.compact or lay.rows < 2 or not lay.boxes:
            return None
        top, bottom, side = self._margins()
        wa, ha = self.viewport().width() - 2 * side, self.viewport().height() - top - bottom
        if wa <= 0 or ha <= 0:
            return None
        n, c = self.type_px()
        need = text_size(["0"], n, True)[1] + 2 * text_size(["0"], c)[1] + 18
        x1, _, x2, _ = lay.bounds
        d, rows = lay.node_size, lay.rows
        s = wa / max(1e-9, x2 - x1)
        p = d + need / s
        if ((rows - 1) * p + d) * s <= ha:
            return p
        # not so far apart that the nodes shrink below NODE_MIN_PX: then texts with no room are dropped
        floor = min(s, NODE_MIN_PX / d)
        if need * (rows - 1) < ha:
            p = d * (1 + need / ha) / (1 - need * (rows - 1) / ha)
            if ha / ((rows - 1) * p + d) >= floor:
                return p
        return max(d * 1.5, (ha / floor - d) / (rows - 1))

    def _graph_rect(self) -> QRectF:
        """The nodes with room for their names and values (not the labels of the moment)."""
        x1, y1, x2, y2 = self._layout.bounds
        return QRectF(QPointF(x1 - 60, y1 - 40), QPointF(x2 + 60, y2 + 60))

    def _legend_shown(self) -> bool:
        return self.show_legend and bool(self._nodes)

    def _legend_covers_a_node(self) -> bool:
        r = self.legend_scene_rect()
        if r is None:
            return False
        return any(b.x + b.w / 2 > r[0] and b.x - b.w / 2 < r[2] and b.y + b.h / 2 > r[1] and b.y - b.h / 2 < r[3]
                   for b in self._layout.boxes.values())

    def legend_scene_rect(self):
        """Where the legend covers the graph, in scene coordinates (None: no legend)."""
        if not self._legend_shown():
            return None
        r = self.mapToScene(legend.viewport_rect(self).toAlignedRect()).boundingRect()
        return (r.left(), r.top(), r.right(), r.bottom())

    def render_scene(self, scale: float = 1.0, background: bool = True) -> QImage:
        """The whole graph (not just what the window shows) as an image, for export."""
        r = self.scene().itemsBoundingRect().adjusted(-20, -20, 20, 20)
        img = QImage(max(1, int(r.width() * scale)), max(1, int(r.height() * scale)), QImage.Format_ARGB32)
        img.fill(QColor(th.LECTURE_BACKGROUND if self.lecture_style else self.theme.background) if background
                 else QColor(0, 0, 0, 0))
        p = QPainter(img)
        p.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing)
        self.scene().render(p, QRectF(0, 0, img.width(), img.height()), r)
        p.end()
        return img

    def zoom(self, factor: float):
        cur = self.transform().m11()
        factor = max(0.02 / cur, min(8.0 / cur, factor))
        self.scale(factor, factor)
        self._auto_fit = False
        self._update_lod()
        self._view_moved()
        self._place_labels()

    def _update_lod(self, force: bool = False):
        """Show texts only when they are big enough on screen to read."""
        if not self._layout:
            return
        node_px = max(b.h for b in self._layout.boxes.values()) * self.transform().m11()
        on = node_px >= LABEL_MIN_PIXELS
        if on != self._texts_visible or force:
            self._texts_visible = on
            if self.session.state is not None:
                self.show_state(self.session.state, full=True)

    def scene_pos_of(self, name: str) -> QPointF:
        return self._nodes[name].scenePos()

    def view_pos_of(self, name: str):
        return self.mapFromScene(self._nodes[name].scenePos())

    def view_pos_of_edge(self, src: str, dst: str):
        k = self._edge_index[(src, dst)]
        x1, y1, x2, y2 = self._seg[k]
        # a quarter of the way along: clear of the crossing in the middle
        return self.mapFromScene(QPointF(x1 + 0.25 * (x2 - x1), y1 + 0.25 * (y2 - y1)))
