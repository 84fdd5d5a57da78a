"""What is selected in the graph: node names and edges, in click order."""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable

from ..engine.graph import Graph
from ..engine.model import Model
from .events import Event


class SelectionMixin(ABC):
    """The selection half of the session model.  ``selection`` is a list in
    click order of node names (str) and edges ``(src, dst, param)`` (param:
    the weight's parameter name, or None).  The host has ``selection``,
    ``model``, the ``selection_changed`` event and ``graph``."""

    selection: list
    model: Model | None
    selection_changed: Event

    @property
    @abstractmethod
    def graph(self) -> Graph:
        """The graph drawn now (selections name its nodes and edges)."""

    def select(self, items: Iterable, add: bool = False) -> None:
        """Select nodes (names) and edges ((src, dst) or (src, dst, param)).
        With ``add`` the items toggle in and out of the current selection."""
        norm: list = []
        for it in items:
            if isinstance(it, str):
                norm.append(it)
            else:
                src, dst = it[0], it[1]
                param = it[2] if len(it) > 2 else self.edge_param(src, dst)
                norm.append((src, dst, param))
        if add:
            sel = list(self.selection)
            for it in norm:
                if it in sel:
                    sel.remove(it)
                else:
                    sel.append(it)
        else:
            sel = norm
        if sel != self.selection:
            self.selection = sel
            self.selection_changed.emit()

    def clear_selection(self) -> None:
        self.select([])

    def edge_param(self, src: str, dst: str) -> str | None:
        """The weight the edge ``src -> dst`` carries in the graph drawn now, or None."""
        n = self.graph.nodes.get(dst)
        if n is None or not n.weights:
            return None
        for i, w in zip(n.inputs, n.weights):
            if i == src:
                return w
        return None

    def _selectable(self, item) -> bool:
        g = self.graph
        if isinstance(item, str):
            return item in g.nodes
        return item[0] in g.nodes and item[1] in g.nodes

    def selected_nodes(self) -> list[str]:
        return [s for s in self.selection if isinstance(s, str)]

    def selected_edges(self) -> list[tuple]:
        return [s for s in self.selection if isinstance(s, tuple)]

    def selected_params(self) -> list[str]:
        """Parameters picked in the graph, in click order: weight edges and parameter leaves."""
        names = set(self.model.graph.param_names) if self.model else set()
        out: list[str] = []
        for s in self.selection:
            p = s if isinstance(s, str) else (s[2] if s[2] is not None else (s[0] if s[0] in names else None))
            if p in names and p not in out:
                out.append(p)
        return out
