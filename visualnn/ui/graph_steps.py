"""Showing a state on the graph: the nodes' values and gradients, the edge
labels (their text from the engine's ``edge_lines``), the current step's
marks, and on a big graph only the labels in sight (a mixin of ``GraphView``)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPen

from ..engine.labels import edge_lines, node_lines
from ..engine.trace import State
from . import legend
from . import theme as th
from .edge_items import clip_range
from .graph_labels import PlacedText

LABEL_CULL_EDGES = 2000         # more edges than this: step labels only for edges in sight
STEP_LABELS_IN_SIGHT = 60       # at most this many step labels at once on a big graph


class StepsMixin:
    """From a ``State`` to the items: incremental after one step, whole otherwise."""

    def show_state(self, state: State | None, full: bool = False):
        if state is None or not self._nodes:
            return
        nxt = (self._shown is not None and not self._stale and not full and state.step is not None
               and state.position == self._shown[0] + 1 and state.cycle == self._shown[1])
        stepped = (self._shown is not None and state.step is not None and state.position == self._shown[0] + 1)
        self._fading = None
        if nxt:
            self._incremental(state)
        elif not full and self._shown == (state.position, state.cycle):
            self._same_step(state)
        else:
            self._full(state)
        if stepped:
            self._move(state.step, self._fading)
        self._shown = (state.position, state.cycle)
        self._stale = False
        rows = legend.lines(self)
        if rows != getattr(self, "_legend_rows", None):
            self._legend_rows = rows
            self.viewport().update()            # the legend says what grey values are on the update step

    def _node_fill(self, v):
        return th.value_fill(v, self.theme, self.lecture_style)

    def _set_node(self, name: str, state: State):
        item = self._nodes.get(name)
        if item is None:
            return
        v = state.values.get(name)
        # what the node shows depends on these only: a node that shows them already is left alone
        key = (v, state.gradients.get(name), state.step is not None and state.step.phase == "update",
               self.session.digits)
        shown = self._node_shown.get(name)
        if shown is not None and shown[0] == key and item.lines["value"] is shown[1] and item.lines["grad"] is shown[2]:
            return
        before = self._node_before.get(name)      # the update step and Left from it go back and forth
        if before is not None and before[0] == key:
            _, value, grad, fill = before
        elif shown is not None and shown[0][:2] == key[:2] and shown[0][3] == key[3]:
            # only the update step's grey came or went (End, Left from it): the same texts, restained
            _, value, grad, fill = shown
            if value is not None and value.role in ("value", "muted"):
                value = replace(value, role="muted" if key[2] else "value")
        else:
            value, grad = node_lines(state, self._graph, name, self.session.digits)
            fill = self._node_fill(v)
        item.set_value("" if value is None else value.text, fill, value)
        item.set_gradient("" if grad is None else grad.text, grad)
        if shown is not None:
            self._node_before[name] = shown
        self._node_shown[name] = (key, item.lines["value"], item.lines["grad"], fill)

    def _full(self, state: State):
        for name in self._nodes:
            self._set_node(name, state)
        if self._bins_params != state.params:
            self._rebuild_bins(state.params)
        self._clear_step()
        for key in list(self._labels):
            self._refresh_label(key, state)
        self._refresh_weight_labels(state)
        self._mark_step(state)
        self._place_labels()

    def _same_step(self, state: State):
        """The step shown again with other numbers (a weight push while training, an edit):
        new values, colours and labels; the step's marks stay, and the labels keep
        their places unless one of them needs more room."""
        for name in self._nodes:
            self._set_node(name, state)
        if self._bins_params != state.params:
            self._rebuild_bins(state.params)
        for key in list(self._labels):
            self._refresh_label(key, state)
        self._place_labels()

    def _refresh_weight_labels(self, state: State):
        """Every weight's label, when the graph has few enough weights to label them all."""
        if self._weight_labels:
            for k in self._weighted:
                a, b, _ = self._edges[k]
                self._refresh_label((a, b), state)

    def _incremental(self, state: State):
        s = state.step
        self._clear_step()
        if s.phase in ("forward", "loss"):
            self._set_node(s.node, state)
        elif s.phase == "backward":
            self._set_node(s.node, state)
            for e in s.edges:
                self._set_node(e.src, state)
                if e.param is not None and self._weight_labels and e.param != e.src:
                    self._refresh_label((e.src, e.dst), state)
        fading = None
        if s.phase == "update":
            for p in self._nodes:       # new parameters; every forward value now from before the update
                self._set_node(p, state)
            fading = self._old_edges()
            self._rebuild_bins(state.params)
            self._refresh_weight_labels(state)
        self._mark_step(state)
        self._place_labels()
        self._fading = fading

    def _clear_step(self):
        if self._current_node and self._current_node in self._nodes:
            self._nodes[self._current_node].set_current(None)
        self._current_node = None
        keys = self._step_label_keys
        self._step_label_keys = set()
        self._step_edges = []
        st = self.session.state
        for key in keys:
            self._refresh_label(key, st, step=False)
        self._overlay.set_segments(np.zeros((0, 4)))

    def _mark_step(self, state: State):
        s = state.step
        if s is None:
            return
        t = self.style_theme
        if s.node is not None and s.node in self._nodes:
            self._nodes[s.node].set_current(s.phase)
            self._current_node = s.node
        if s.phase in ("forward", "loss"):
            self._step_edges = [(i, s.node) for i in s.inputs]
            color = QColor(t.value)
        elif s.phase == "backward":
            self._step_edges = [(e.src, e.dst) for e in s.edges
                                if self._graph.nodes[e.src].op not in ("target", "const")]
            color = QColor(t.gradient)
        else:
            self._step_edges = []
            color = QColor(t.current)
        if self._step_edges:
            color.setAlphaF(0.35)
            pen = QPen(color, 9.0 if not self._layout.compact else 4.0)
            pen.setCapStyle(Qt.FlatCap)
            self._overlay.setPen(pen)
            self._overlay.set_segments(self._edge_segments(self._step_edges))
        if self._texts_visible:
            self._step_label_keys = self._in_sight(self._step_edges)
            if s.phase == "update" and self._weight_labels:
                self._step_label_keys = {(self._edges[k][0], self._edges[k][1]) for k in self._weighted}
            for key in self._step_label_keys:
                self._refresh_label(key, state, step=True)

    # -- labels in sight (big graphs) -------------------------------------------------------------
    @property
    def _culling(self) -> bool:
        return len(self._edges) > LABEL_CULL_EDGES

    def _in_sight(self, keys) -> set:
        """The step edges that get labels: all of them on a small graph; on a big
        one only those with a label spot in the window, at most
        ``STEP_LABELS_IN_SIGHT``, nearest the middle first (a node with 784
        inputs would otherwise make 784 labels, nearly all out of sight)."""
        if not self._culling or not keys:
            return set(keys)
        idx = [self._edge_index[k] for k in keys if k in self._edge_index]
        if not idx:
            return set()
        rect = self.mapToScene(self.viewport().rect()).boundingRect()
        seg = self._seg[idx]
        s = seg[:, 2:] - seg[:, :2]
        # the part of each edge in the window, and its distance from the middle
        lo, hi, keep = clip_range(seg, rect.left(), rect.top(), rect.right(), rect.bottom())
        cx, cy = rect.center().x(), rect.center().y()
        L2 = np.maximum((s ** 2).sum(axis=1), 1e-12)
        t = np.clip(((cx - seg[:, 0]) * s[:, 0] + (cy - seg[:, 1]) * s[:, 1]) / L2, lo, hi)
        dist = np.where(keep, np.hypot(seg[:, 0] + t * s[:, 0] - cx, seg[:, 1] + t * s[:, 1] - cy), np.inf)
        order = np.argsort(dist, kind="stable")[:STEP_LABELS_IN_SIGHT]
        return {(self._edges[idx[i]][0], self._edges[idx[i]][1]) for i in order if np.isfinite(dist[i])}

    def _view_moved(self):
        """After a scroll or zoom: label the step's edges now in sight, place the labels again."""
        self._sight_timer.start()

    def _relabel_in_sight(self):
        state = self.session.state
        if not self._texts_visible or state is None or self._stale:
            return
        keys = self._in_sight(self._step_edges) if self._culling and self._step_edges else self._step_label_keys
        if keys == self._step_label_keys:
            self._place_labels()
            return
        gone = self._step_label_keys - keys
        self._step_label_keys = keys
        for key in gone:
            self._refresh_label(key, state, step=False)
        for key in keys:
            self._refresh_label(key, state, step=True)
        self._place_labels()

    def _refresh_label(self, key: tuple[str, str], state: State, step: bool | None = None):
        """Set the lines of the label on edge ``key`` from ``state``."""
        if step is None:
            step = key in self._step_label_keys
        k = self._edge_index.get(key)
        if k is None or (self._internal[k] and self._layout.compact):
            return          # a packed neuron has no room under it for its inner edge
        w = self._edges[k][2]
        above, below = edge_lines(state, key, w, self.session.digits, step=step,
                                  show_weight=self._weight_labels or self._is_selected_edge(key),
                                  objective=self._objective)
        if self._internal[k] and state.step is not None and state.step.phase == "forward":
            above = []      # the value into the σ half is the Σ half's own value, shown under it
        item = self._labels.get(key)
        if not above and not below:
            if item is not None:
                # dropped: or every node ever stepped would keep its label items
                self.scene().removeItem(item)
                del self._labels[key]
            return
        if item is None:
            item = PlacedText(key, self.style_theme)
            item.setVisible(False)
            self.scene().addItem(item)
            self._labels[key] = item
        item.full_lines = above + below
        item.split = len(above)

    def _place_labels(self, *_):
        """Every text on the graph to a place of its own (``LabelPlacer``)."""
        if self._nodes and self.session.state is not None:
            self._placer.place()
