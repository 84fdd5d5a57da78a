"""The session model: one open network, where it is stepped to, what is
selected, how it is shown, and the edits that can be undone.  No Qt.

Who owns what (each thing once):

- the document (``model``: parameters pass 1 starts from, the data, the
  learning rate in ``model.training``) is the truth an edit writes to;
- ``pins``: parameters edited after an update, by the pass they start;
- the ``Stepper`` (one, for the graph drawn now) is derived from those two and
  owns the cursor (``position``) and the traces; switching between the neuron
  and the gate view builds the other graph's stepper from the same truth;
- view settings: ``view_mode``, ``digits``, ``lecture_style``;
- ``selection`` and the ``undo_stack``.

Events (``visualnn.state.events.Event``; the Qt adapter re-emits each as a
signal): ``document_changed()``, ``state_changed(state)``,
``params_changed()``, ``selection_changed()``, ``view_mode_changed(mode)``,
``format_changed()``, ``lecture_style_changed(on)``, ``dirty_changed(dirty)``,
``shown_params_changed(params)``.
"""
from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from typing import Any, TypeVar

from ..engine.graph import Graph
from ..engine.model import Model
from ..engine.trace import State, Step, Stepper
from .commands import EditValues, SetLearningRate
from .events import Event
from .selection import SelectionMixin
from .structure import StructureMixin
from .undo import UndoStack

T = TypeVar("T")
VIEW_MODES = ("neuron", "gate")
GATE_LIMIT = 3000        # more gates than this are too many to draw one by one
DEFAULT_DIGITS = 4
DIGIT_RANGE = (1, 12)


class SessionModel(SelectionMixin, StructureMixin):
    """The one state every view of an open network reads (see the module doc)."""

    def __init__(self, model: Model | None = None, document: Any = None):
        self.document_changed = Event("document_changed")
        self.state_changed = Event("state_changed")
        self.params_changed = Event("params_changed")
        self.selection_changed = Event("selection_changed")
        self.view_mode_changed = Event("view_mode_changed")
        self.format_changed = Event("format_changed")
        self.lecture_style_changed = Event("lecture_style_changed")
        self.dirty_changed = Event("dirty_changed")
        self.shown_params_changed = Event("shown_params_changed")
        self.undo_stack = UndoStack()
        self.undo_stack.clean_changed.connect(lambda clean: self.dirty_changed.emit(not clean))
        self.document: Any = None
        self.model: Model | None = None
        self.view_mode = "neuron"
        self.digits = DEFAULT_DIGITS
        self.lecture_style = False
        self.selection: list = []
        self.pins: dict[int, dict[str, float]] = {}
        self._stepper: Stepper | None = None
        self._state: State | None = None
        self._gate_graph: Graph | None = None
        self._shape = (False, 0)             # (has_update, cycle_length) of the graph drawn now
        self._revision = 0                   # bumped whenever the trace is recomputed
        self._params_key: tuple[int, int] | None = None
        if document is not None:
            self.set_document(document)
        elif model is not None:
            self.set_model(model)

    # -- the document -----------------------------------------------------------------
    def set_document(self, document: Any, unsaved: bool = False) -> None:
        """Show an io ``Document`` (anything with ``.model``, ``.path`` and ``.view``),
        as its ``view`` section says (mode, digits, lecture colours).  ``unsaved``:
        a new network, dirty until saved."""
        self._open(document.model, document)
        self.apply_view_section(document.view or {})
        if unsaved:
            self.undo_stack.mark_unsaved()

    def set_model(self, model: Model) -> None:
        """Show a bare engine Model (no file behind it)."""
        self._open(model, None)

    def _open(self, model: Model, document: Any) -> None:
        self.document, self.model = document, model
        self.pins = {}
        self._revision += 1
        self._gate_graph = None
        self.selection = []
        self.undo_stack.clear()
        if self.view_mode == "gate" and not self.gate_available():
            self.view_mode = "neuron"
        self._use_stepper(self._new_stepper(self.view_mode, 0))
        self._state = self._st.seek(0)
        self.document_changed.emit()
        self.selection_changed.emit()
        self._emit_state()
        self.dirty_changed.emit(False)

    def _new_stepper(self, mode: str, sample_index: int) -> Stepper:
        """A stepper for ``mode``'s graph, derived from the document and the pins."""
        m = self._m
        t = m.training
        samples: list[Mapping[str, float]] = list(m.samples())
        st = Stepper(self.graph_for(mode), m.params, samples, optimizer=t.optimizer,
                     lr=t.learning_rate, sample_index=sample_index, schedule=t.schedule, epochs=t.epochs,
                     **dict(t.hyper))
        for cycle in sorted(self.pins):
            st.set_params(self.pins[cycle], cycle)
        return st

    def _use_stepper(self, stepper: Stepper) -> None:
        self._stepper = stepper
        # the pass length depends on the graph only; the stepper finds it from a trace
        self._shape = (stepper.has_update, stepper.cycle_length)

    def _emit_state(self) -> None:
        st = self._now
        self.state_changed.emit(st)
        key = (self._revision, st.cycle + (1 if st.updated else 0))
        if key != self._params_key:
            self._params_key = key
            self.shown_params_changed.emit(st.params)

    @property
    def path(self):
        return self.document.path if self.document is not None else None

    @property
    def dirty(self) -> bool:
        """Edits not saved yet."""
        return not self.undo_stack.is_clean

    def mark_saved(self) -> None:
        self.undo_stack.set_clean()

    @property
    def title(self) -> str:
        return (self.model.title if self.model is not None else "") or ""

    def view_section(self, old: dict | None = None) -> dict:
        """The file's ``view`` section with the settings shown now (a setting
        the file did not name is written only when it differs from the default)."""
        view = dict(old or {})
        for key, value, default in (("mode", self.view_mode, "neuron"), ("digits", self.digits, DEFAULT_DIGITS),
                                    ("lecture_weights", self.lecture_style, False)):
            if key in view or value != default:
                view[key] = value
        return view

    def apply_view_section(self, view: dict) -> bool:
        """Take the view mode, digits and weight style a file's ``view`` section names
        (anything else in it, or a value out of range, is left as it is).  False
        when it asks for a gate view this network is too large for."""
        mode = view.get("mode")
        shown = self.set_view_mode(mode) if mode in VIEW_MODES else True
        digits = view.get("digits")
        if isinstance(digits, int) and not isinstance(digits, bool) and DIGIT_RANGE[0] <= digits <= DIGIT_RANGE[1]:
            self.set_digits(digits)
        lecture = view.get("lecture_weights")
        if isinstance(lecture, bool):
            self.set_lecture_style(lecture)
        return shown

    # -- graphs and the stepper -----------------------------------------------------------
    def graph_for(self, mode: str) -> Graph:
        if mode == "gate":
            if self._gate_graph is None:
                self._gate_graph = self._m.gate_graph()
            return self._gate_graph
        return self._m.graph

    @property
    def graph(self) -> Graph:
        """The graph drawn now: the neuron graph or the gate graph."""
        return self.graph_for(self.view_mode)

    def gate_available(self) -> bool:
        """Whether the gate view differs from the neuron view and is small enough to draw."""
        if self.model is None or self.model.spec is None:
            return False
        gates = 0
        for layer in self.model.spec.layers:
            for row, b in zip(layer.weights, layer.biases):
                k = sum(w is not None for w in row)
                gates += 2 * k + k + (b is not None) * 2 + 2
        return gates <= GATE_LIMIT

    # the open network's parts (a method that needs one is only called with a network open)
    @property
    def _m(self) -> Model:
        return _opened(self.model)

    @property
    def _st(self) -> Stepper:
        return _opened(self._stepper)

    @property
    def _now(self) -> State:
        return _opened(self._state)

    @property
    def stepper(self) -> Stepper:
        return self._st

    @property
    def state(self) -> State | None:
        """The State now shown (read-only; None until a network is open)."""
        return self._state

    @property
    def position(self) -> int:
        return self._st.position

    @property
    def cycle_length(self) -> int:
        """Steps in one pass: the trace, plus the update when there is one."""
        return self._shape[1]

    @property
    def has_update(self) -> bool:
        """Whether a pass ends with an optimizer update (a loss and parameters)."""
        return self._shape[0]

    def steps_of_cycle(self, cycle: int) -> list[Step]:
        return self._st.steps_of_cycle(cycle)

    # -- moving -----------------------------------------------------------------------
    def step(self) -> State:
        """One operation forward (within a pass the shown State advances in place)."""
        if not self.has_update and self.position >= self.cycle_length:
            return self._now
        return self._show(self._st.step())

    def _show(self, state: State) -> State:
        self._state = state
        self._emit_state()
        return state

    def back(self) -> State:
        """The exact state after one step fewer."""
        return self._show(self._st.back())

    def seek(self, position: int) -> State:
        return self._show(self._st.seek(position))

    def reset(self) -> State:
        return self._show(self._st.reset())

    def end(self) -> State:
        """Run to the end of the current pass (after the update, if any)."""
        return self._show(self._st.end())

    def cycle_start(self, cycle: int | None = None) -> int:
        """The position where pass ``cycle`` (default: the current one) begins."""
        c = self._now.cycle if cycle is None else cycle
        return c * self.cycle_length

    # -- view settings ---------------------------------------------------------------------
    def set_view_mode(self, mode: str) -> bool:
        """Switch between the neuron view and the gate view, keeping the step
        (the same node's same phase).  False when the gate view is not available."""
        if mode not in VIEW_MODES:
            raise ValueError(f"view mode must be one of {VIEW_MODES}, not {mode!r}")
        if mode == self.view_mode:
            return True
        if mode == "gate" and not self.gate_available():
            return False
        old, state = self._st, self._now
        self.view_mode = mode
        self._use_stepper(self._new_stepper(mode, old.sample_index))
        self._state = self._st.seek(_same_step(old, state, self._st))
        self.selection = [s for s in self.selection if self._selectable(s)]
        self.view_mode_changed.emit(mode)
        self.document_changed.emit()
        self.selection_changed.emit()
        self._emit_state()
        return True

    def set_digits(self, digits: int) -> None:
        digits = max(DIGIT_RANGE[0], min(DIGIT_RANGE[1], int(digits)))
        if digits != self.digits:
            self.digits = digits
            self.format_changed.emit()

    def set_lecture_style(self, on: bool) -> None:
        """Weights as in the lecture: white +1, black -1, zero left out."""
        on = bool(on)
        if on != self.lecture_style:
            self.lecture_style = on
            self.lecture_style_changed.emit(on)

    # -- values -------------------------------------------------------------------------------
    def value_of(self, name: str) -> float:
        """The current value of an input, target or parameter (as shown now)."""
        if name in self._now.params:
            return float(self._now.params[name])
        st = self._st
        return float(st.samples[st.sample_index][name])

    def editable(self, name: str) -> bool:
        """Inputs, targets and parameters can be edited."""
        if self.model is None:
            return False
        if name in self._m.graph.param_names:
            return True
        node = self.graph.nodes.get(name)
        st = self._st
        return node is not None and node.op in ("input", "target") and name in st.samples[st.sample_index]

    def edit_value(self, name: str, value: float) -> None:
        """Set an input, target or parameter (undoable); the trace recomputes, the step stays."""
        self.set_params({name: value}, text=f"set {name} = {value:g}")

    def set_params(self, values: dict, text: str | None = None, merge: Hashable = False) -> None:
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
        s = self._now
        cycle = s.cycle + (1 if s.updated else 0)      # after an update, edits change the new parameters
        self.undo_stack.push(EditValues(self, values, old, cycle, text or "set " + ", ".join(values), merge))

    def apply_values(self, values: dict[str, float], cycle: int) -> None:
        """Write values into the truth, then into the stepper (what ``EditValues`` does)."""
        m, st = self._m, self._st
        params = {k: v for k, v in values.items() if k in m.graph.param_names}
        inputs = {k: v for k, v in values.items() if k not in params and k in m.data.columns}
        i = st.sample_index
        for k, v in inputs.items():
            col = m.data.columns[k].astype(float, copy=True)
            col[i] = v
            m.data.columns[k] = col
            st.set_input(k, v)
        if inputs:
            self.pins = {}                     # the stepper restarts from the first pass's parameters
        if params:
            self.pins = {c: p for c, p in self.pins.items() if c < cycle}
            if cycle == 0:
                m.params.update(params)
            else:
                self.pins[cycle] = {**self.pins.get(cycle, {}), **params}
            st.set_params(params, cycle)
        self._recomputed()

    def _rebuild(self) -> None:
        """A new stepper after the structure changed (``StructureMixin``): the same
        step number, or the last one a pass without an update has."""
        position = self.position
        sample = min(self.sample_index, max(0, len(self._m.data) - 1))
        self.pins = {}
        self._gate_graph = None
        self._revision += 1
        if self.view_mode == "gate" and not self.gate_available():
            self.view_mode = "neuron"
            self.view_mode_changed.emit("neuron")
        self._use_stepper(self._new_stepper(self.view_mode, sample))
        if not self.has_update:
            position = min(position, self.cycle_length)
        self._state = self._st.seek(position)
        self.selection = [s for s in self.selection if self._selectable(s)]
        self.document_changed.emit()
        self.selection_changed.emit()
        self.params_changed.emit()
        self._emit_state()

    def _recomputed(self) -> None:
        self._revision += 1
        self._state = self._st.seek(self._st.position)
        self.params_changed.emit()
        self._emit_state()

    # -- learning rate and sample ----------------------------------------------------------
    @property
    def learning_rate(self) -> float:
        return self._m.training.learning_rate

    def set_learning_rate(self, lr: float) -> None:
        """Change the update step's learning rate (undoable; saved with the file)."""
        lr = float(lr)
        if not math.isfinite(lr) or lr <= 0:
            raise ValueError(f"the learning rate must be a positive number, not {lr}")
        if lr != self.learning_rate:
            self.undo_stack.push(SetLearningRate(self, lr, self.learning_rate))

    def apply_learning_rate(self, lr: float) -> None:
        """What ``SetLearningRate`` does: later passes follow from the first one again."""
        self._m.training.learning_rate = lr
        self.pins = {}
        self._st.set_learning_rate(lr)
        self._recomputed()

    @property
    def sample_index(self) -> int:
        return self._st.sample_index

    @property
    def sample_count(self) -> int:
        return len(self._st.samples)

    def set_sample(self, index: int) -> None:
        """Step through another training sample (keeps the position)."""
        if index == self.sample_index:
            return
        self._st.set_sample(int(index))     # raises IndexError before anything changes
        self.pins = {}
        self._recomputed()


def _opened(part: T | None) -> T:
    if part is None:
        raise RuntimeError("no network is open")
    return part


def _same_step(old: Stepper, state: State | None, new: Stepper) -> int:
    """The position in ``new`` after the same steps (node and phase) as ``state`` in ``old``."""
    if state is None or state.position == 0:
        return 0
    done = {(s.phase, s.node) for s in old.steps_of_cycle(state.cycle)[:state.index]}
    k = 0
    for i, s in enumerate(new.steps_of_cycle(state.cycle)):
        if (s.phase, s.node) in done:
            k = i + 1
    return state.cycle * new.cycle_length + k
