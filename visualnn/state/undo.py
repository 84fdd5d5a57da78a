"""An undo stack of plain commands (the shape of Qt's QUndoStack, without Qt).

A command does its change in ``redo`` and takes it back in ``undo``.  Pushing
runs ``redo``; a pushed command may be absorbed by the one on top (``merge``):
the points of a drag, the weight pushes of one training run.  As in Qt, the
command that was on top when the document was saved absorbs nothing, so undo
always comes back to the saved state.
"""
from __future__ import annotations

from abc import ABC, abstractmethod

from .events import Event


class Command(ABC):
    """One undoable change, named by ``text`` (shown as "Undo <text>")."""

    text = ""

    @abstractmethod
    def redo(self) -> None: ...

    @abstractmethod
    def undo(self) -> None: ...

    def merge(self, later: "Command") -> bool:
        """Absorb ``later`` (already done) into this command; False to keep it separate."""
        return False


class UndoStack:
    """Commands done and undone; ``index`` commands are in effect.

    Events: ``changed()`` after every push, undo, redo or clear;
    ``clean_changed(clean)`` when the stack reaches or leaves the saved state."""

    def __init__(self) -> None:
        self._commands: list[Command] = []
        self._index = 0
        self._clean: int | None = 0          # the index at the last save (None: no longer reachable)
        self.changed = Event("changed")
        self.clean_changed = Event("clean_changed")

    def push(self, command: Command) -> None:
        was_clean = self.is_clean
        del self._commands[self._index:]
        if self._clean is not None and self._clean > self._index:
            self._clean = None
        command.redo()
        top = self._commands[-1] if self._commands else None
        if top is None or self._index == self._clean or not top.merge(command):
            self._commands.append(command)
            self._index += 1
        self._announce(was_clean)

    def undo(self) -> None:
        if self._index:
            was_clean = self.is_clean
            self._index -= 1
            self._commands[self._index].undo()
            self._announce(was_clean)

    def redo(self) -> None:
        if self._index < len(self._commands):
            was_clean = self.is_clean
            command = self._commands[self._index]
            # in effect before its redo runs: an edit pushed from inside it (a listener committing
            # the value it is shown) lands after it, as it does after undo's decrement
            self._index += 1
            try:
                command.redo()
            except BaseException:
                if self._index and self._commands[self._index - 1] is command:
                    self._index -= 1
                raise
            self._announce(was_clean)

    def clear(self) -> None:
        was_clean = self.is_clean
        self._commands.clear()
        self._index, self._clean = 0, 0
        self._announce(was_clean)

    def set_clean(self) -> None:
        was_clean = self.is_clean
        self._clean = self._index
        self._announce(was_clean)

    def mark_unsaved(self) -> None:
        """No state on the stack is saved (a new document): dirty until ``set_clean``."""
        was_clean = self.is_clean
        self._clean = None
        self._announce(was_clean)

    def _announce(self, was_clean: bool) -> None:
        self.changed.emit()
        if self.is_clean != was_clean:
            self.clean_changed.emit(self.is_clean)

    @property
    def is_clean(self) -> bool:
        return self._index == self._clean

    @property
    def index(self) -> int:
        return self._index

    def count(self) -> int:
        return len(self._commands)

    @property
    def can_undo(self) -> bool:
        return self._index > 0

    @property
    def can_redo(self) -> bool:
        return self._index < len(self._commands)

    @property
    def undo_text(self) -> str:
        return self._commands[self._index - 1].text if self.can_undo else ""

    @property
    def redo_text(self) -> str:
        return self._commands[self._index].text if self.can_redo else ""
