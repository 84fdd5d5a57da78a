"""What a plot panel reads from and writes back to: a ``PlotSource``.

Panels take the stepper window's ``Session`` or, for tests and stand-alone
use, a plain engine ``Model`` wrapped in a ``ModelSource``; both implement
the ``PlotSource`` protocol below, so a panel reads fields and calls methods
without asking what it was given.  Work that depends on the weights only
(surfaces, curves, decision maps) listens to ``sigShownParamsChanged``: it
fires when the weights in effect change (an update step, another pass) and
after every edit of values, data, learning rate or sample; it does not fire
on every step.
"""
from __future__ import annotations

from collections.abc import Hashable
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDoubleSpinBox
from shiboken6 import isValid

from ...engine import Model
from ...engine.graph import Graph
from ...engine.trace import State
from ...io import Document


class PlotSource(Protocol):
    """The fields, methods and signals a plot panel uses."""
    sigDocumentChanged: Any         # ()
    sigStateChanged: Any            # (state)
    sigSelectionChanged: Any        # ()
    sigParamsChanged: Any           # ()
    sigShownParamsChanged: Any      # (params)

    @property
    def model(self) -> Model | None: ...

    @property
    def document(self) -> Document | None: ...

    @property
    def sample_index(self) -> int: ...

    @property
    def state(self) -> State | None: ...

    @property
    def graph(self) -> Graph | None: ...

    @property
    def selection(self) -> list: ...

    @property
    def learning_rate(self) -> float: ...

    def selected_params(self) -> list[str]: ...

    def set_params(self, values: dict, text: str | None = None, merge: Hashable = False) -> None: ...

    def set_learning_rate(self, lr: float) -> None: ...


class ModelSource(QObject):
    """A plain Model as a ``PlotSource``: no stepper, no undo, selection set by hand."""
    sigDocumentChanged = Signal()
    sigStateChanged = Signal(object)
    sigSelectionChanged = Signal()
    sigParamsChanged = Signal()
    sigShownParamsChanged = Signal(object)

    def __init__(self, model: Model, parent=None):
        super().__init__(parent)
        self.model: Model | None = model
        self.document: Document | None = None          # no file behind it
        self.sample_index = 0
        self.state: State | None = None
        self.selection: list = []
        self._shown: dict | None = None

    @property
    def graph(self) -> Graph | None:
        return self.model.graph if self.model is not None else None

    @property
    def learning_rate(self) -> float:
        return self.model.training.learning_rate if self.model is not None else 0.0

    def set_model(self, model: Model):
        self.model = model
        self.state = None
        self.selection = []
        self.sigDocumentChanged.emit()

    def set_state(self, state):
        self.state = state
        self.sigStateChanged.emit(state)
        self._announce()

    def _announce(self, always: bool = False):
        params = current_params(self)
        if always or params != self._shown:
            self._shown = params
            self.sigShownParamsChanged.emit(params)

    def select(self, items):
        self.selection = list(items)
        self.sigSelectionChanged.emit()

    def selected_params(self) -> list[str]:
        """The parameters named by the selection (weight edges, parameter leaves), in order."""
        if self.model is None:
            return []
        graph = self.model.graph
        names = set(graph.param_names)
        weights = {(a, b): w for a, b, w in graph.edges() if w is not None}
        out: list[str] = []
        for item in self.selection:
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

    def set_params(self, values: dict, text: str | None = None, merge: Hashable = False) -> None:
        """Take new parameter values (nothing to undo: ``text`` and ``merge`` name undo steps)."""
        self.model.params.update({k: float(v) for k, v in values.items()})
        self.sigParamsChanged.emit()
        self._announce(always=True)

    def set_learning_rate(self, lr: float) -> None:
        self.model.training.learning_rate = float(lr)
        self.sigParamsChanged.emit()
        self._announce(always=True)


def as_source(obj) -> PlotSource:
    """A session as it is, or a plain Model wrapped in a ModelSource."""
    if isinstance(obj, Model):
        return ModelSource(obj)
    return obj


def current_params(source: PlotSource) -> dict[str, float]:
    """The parameter values in effect now: the stepper's (they change on an
    update step), else the model's."""
    params = dict(source.model.params) if source.model is not None else {}
    st = source.state
    if st is not None and st.params:
        params.update(st.params)
    return params


def selected_nodes(source: PlotSource) -> list[str]:
    graph = source.graph
    if graph is None:
        return []
    return [s for s in source.selection if isinstance(s, str) and s in graph.nodes]


def follow_learning_rate(box: QDoubleSpinBox, source: PlotSource) -> None:
    """Make ``box`` show the source's one learning rate and edit it (an undoable
    edit in a session).  The box's other listeners hear every change, wherever
    it was made; a rate beyond the box's range is shown clamped, not written back."""
    def clamped(lr: float) -> float:
        return min(max(lr, box.minimum()), box.maximum())

    def show():
        if source.model is not None and isValid(box):       # a panel closed with its window: gone
            box.setValue(source.learning_rate)

    def commit(value: float):
        # the box rounds to its decimals: showing 0.123456789 as 0.1235 is no edit
        shown = round(clamped(source.learning_rate), box.decimals()) if source.model is not None else value
        if source.model is not None and abs(value - shown) > 1e-12:
            source.set_learning_rate(value)
    box.setKeyboardTracking(False)
    box.valueChanged.connect(commit)
    source.sigDocumentChanged.connect(show)
    source.sigParamsChanged.connect(show)
    show()
