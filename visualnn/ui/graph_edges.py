"""The edges' colours and the progressive edge image of a big graph, and
the motion of a step along its edges (a mixin of ``GraphView``)."""
from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPen

from . import theme as th
from .edge_items import EdgeBinsItem
from .graph_items import Z_EDGE
from .qpath import segments_path

FROZEN = "frozen"               # bin key (FROZEN, k): the frozen weights of bin k
MOTION_EDGES = 64               # at most this many dots move at once
RASTER_SLICE = 1000             # edges per slice (one path)
RASTER_BUDGET = 0.012           # seconds of edge drawing per turn of the event loop
RASTER_HOLD = 0.08              # seconds after a step before edge drawing goes on: stepping never waits for it


class EdgesMixin:
    """Edge colour bins, their on-screen image, and the step's motion."""

    def edge_style(self, src: str, dst: str):
        """(colour, width) the edge is drawn with, or None when it is not drawn."""
        k = self._edge_index[(src, dst)]
        if self._internal[k]:
            return None
        key = "neutral" if self._neutral[k] else int(self._edge_bins[k])
        if key == 0 and self.lecture_style:
            return None
        pen = self._edge_lines.pen_of((FROZEN, key) if self._frozen[k] else key)
        return QColor(pen.color()), pen.widthF()

    def edge_dashed(self, src: str, dst: str) -> bool:
        """Whether the edge is drawn dashed (its weight is frozen)."""
        k = self._edge_index[(src, dst)]
        return bool(self._frozen[k]) and not self._internal[k]

    def _schedule_raster(self):
        if not self._raster_timer.isActive():
            self._raster_timer.start()

    def _note_move(self, *_):
        self._moved_at = time.monotonic()

    def _note_paint(self):
        # the hold runs from the end of the repaint a step causes, however long the step took
        now = time.monotonic()
        if now - getattr(self, "_moved_at", 0.0) < RASTER_HOLD:
            self._moved_at = now

    def _raster_tick(self):
        item = self._edge_lines
        wait = RASTER_HOLD - (time.monotonic() - getattr(self, "_moved_at", 0.0))
        if wait > 0 and item is not None and item.screen_image()[0] is not None:
            # the user is stepping: the last image (its colours a step old) stays up until a pause
            self._raster_timer.start(max(1, int(wait * 1000)))
            return
        self._raster_timer.setInterval(0)
        if item is not None and item.scene() is self.scene() and item.raster_step(RASTER_BUDGET):
            self._raster_timer.start()

    @property
    def edge_item(self) -> EdgeBinsItem | None:
        """The item that draws every edge line."""
        return self._edge_lines

    @property
    def edges_pending(self) -> bool:
        """Whether the edges on screen are still being drawn (big graphs only)."""
        return self._edge_lines is not None and self._edge_lines.pending

    def finish_edges(self):
        """Draw the on-screen edge image to the end now (tests, screenshots)."""
        self.viewport().repaint()
        item = self._edge_lines
        while item is not None and item.raster_step(3600.0):
            pass
        self._raster_timer.stop()
        self.viewport().repaint()

    # -- edges -------------------------------------------------------------------------------
    def _rebuild_bins(self, params: dict):
        """Recolour every edge: one path per colour bin."""
        kept, bins, scale = self._bins_for(params)
        if scale != getattr(self, "_scale", None):
            self.viewport().update()        # the legend prints the range
        self._scale = scale
        self._edge_bins = bins
        item = self._edge_lines
        if not item.show_kept(bins):
            # new colours (a kept picture is the one before or after the update: Left and Right swap it back)
            item.set_bins(self._bin_paths(bins), signature=bins)
        self._bins_params = kept

    def _bins_for(self, params: dict) -> tuple[dict, np.ndarray, float]:
        """(the weights, each edge's colour bin, the colour scale): the last two made are
        kept, as Left after End and Right onto the update go between the weights before and
        after it (comparing the weights costs less than binning them again)."""
        memo = getattr(self, "_bins_memo", None)
        if memo is None or memo[0] is not self._weight_getter:
            memo = self._bins_memo = (self._weight_getter, [])
        for entry in memo[1]:
            if entry[0] == params:
                return entry
        w = np.zeros(len(self._edges))
        if self._weighted:
            try:
                w[self._weighted] = self._weight_getter(params)
            except KeyError:
                get = params.get
                w[self._weighted] = [get(p, 0.0) for p in self._weight_names]
        scale = robust_scale(w[self._weighted]) if self._weighted else 1.0
        bins = np.clip(np.rint(w / scale * th.WEIGHT_BINS), -th.WEIGHT_BINS, th.WEIGHT_BINS).astype(int)
        bins[(bins == 0) & (w != 0)] = np.sign(w[(bins == 0) & (w != 0)]).astype(int)   # only exact zeros are 0
        entry = (dict(params), bins, scale)
        memo[1][:] = [entry] + memo[1][:1]
        return entry

    def _bin_paths(self, bins: np.ndarray) -> dict:
        """{bin: ([path, ...], pen)}: the visible edges of each colour bin, in slices on a big graph."""
        neutral = self._neutral
        visible = ~self._internal
        keys = set(np.unique(bins[visible & ~neutral]).tolist())
        if (visible & neutral).any():
            keys.add("neutral")
        base = 0.8 if self._layout.compact else 1.3
        out = {}
        for key in keys:
            if key == "neutral":
                mask = visible & neutral
                color = QColor(self.theme.muted if not self.lecture_style else "#5a5a5a")
                width = base
            else:
                if key == 0 and self.lecture_style:
                    continue                        # the lecture leaves missing weights out
                mask = visible & ~neutral & (bins == key)
                color = th.bin_color(key, self.theme, self.lecture_style)
                width = th.bin_width(key, base)
            # a frozen weight ("trainable": false) is drawn dashed in its colour: it does not learn
            for frozen, part in ((False, mask & ~self._frozen), (True, mask & self._frozen)):
                seg = self._seg[part]
                if len(seg):
                    out[(FROZEN, key) if frozen else key] = (self._slices(seg), _pen(color, width, frozen))
        return out

    def _slices(self, seg: np.ndarray) -> list:
        """The lines as paths: slices of a few thousand edges (the progressive image draws one at a time)."""
        step = RASTER_SLICE if self._edge_lines.progressive else len(seg)
        return [segments_path(part[:, [0, 2]].ravel(), part[:, [1, 3]].ravel())
                for part in (seg[i:i + step] for i in range(0, len(seg), step))]

    @property
    def has_frozen_edges(self) -> bool:
        """Whether a drawn edge carries a frozen weight (drawn dashed; the legend says so)."""
        return bool(len(self._edges)) and bool((self._frozen & ~self._internal).any())

    def _edge_segments(self, keys) -> np.ndarray:
        """The drawn lines of these edges (not the inner edges of merged neurons)."""
        idx = [k for k in (self._edge_index.get(key) for key in keys) if k is not None and not self._internal[k]]
        return self._seg[idx]

    def _old_edges(self):
        """The edges in their colours before the update, to fade out over the new ones."""
        old = self._edge_lines
        if old is None or old.progressive or not self.motion.enabled:
            return None
        item = EdgeBinsItem()
        item.antialias = old.antialias
        item.set_bins(old.bins)
        item.setZValue(Z_EDGE + 0.5)
        self.scene().addItem(item)
        return item

    def _move(self, s, fading):
        """The step's motion: values along their edges, gradients back along them."""
        t = self.style_theme
        keys = [k for k in self._step_edges if k in self._edge_index and not self._internal[self._edge_index[k]]]
        seg = [tuple(self._seg[self._edge_index[k]]) for k in keys[:MOTION_EDGES]]
        if s.phase == "backward":
            seg = [(x2, y2, x1, y1) for x1, y1, x2, y2 in seg]
        color = QColor(t.value if s.phase in ("forward", "loss") else t.gradient)
        self.motion.start(seg, color, fading)


def _pen(color: QColor, width: float, dashed: bool) -> QPen:
    pen = QPen(color, width)
    pen.setCapStyle(Qt.FlatCap)
    if dashed:
        pen.setStyle(Qt.DashLine)
    return pen


def robust_scale(w: np.ndarray) -> float:
    """The colour scale's half-range: the largest weight, or with many weights
    the 98th percentile of their sizes (one runaway weight does not wash the rest out)."""
    a = np.abs(np.asarray(w, dtype=float))
    a = a[np.isfinite(a)]
    if not len(a):
        return 1.0
    top = float(np.percentile(a, 98)) if len(a) > 50 else float(a.max())
    return top or 1.0
