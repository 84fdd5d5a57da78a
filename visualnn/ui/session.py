"""The session: one open network, its stepper, selection, view mode and undo stack.

Every panel (the graph, the equation panel, the inspector, plots, the
presentation mode) reads from one ``Session`` and listens to its signals; the
session holds and forwards, all maths comes from the engine.

Signals
-------
``sigDocumentChanged()``
    A new network was opened, or the view mode changed the drawn graph:
    rebuild everything (``session.graph``, ``session.model``).
``sigStateChanged(state)``
    The ``engine.trace.State`` now shown changed (every step, back, seek,
    and after every edit).  On a plain ``step()`` the session advances the
    same State object in place with ``engine.trace.apply_step``; treat it as
    read-only.
``sigParamsChanged()``
    Parameter or input values, the learning rate or the sample changed: the
    trace was recomputed (the new State follows with ``sigStateChanged``).
``sigSelectionChanged()``
    ``session.selection`` changed.
``sigShownParamsChanged(params)``
    The parameter values in effect changed: an update step, a move into
    another pass, an edit, a new network.  Panels that depend on the weights
    only (loss surfaces, decision maps) should listen to this rather than to
    every step.
``sigViewModeChanged(mode)``, ``sigFormatChanged()``, ``sigDirtyChanged(dirty)``
    Neuron/gate view; number of digits; unsaved edits.

Selection
---------
``session.selection`` is a list in click order of node names (str) and edges
``(src, dst, param)`` (param: the weight's parameter name, or None).
``selected_params()`` names the parameters picked (weight edges and parameter
leaves), ``selected_nodes()`` the nodes.
"""
from __future__ import annotations

import math
from typing import Iterable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ..engine.graph import Graph
from ..engine.model import Model
from ..engine.trace import State, Step, Stepper, apply_step

VIEW_MODES = ("neuron", "gate")
GATE_LIMIT = 3000        # more gates than this are too many to draw one by one
DEFAULT_DIGITS = 4


class _EditValues(QUndoCommand):
    """Set inputs/parameters; undo puts the old values back (same cycle).
    With ``merge`` (True, or a key such as one training run's), a following
    edit of the same names with the same ``merge`` joins this one: a drag, a
    training run.  The joined step takes the latest edit's text."""

    MERGE_ID = 7301

    def __init__(self, session: "Session", new: dict, old: dict, cycle: int, text: str, merge=False):
        super().__init__(text)
        self.session, self.new, self.old, self.cycle, self.merge = session, new, old, cycle, merge

    def id(self) -> int:
        return self.MERGE_ID if self.merge is not False and self.merge is not None else -1

    def mergeWith(self, other) -> bool:
        if not (isinstance(other, _EditValues) and other.merge == self.merge and other.cycle == self.cycle
                and set(other.new) == set(self.new)):
            return False
        self.new = dict(other.new)
        self.setText(other.text())
        return True

    def redo(self):
        self.session._apply_values(self.new, self.cycle)

    def undo(self):
        self.session._apply_values(self.old, self.cycle)


class _SetLearningRate(QUndoCommand):
    def __init__(self, session: "Session", new: float, old: float):
        super().__init__(f"learning rate {new:g}")
        self.session, self.new, self.old = session, new, old

    def redo(self):
        self.session._apply_learning_rate(self.new)

    def undo(self):
        self.session._apply_learning_rate(self.old)


class Session(QObject):
    sigDocumentChanged = Signal()
    sigStateChanged = Signal(object)
    sigParamsChanged = Signal()
    sigSelectionChanged = Signal()
    sigViewModeChanged = Signal(str)
    sigFormatChanged = Signal()
    sigDirtyChanged = Signal(bool)
    sigShownParamsChanged = Signal(object)

    def __init__(self, model: Model | None = None, document=None, parent=None):
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self.document = None
        self.model: Model | None = None
        self.view_mode = "neuron"
        self.digits = DEFAULT_DIGITS
        self.selection: list = []
        self._steppers: dict[str, Stepper] = {}
        self._log: list[tuple] = []          # every stepper change, replayed into a new stepper
        self._steps: dict[tuple[str, int], list[Step]] = {}
        self._state: State | None = None
        self._gate_graph: Graph | None = None
        self._shapes: dict[str, tuple[bool, int]] = {}
        self._revision = 0                   # bumped whenever the trace is recomputed
        self._params_key = None
        if document is not None:
            self.set_document(document)
        elif model is not None:
            self.set_model(model)

    # -- the document -----------------------------------------------------------------
    def set_document(self, document):
        """Show an io ``Document`` (anything with ``.model`` and ``.path``)."""
        self._open(document.model, document)

    def set_model(self, model: Model):
        """Show a bare engine Model (no file behind it)."""
        self._open(model, None)

    def _open(self, model: Model, document):
        self.document, self.model = document, model
        self._steppers.clear()
        self._log.clear()
        self._steps.clear()
        self._shapes.clear()
        self._revision += 1
        self._gate_graph = None
        self.selection = []
        self.undo_stack.clear()
        self.undo_stack.setClean()
        if self.view_mode == "gate" and not self.gate_available():
            self.view_mode = "neuron"
        self._state = self.stepper.state()
        self.sigDocumentChanged.emit()
        self.sigSelectionChanged.emit()
        self._emit_state()
        self.sigDirtyChanged.emit(False)

    def _emit_state(self):
        st = self._state
        self.sigStateChanged.emit(st)
        key = (self._revision, st.cycle + (1 if st.updated else 0))
        if key != self._params_key:
            self._params_key = key
            self.sigShownParamsChanged.emit(st.params)

    def _on_clean_changed(self, clean: bool):
        self.sigDirtyChanged.emit(not clean)

    @property
    def path(self):
        return getattr(self.document, "path", None)

    @property
    def dirty(self) -> bool:
        """Edits not saved yet."""
        return not self.undo_stack.isClean()

    def mark_saved(self):
        self.undo_stack.setClean()

    @property
    def title(self) -> str:
        return (self.model.title if self.model is not None else "") or ""

    # -- graphs and steppers ----------------------------------------------------------
    def graph_for(self, mode: str) -> Graph:
        if mode == "gate":
            if self._gate_graph is None:
                self._gate_graph = self.model.gate_graph()
            return self._gate_graph
        return self.model.graph

    @property
    def graph(self) -> Graph:
        """The graph drawn now: the neuron graph or the gate graph."""
        return self.graph_for(self.view_mode)

    def gate_available(self) -> bool:
        """Whether the gate view differs from the neuron view and is small enough to draw."""
        if self.model is None or self.model.spec is None:
            return False
        spec = self.model.spec
        gates = 0
        for layer in spec.layers:
            for row, b in zip(layer.weights, layer.biases):
                k = sum(w is not None for w in row)
                gates += 2 * k + k + (b is not None) * 2 + 2
        return gates <= GATE_LIMIT

    def _stepper_for(self, mode: str) -> Stepper:
        st = self._steppers.get(mode)
        if st is None:
            m = self.model
            t = m.training
            st = Stepper(self.graph_for(mode), m.params, m.samples(), optimizer=t.optimizer,
                         lr=t.learning_rate, **dict(t.hyper))
            for entry in self._log:
                self._replay(st, entry)
            self._steppers[mode] = st
        return st

    @property
    def stepper(self) -> Stepper:
        return self._stepper_for(self.view_mode)

    @property
    def state(self) -> State:
        """The State now shown (read-only)."""
        return self._state

    @property
    def position(self) -> int:
        return self.stepper.position

    @property
    def cycle_length(self) -> int:
        """Steps in one pass: the trace, plus the update when there is one."""
        return self._shape()[1]

    @property
    def has_update(self) -> bool:
        """Whether a pass ends with an optimizer update (a loss and parameters)."""
        return self._shape()[0]

    def _shape(self) -> tuple[bool, int]:
        # depends on the graph only; the stepper recomputes it on every call
        key = self.view_mode
        if key not in self._shapes:
            st = self.stepper
            self._shapes[key] = (st.has_update, st.cycle_length)
        return self._shapes[key]

    def _cycle_of(self, position: int) -> int:
        has_update, L = self._shape()
        if not has_update or not position:
            return 0
        return (position - 1) // L

    def steps_of_cycle(self, cycle: int) -> list[Step]:
        key = (self.view_mode, cycle)
        if key not in self._steps:
            self._steps[key] = self.stepper.steps_of_cycle(cycle)
        return self._steps[key]

    # -- moving -----------------------------------------------------------------------
    def step(self) -> State:
        """One operation forward (incremental: the shown State advances in place)."""
        st, state = self.stepper, self._state
        has_update, L = self._shape()
        if not has_update and st.position >= L:
            return state
        nxt = st.position + 1
        if (state is not None and state.position == st.position
                and self._cycle_of(nxt) == state.cycle and state.index < L):
            s = self.steps_of_cycle(state.cycle)[state.index]
            apply_step(state, s)
            state.position = nxt
            st.position = nxt
        else:
            self._state = st.seek(nxt)
        self._emit_state()
        return self._state

    def _show(self, state: State) -> State:
        self._state = state
        self._emit_state()
        return state

    def back(self) -> State:
        """The exact state after one step fewer."""
        return self._show(self.stepper.back())

    def seek(self, position: int) -> State:
        return self._show(self.stepper.seek(position))

    def reset(self) -> State:
        return self._show(self.stepper.reset())

    def end(self) -> State:
        """Run to the end of the current pass (after the update, if any)."""
        return self._show(self.stepper.end())

    def cycle_start(self, cycle: int | None = None) -> int:
        """The position where pass ``cycle`` (default: the current one) begins."""
        c = self._state.cycle if cycle is None else cycle
        return c * self.cycle_length

    # -- view mode --------------------------------------------------------------------------
    def set_view_mode(self, mode: str) -> bool:
        """Switch between the neuron view and the gate view, keeping the step
        (the same node's same phase).  False when the gate view is not available."""
        if mode not in VIEW_MODES:
            raise ValueError(f"view mode must be one of {VIEW_MODES}, not {mode!r}")
        if mode == self.view_mode:
            return True
        if mode == "gate" and not self.gate_available():
            return False
        old_st, old_state = self.stepper, self._state
        self.view_mode = mode
        new_st = self.stepper
        pos = self._map_position(old_st, old_state, new_st)
        self._state = new_st.seek(pos)
        self.selection = [s for s in self.selection if self._selectable(s)]
        self.sigViewModeChanged.emit(mode)
        self.sigDocumentChanged.emit()
        self.sigSelectionChanged.emit()
        self._emit_state()
        return True

    def _map_position(self, old: Stepper, state: State, new: Stepper) -> int:
        if state is None or state.position == 0:
            return 0
        done = {(s.phase, s.node) for s in old.steps_of_cycle(state.cycle)[:state.index]}
        steps = new.steps_of_cycle(state.cycle)
        k = 0
        for i, s in enumerate(steps):
            if (s.phase, s.node) in done:
                k = i + 1
        return state.cycle * new.cycle_length + k

    def _selectable(self, item) -> bool:
        g = self.graph
        if isinstance(item, str):
            return item in g.nodes
        src, dst = item[0], item[1]
        return src in g.nodes and dst in g.nodes

    # -- values -------------------------------------------------------------------------------
    def value_of(self, name: str) -> float:
        """The current value of an input, target or parameter (as shown now)."""
        if name in self._state.params:
            return float(self._state.params[name])
        return float(self.stepper.samples[self.stepper.sample_index][name])

    def editable(self, name: str) -> bool:
        """Inputs, targets and parameters can be edited."""
        if self.model is None:
            return False
        if name in self.model.graph.param_names:
            return True
        node = self.graph.nodes.get(name)
        return node is not None and node.op in ("input", "target") and \
            name in self.stepper.samples[self.stepper.sample_index]

    def _edit_cycle(self) -> int:
        """Edits change the parameters shown now: after an update, the new ones."""
        s = self._state
        return s.cycle + (1 if s.updated else 0)

    def edit_value(self, name: str, value: float) -> None:
        """Set an input, target or parameter (undoable); the trace recomputes, the step stays."""
        self.set_params({name: value}, text=f"set {name} = {value:g}")

    def set_params(self, values: dict, text: str | None = None, merge=False) -> None:
        """Set several values in one undoable edit (plots push parameters here).
        ``merge``: True, or any key: consecutive calls on the same names with
        the same ``merge`` become one undo step, as when dragging a point across
        a loss surface (True) or pushing the weights of one training run (a key
        for that run, so the next run is a step of its own)."""
        values = {k: float(v) for k, v in values.items()}
        for k, v in values.items():
            if not self.editable(k):
                raise KeyError(f"{k!r} is not an input, target or parameter of this network")
            if not math.isfinite(v):
                raise ValueError(f"{k}: {v} is not a finite number")
        old = {k: self.value_of(k) for k in values}
        if old == values:
            return
        self.undo_stack.push(_EditValues(self, values, old, self._edit_cycle(),
                                         text or "set " + ", ".join(values), merge))

    def _apply_values(self, values: dict, cycle: int):
        params = set(self.model.graph.param_names)
        entry = ("values", dict(values), cycle)
        self._log.append(entry)
        for st in self._steppers.values():
            self._replay(st, entry)
        if cycle == 0:
            for k, v in values.items():
                if k in params:
                    self.model.params[k] = v
        i = self.stepper.sample_index
        for k, v in values.items():
            if k not in params and k in self.model.data.columns:
                col = self.model.data.columns[k].astype(float, copy=True)
                col[i] = v
                self.model.data.columns[k] = col
        self._recomputed()

    def _replay(self, st: Stepper, entry: tuple):
        kind = entry[0]
        if kind == "values":
            _, values, cycle = entry
            params = set(st.graph.param_names)
            pos = st.position
            for k, v in values.items():
                if k in params:
                    st.position = cycle * st.cycle_length + 1 if cycle else 0
                    st.set_param(k, v)
                    st.position = pos
                else:
                    st.set_input(k, v)
        elif kind == "lr":
            st.set_learning_rate(entry[1])
        elif kind == "sample":
            st.set_sample(entry[1])

    def _recomputed(self):
        self._revision += 1
        self._steps.clear()
        self._state = self.stepper.state()
        self.sigParamsChanged.emit()
        self._emit_state()

    # -- learning rate and sample ----------------------------------------------------------
    @property
    def learning_rate(self) -> float:
        return self.stepper.lr

    def set_learning_rate(self, lr: float) -> None:
        """Change the update step's learning rate (undoable; saved with the file)."""
        lr = float(lr)
        if not math.isfinite(lr) or lr <= 0:
            raise ValueError(f"the learning rate must be a positive number, not {lr}")
        if lr != self.learning_rate:
            self.undo_stack.push(_SetLearningRate(self, lr, self.learning_rate))

    def _apply_learning_rate(self, lr: float):
        self.model.training.learning_rate = lr
        entry = ("lr", lr)
        self._log.append(entry)
        for st in self._steppers.values():
            self._replay(st, entry)
        self._recomputed()

    @property
    def sample_index(self) -> int:
        return self.stepper.sample_index

    @property
    def sample_count(self) -> int:
        return len(self.stepper.samples)

    def set_sample(self, index: int) -> None:
        """Step through another training sample (keeps the position)."""
        if index == self.sample_index:
            return
        entry = ("sample", int(index))
        self.stepper.set_sample(int(index))     # raises IndexError before anything changes
        self._log.append(entry)
        for st in self._steppers.values():
            if st is not self.stepper:
                self._replay(st, entry)
        self._recomputed()

    # -- display ---------------------------------------------------------------------------
    def set_digits(self, digits: int) -> None:
        digits = max(1, min(12, int(digits)))
        if digits != self.digits:
            self.digits = digits
            self.sigFormatChanged.emit()

    # -- selection ---------------------------------------------------------------------------
    def select(self, items: Iterable, add: bool = False) -> None:
        """Select nodes (names) and edges ((src, dst) or (src, dst, param)).
        With ``add`` the items toggle in and out of the current selection."""
        norm = []
        for it in items:
            if isinstance(it, str):
                norm.append(it)
            else:
                src, dst = it[0], it[1]
                param = it[2] if len(it) > 2 else self._edge_param(src, dst)
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
            self.sigSelectionChanged.emit()

    def clear_selection(self):
        self.select([])

    def _edge_param(self, src: str, dst: str):
        n = self.graph.nodes.get(dst)
        if n is None or not n.weights:
            return None
        for i, w in zip(n.inputs, n.weights):
            if i == src:
                return w
        return None

    def selected_nodes(self) -> list[str]:
        return [s for s in self.selection if isinstance(s, str)]

    def selected_edges(self) -> list[tuple]:
        return [s for s in self.selection if isinstance(s, tuple)]

    def selected_params(self) -> list[str]:
        """Parameters picked in the graph, in click order: weight edges and parameter leaves."""
        names = set(self.model.graph.param_names) if self.model else set()
        out = []
        for s in self.selection:
            p = s if isinstance(s, str) else (s[2] if s[2] is not None else (s[0] if s[0] in names else None))
            if p in names and p not in out:
                out.append(p)
        return out
