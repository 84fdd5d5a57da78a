"""The ``lecture`` section: the slides of a presentation, in order.

Checked loosely for now: a list of objects.  The presentation mode owns what a
slide may say; it extends ``validate_lecture`` here, which every load calls.
"""
from __future__ import annotations

from .errors import Problem
from .jsontext import describe


def validate_lecture(slides, place: str = "lecture") -> list[Problem]:
    """Every problem with the slides (file left empty: the loader fills it in)."""
    if not isinstance(slides, list):
        return [Problem("", place, f"expected a list of slides (objects), got {describe(slides)}")]
    problems = []
    for i, s in enumerate(slides):
        if not isinstance(s, dict):
            problems.append(Problem("", f"{place}[{i}]", f"expected a slide (an object), got {describe(s)}"))
    return problems
