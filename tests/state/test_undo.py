"""The plain undo stack: push, undo, redo, merging and the saved state."""
from __future__ import annotations

from visualnn.state import Command, UndoStack


class Append(Command):
    def __init__(self, log: list, item: str, merge_key=None):
        self.log, self.items, self.merge_key, self.text = log, [item], merge_key, f"append {item}"

    def redo(self):
        self.log.extend(self.items)

    def undo(self):
        del self.log[-len(self.items):]

    def merge(self, later):
        if self.merge_key is None or later.merge_key != self.merge_key:
            return False
        self.items += later.items
        return True


def test_undo_and_redo_walk_the_commands_in_order():
    log: list = []
    u = UndoStack()
    u.push(Append(log, "a"))
    u.push(Append(log, "b"))
    u.undo()
    assert log == ["a"] and u.redo_text == "append b" and u.undo_text == "append a"
    u.redo()
    assert log == ["a", "b"] and not u.can_redo


def test_commands_with_the_same_key_become_one_undo_step():
    log: list = []
    u = UndoStack()
    for x in "abc":
        u.push(Append(log, x, merge_key="drag"))
    u.push(Append(log, "d"))
    assert u.count() == 2
    u.undo()
    u.undo()
    assert log == []


def test_leaving_the_saved_state_for_good_stays_dirty():
    log: list = []
    u = UndoStack()
    clean = []
    u.clean_changed.connect(clean.append)
    u.push(Append(log, "a"))
    u.set_clean()
    u.undo()
    u.push(Append(log, "b"))             # the saved state can no longer be reached
    u.undo()
    assert log == [] and not u.is_clean and clean == [False, True, False]
    u.clear()
    assert u.is_clean and clean[-1] is True


class PushesWhenRedone(Command):
    """A command whose redo makes a listener push another edit (a box that commits the value it is shown)."""

    def __init__(self, stack: UndoStack, log: list):
        self.stack, self.log, self.text, self.first = stack, log, "set", True

    def redo(self):
        self.log.append("set")
        if not self.first:
            self.stack.push(Append(self.log, "echo"))
        self.first = False

    def undo(self):
        self.log.remove("set")


def test_an_edit_pushed_while_a_command_is_redone_keeps_the_stack_consistent():
    """Found by the monkey test: Ctrl+Z, then redo of a learning-rate edit whose
    redo made the toolbar box push an edit; the stack's index ran past its end
    and every later undo text raised IndexError."""
    log: list = []
    u = UndoStack()
    u.changed.connect(lambda: (u.undo_text, u.redo_text))      # what the Edit menu reads on every change
    u.push(PushesWhenRedone(u, log))
    u.undo()
    u.redo()
    assert u.index == u.count() == 2 and u.undo_text == "append echo" and not u.can_redo
    u.undo()
    u.undo()
    assert log == [] and not u.can_undo
