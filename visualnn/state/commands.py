"""The session's undoable edits, as plain commands on a ``SessionModel``."""
from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING

from .undo import Command

if TYPE_CHECKING:
    from .session import SessionModel


class EditValues(Command):
    """Set inputs, targets and parameters as pass ``cycle`` starts with them;
    undo puts the old values back (in the same pass).  With ``merge`` (True,
    or a key such as one training run's) a following edit of the same names
    in the same pass with the same ``merge`` joins this one: a drag, a
    training run.  The joined command takes the latest edit's text."""

    def __init__(self, session: "SessionModel", new: dict[str, float], old: dict[str, float], cycle: int,
                 text: str, merge: Hashable = False):
        self.session, self.new, self.old, self.cycle, self.text = session, new, old, cycle, text
        self.merge_key = None if merge is False or merge is None else merge

    def merge(self, later: Command) -> bool:
        if not (isinstance(later, EditValues) and self.merge_key is not None and later.merge_key == self.merge_key
                and later.cycle == self.cycle and set(later.new) == set(self.new)):
            return False
        self.new = dict(later.new)
        self.text = later.text
        return True

    def redo(self) -> None:
        self.session.apply_values(self.new, self.cycle)

    def undo(self) -> None:
        self.session.apply_values(self.old, self.cycle)


class SetLearningRate(Command):
    def __init__(self, session: "SessionModel", new: float, old: float):
        self.session, self.new, self.old = session, new, old
        self.text = f"learning rate {new:g}"

    def redo(self) -> None:
        self.session.apply_learning_rate(self.new)

    def undo(self) -> None:
        self.session.apply_learning_rate(self.old)
