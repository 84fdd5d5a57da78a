"""What a plot panel reads from and writes back to.

Panels take the stepper window's ``Session`` (signals ``sigDocumentChanged``,
``sigStateChanged(state)``, ``sigSelectionChanged``, ``sigParamsChanged``,
``sigShownParamsChanged(params)``).  Work that depends on the weights only
(surfaces, curves, decision maps) listens to ``sigShownParamsChanged``: it
fires when the weights in effect change, not on every step.
For tests and stand-alone use a plain engine ``Model`` is wrapped in a
``ModelSource`` with the same signals.  The few accessors below are the only
place that knows how a session spells its fields.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ...engine import Model


class ModelSource(QObject):
    """A plain Model dressed as a session: no stepper, selection set by hand."""
    sigDocumentChanged = Signal()
    sigStateChanged = Signal(object)
    sigSelectionChanged = Signal()
    sigParamsChanged = Signal()
    sigShownParamsChanged = Signal(object)

    def __init__(self, model: Model, parent=None):
        super().__init__(parent)
        self.model = model
        self.state = None
        self.selection: list = []
        self._shown: dict | None = None

    def set_model(self, model: Model):
        self.model = model
        self.state = None
        self.selection = []
        self.sigDocumentChanged.emit()

    def set_state(self, state):
        self.state = state
        self.sigStateChanged.emit(state)
        self._announce()

    def _announce(self):
        params = current_params(self)
        if params != self._shown:
            self._shown = params
            self.sigShownParamsChanged.emit(params)

    def select(self, items):
        self.selection = list(items)
        self.sigSelectionChanged.emit()

    def set_params(self, params: dict):
        self.model.params.update({k: float(v) for k, v in params.items()})
        self.sigParamsChanged.emit()
        self._announce()


def as_source(obj):
    """A session as it is, or a plain Model wrapped in a ModelSource."""
    if isinstance(obj, Model):
        return ModelSource(obj)
    return obj


def model_of(source) -> Model | None:
    return getattr(source, "model", None)


def state_of(source):
    """The stepper's current State, or None."""
    st = getattr(source, "state", None)
    if callable(st):
        st = st()
    return st


def current_params(source) -> dict[str, float]:
    """The parameter values in effect now: the stepper's (they change on an
    update step), else the model's."""
    model = model_of(source)
    params = dict(model.params) if model is not None else {}
    st = state_of(source)
    if st is not None and getattr(st, "params", None):
        params.update(st.params)
    return params


def selection_of(source) -> list:
    """Selected things in click order: node names (str) and edges
    ((src, dst) or (src, dst, param) tuples)."""
    sel = getattr(source, "selection", None)
    if callable(sel):
        sel = sel()
    if sel is None:
        return []
    if isinstance(sel, (str, tuple)):
        return [sel]
    return list(sel)


def graph_of(source):
    """The graph the stepper walks (a session may show the gate view)."""
    g = getattr(source, "graph", None)
    if g is not None and hasattr(g, "nodes"):
        return g
    model = model_of(source)
    return model.graph if model is not None else None


def selected_params(source) -> list[str]:
    """The parameters named by the selection (weight edges, parameter leaves), in order."""
    fn = getattr(source, "selected_params", None)
    if callable(fn):
        return list(fn())
    model = model_of(source)
    if model is None:
        return []
    graph = model.graph
    names = set(graph.param_names)
    out: list[str] = []
    weights = {(a, b): w for a, b, w in graph.edges() if w is not None}
    for item in selection_of(source):
        p = None
        if isinstance(item, str) and item in names:
            p = item
        elif isinstance(item, tuple) and len(item) >= 2:
            if len(item) >= 3 and item[2] in names:
                p = item[2]
            elif tuple(item[:2]) in weights:
                p = weights[tuple(item[:2])]
            elif item[0] in names:               # an edge out of a parameter leaf
                p = item[0]
        if p is not None and p not in out:
            out.append(p)
    return out


def selected_nodes(source) -> list[str]:
    graph = graph_of(source)
    if graph is None:
        return []
    return [s for s in selection_of(source) if isinstance(s, str) and s in graph.nodes]


def push_params(source, params: dict, text: str | None = None, merge=None):
    """Hand new parameter values back to the session (the graph recolours).
    A session makes them one undoable edit named ``text``; pushes with the
    same ``merge`` key (one training run) join into one undo step."""
    fn = getattr(source, "set_params", None)
    if callable(fn):
        if isinstance(source, ModelSource):
            fn(dict(params))
        else:
            kw = {} if text is None else {"text": text}
            if merge is not None:
                kw["merge"] = merge
            fn(dict(params), **kw)
        return
    fn = getattr(source, "update_params", None)
    if callable(fn):
        fn(dict(params))
        return
    model = model_of(source)
    if model is not None:
        model.params.update(params)
