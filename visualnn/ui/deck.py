"""The clicks of a presentation and the words on its slides.  Qt-free.

``Deck`` flattens a lecture's slides into clicks (``Frame``); the helpers fill a
caption's ``{name}`` placeholders and mask the numbers a slide hides until it
reveals them ("predict, then reveal").
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ..engine import explain
from ..engine.trace import State
from ..io.lecture import Slide, default_slides, read_lecture

HIDDEN = "?"


# -- the clicks of a presentation (Qt-free) ---------------------------------------------------
@dataclass(frozen=True)
class Frame:
    """One click: slide ``slide`` at stepper position ``position``; ``revealed``
    once the click after the slide's last step has shown its hidden values."""
    slide: int
    position: int
    revealed: bool = False


class Deck:
    """The slides of a presentation flattened into clicks."""

    def __init__(self, slides: list[Slide]):
        if not slides:
            raise ValueError("a presentation needs at least one slide")
        self.slides = list(slides)
        self.frames: list[Frame] = []
        for i, s in enumerate(self.slides):
            self.frames += [Frame(i, p) for p in s.positions]
            if s.hide:
                self.frames.append(Frame(i, s.end, True))

    def __len__(self) -> int:
        return len(self.frames)

    def slide_of(self, k: int) -> Slide:
        return self.slides[self.frames[k].slide]

    def hidden(self, k: int) -> tuple[tuple[str, str], ...]:
        """The values hidden at click ``k`` (none once revealed)."""
        f = self.frames[k]
        return () if f.revealed else self.slides[f.slide].hide

    def first_at(self, position: int) -> int:
        """The first click showing ``position`` (0 if none does)."""
        return next((k for k, f in enumerate(self.frames) if f.position == position), 0)

    def frame_for(self, position: int) -> int:
        """The click to show for stepper ``position``: the first one showing it, else
        the last click of the slide whose steps run past it, else the last click
        before it (0 if it comes before them all)."""
        exact = next((k for k, f in enumerate(self.frames) if f.position == position and not f.revealed), None)
        if exact is not None:
            return exact
        before = [k for k, f in enumerate(self.frames) if f.position <= position]
        return before[-1] if before else 0


def deck_for(session) -> tuple[Deck, bool]:
    """The session's lecture as a deck, or the step-by-step deck of the first
    pass; and whether it is the file's lecture."""
    doc = session.document
    lecture = getattr(doc, "lecture", None)
    if lecture:
        try:
            return Deck(read_lecture(lecture, session.model.graph)), True
        except ValueError:
            pass            # the network was edited out from under the lecture: step through instead
    return Deck(default_slides(session.cycle_length)), False


# -- words and numbers ---------------------------------------------------------------------------
def quantity(state: State, kind: str, name: str):
    """The value or gradient of a node or parameter in ``state`` (None if not known yet)."""
    if kind == "value":
        v = state.values.get(name)
        return state.params.get(name) if v is None else v
    g = state.gradients.get(name)
    return state.param_gradients.get(name) if g is None else g


def hidden_numbers(state: State, hidden, digits: int) -> list[str]:
    """The hidden quantities as they would print."""
    out = []
    for kind, name in hidden:
        v = quantity(state, kind, name)
        if v is not None:
            s = explain.fmt(v, digits)
            if s not in out:
                out.append(s)
    return out


def mask_numbers(text: str, numbers) -> str:
    """``text`` with each of ``numbers`` (as printed) replaced by "?"."""
    for s in sorted(numbers, key=len, reverse=True):
        text = re.sub(r"(?<![\w.])" + re.escape(s) + r"(?![\d])", HIDDEN, text)
    return text


_PLACEHOLDER = re.compile(r"\{(grad:)?([^{}]+)\}")


def fill_caption(text: str, state: State, digits: int, hidden=()) -> str:
    """A slide caption with ``{name}`` / ``{grad:name}`` filled in from ``state``
    ("?" while hidden, "…" before it is computed)."""
    hid = set(hidden)

    def one(m):
        kind = "gradient" if m.group(1) else "value"
        name = m.group(2)
        if (kind, name) in hid:
            return HIDDEN
        v = quantity(state, kind, name)
        return "…" if v is None else explain.fmt(v, digits)
    return _PLACEHOLDER.sub(one, text)


def emphasis_html(text: str) -> str:
    """Plain text with ``**strong**`` and ``*emphasis*`` as HTML (everything else escaped)."""
    s = html.escape(text)
    s = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", s)
    s = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<i>\1</i>", s)
    return s
