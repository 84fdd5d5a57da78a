"""The session model: what one open network's views share, without Qt.

``SessionModel`` owns the stepper, the document, the selection, the view
settings, the learning rate and sample, and an ``UndoStack`` of plain
commands; it tells listeners through plain ``Event``s.  ``visualnn.ui.session``
adapts it to Qt signals; the engine and io never import this package's users.
"""
from .events import Event
from .session import DEFAULT_DIGITS, GATE_LIMIT, VIEW_MODES, SessionModel
from .undo import Command, UndoStack

__all__ = ["Command", "DEFAULT_DIGITS", "Event", "GATE_LIMIT", "SessionModel", "UndoStack", "VIEW_MODES"]
