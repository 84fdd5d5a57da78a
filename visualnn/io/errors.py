"""What goes wrong with a file, said so a lecturer can fix it.

A ``Problem`` names the file, the place in it (``network.layers[1].weights[0][2]``,
or ``line 3, column 7`` for a JSON syntax error) and what was expected.
Loading reports every problem it finds at once in one ``FileFormatError``.
"""
from __future__ import annotations

from dataclasses import dataclass

# Never list more than this many problems: a broken generated file can have millions.
MAX_PROBLEMS = 100
KEEP_PROBLEMS = 1000          # kept in .problems; beyond that only counted


@dataclass(frozen=True)
class Problem:
    file: str
    place: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: " if self.file else ""
        return f"{where}{self.place}: {self.message}" if self.place else f"{where}{self.message}"


class FileFormatError(ValueError):
    """A file that is not a valid visualnn network file; ``.problems`` lists every problem."""

    def __init__(self, problems: list[Problem], uncounted: int = 0):
        self.problems = list(problems)
        self.uncounted = uncounted            # problems found beyond those kept in .problems
        super().__init__(self._text())

    def _text(self) -> str:
        lines = [str(p) for p in self.problems[:MAX_PROBLEMS]]
        more = len(self.problems) + self.uncounted - MAX_PROBLEMS
        if more > 0:
            lines.append(f"... and {more} more problem(s)")
        return "\n".join(lines) or "invalid visualnn file"

    def __str__(self) -> str:
        return self._text()


class SaveError(OSError):
    """The file could not be written; the previous file, if any, is untouched."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "cannot save"


class Problems:
    """Collects problems while a file is checked, all of them, not just the first."""

    def __init__(self, file: str):
        self.file = file
        self.items: list[Problem] = []
        self.uncounted = 0

    def add(self, place: str, message: str) -> None:
        self.append(Problem(self.file, place, message))

    def append(self, problem: Problem) -> None:
        if len(self.items) < KEEP_PROBLEMS:
            self.items.append(problem)
        else:
            self.uncounted += 1

    def extend(self, problems) -> None:
        for p in problems:
            self.append(Problem(self.file, p.place, p.message) if not p.file else p)

    def __len__(self) -> int:
        return len(self.items) + self.uncounted

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise FileFormatError(self.items, self.uncounted)
