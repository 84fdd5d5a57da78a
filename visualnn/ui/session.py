"""The Qt face of the session model: its events as signals, its undo stack as actions.

All state lives in one Qt-free ``visualnn.state.SessionModel`` (``session.core``);
this adapter forwards its fields and methods unchanged (the table below says
which) and re-emits each of its events as a Qt signal, so widgets can connect
and Qt queues across threads.

Signals
-------
``sigDocumentChanged()``
    A new network was opened, or the view mode changed the drawn graph:
    rebuild everything (``session.graph``, ``session.model``).
``sigStateChanged(state)``
    The ``engine.trace.State`` now shown changed (every step, back, seek,
    and after every edit).  Within a pass a step advances the same State
    object in place; treat it as read-only.
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
``sigViewModeChanged(mode)``, ``sigFormatChanged()``, ``sigLectureStyleChanged(on)``, ``sigDirtyChanged(dirty)``
    Neuron/gate view; number of digits; weights as in the lecture; unsaved edits.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction

from ..state import DEFAULT_DIGITS, GATE_LIMIT, VIEW_MODES, SessionModel, UndoStack

__all__ = ["DEFAULT_DIGITS", "GATE_LIMIT", "VIEW_MODES", "QtUndoStack", "Session"]


class QtUndoStack(QObject):
    """The model's plain ``UndoStack`` with QUndoStack's names, signals and actions
    (Edit > Undo / Redo follow it; Ctrl+Z and Ctrl+Shift+Z reach it)."""
    canUndoChanged = Signal(bool)
    canRedoChanged = Signal(bool)
    undoTextChanged = Signal(str)
    redoTextChanged = Signal(str)
    cleanChanged = Signal(bool)

    def __init__(self, stack: UndoStack, parent=None):
        super().__init__(parent)
        self.stack = stack
        stack.changed.connect(self._on_change)
        stack.clean_changed.connect(self.cleanChanged.emit)

    def _on_change(self):
        s = self.stack
        self.canUndoChanged.emit(s.can_undo)
        self.canRedoChanged.emit(s.can_redo)
        self.undoTextChanged.emit(s.undo_text)
        self.redoTextChanged.emit(s.redo_text)

    def count(self) -> int:
        return self.stack.count()

    def undo(self):
        self.stack.undo()

    def redo(self):
        self.stack.redo()

    def undoText(self) -> str:
        return self.stack.undo_text

    def redoText(self) -> str:
        return self.stack.redo_text

    def canUndo(self) -> bool:
        return self.stack.can_undo

    def canRedo(self) -> bool:
        return self.stack.can_redo

    def isClean(self) -> bool:
        return self.stack.is_clean

    def setClean(self):
        self.stack.set_clean()

    def createUndoAction(self, parent, prefix: str = "Undo") -> QAction:
        return self._action(parent, prefix, self.undo, self.canUndoChanged, self.undoTextChanged, self.canUndo,
                            self.undoText)

    def createRedoAction(self, parent, prefix: str = "Redo") -> QAction:
        return self._action(parent, prefix, self.redo, self.canRedoChanged, self.redoTextChanged, self.canRedo,
                            self.redoText)

    @staticmethod
    def _action(parent, prefix, slot, enabled_signal, text_signal, can, text) -> QAction:
        a = QAction(parent)

        def retitle(what: str):
            a.setText(f"{prefix} {what}" if what else prefix)
        a.triggered.connect(slot)
        enabled_signal.connect(a.setEnabled)
        text_signal.connect(retitle)
        a.setEnabled(can())
        retitle(text())
        return a


def _field(name: str, writable: bool = False) -> property:
    def get(self):
        return getattr(self.core, name)

    def put(self, value):
        setattr(self.core, name, value)
    return property(get, put if writable else None, doc=f"``SessionModel.{name}``")


def _method(name: str):
    def forward(self, *args, **kwargs):
        return getattr(self.core, name)(*args, **kwargs)
    forward.__name__, forward.__doc__ = name, getattr(SessionModel, name).__doc__
    return forward


class Session(QObject):
    """One open network for the window's widgets: ``core`` (the SessionModel)
    owns the state; this object forwards its fields and methods and signals
    its news."""
    sigDocumentChanged = Signal()
    sigStateChanged = Signal(object)
    sigParamsChanged = Signal()
    sigSelectionChanged = Signal()
    sigViewModeChanged = Signal(str)
    sigFormatChanged = Signal()
    sigLectureStyleChanged = Signal(bool)
    sigDirtyChanged = Signal(bool)
    sigShownParamsChanged = Signal(object)

    def __init__(self, model=None, document=None, parent=None, core: SessionModel | None = None):
        super().__init__(parent)
        self.core = core if core is not None else SessionModel()
        c = self.core
        for event, signal in ((c.document_changed, self.sigDocumentChanged), (c.state_changed, self.sigStateChanged),
                              (c.params_changed, self.sigParamsChanged),
                              (c.selection_changed, self.sigSelectionChanged),
                              (c.view_mode_changed, self.sigViewModeChanged),
                              (c.format_changed, self.sigFormatChanged),
                              (c.lecture_style_changed, self.sigLectureStyleChanged),
                              (c.dirty_changed, self.sigDirtyChanged),
                              (c.shown_params_changed, self.sigShownParamsChanged)):
            event.connect(signal.emit)
        self.undo_stack = QtUndoStack(c.undo_stack, self)
        if document is not None:
            c.set_document(document)
        elif model is not None:
            c.set_model(model)

    # what the model holds (document and selection may be set: a save names the file)
    document = _field("document", writable=True)
    selection = _field("selection", writable=True)
    model = _field("model")
    path = _field("path")
    title = _field("title")
    dirty = _field("dirty")
    graph = _field("graph")
    stepper = _field("stepper")
    state = _field("state")
    position = _field("position")
    cycle_length = _field("cycle_length")
    has_update = _field("has_update")
    view_mode = _field("view_mode")
    digits = _field("digits")
    lecture_style = _field("lecture_style")
    learning_rate = _field("learning_rate")
    sample_index = _field("sample_index")
    sample_count = _field("sample_count")

    # what the model does
    set_document = _method("set_document")
    set_model = _method("set_model")
    mark_saved = _method("mark_saved")
    view_section = _method("view_section")
    apply_view_section = _method("apply_view_section")
    graph_for = _method("graph_for")
    gate_available = _method("gate_available")
    steps_of_cycle = _method("steps_of_cycle")
    step = _method("step")
    back = _method("back")
    seek = _method("seek")
    reset = _method("reset")
    end = _method("end")
    cycle_start = _method("cycle_start")
    set_view_mode = _method("set_view_mode")
    set_digits = _method("set_digits")
    set_lecture_style = _method("set_lecture_style")
    value_of = _method("value_of")
    editable = _method("editable")
    edit_value = _method("edit_value")
    set_params = _method("set_params")
    set_learning_rate = _method("set_learning_rate")
    set_sample = _method("set_sample")
    select = _method("select")
    clear_selection = _method("clear_selection")
    edge_param = _method("edge_param")
    selected_nodes = _method("selected_nodes")
    selected_edges = _method("selected_edges")
    selected_params = _method("selected_params")
