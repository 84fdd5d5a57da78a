"""The words and numbers drawn on the graph: a node's value and gradient, the
lines on an edge.  Qt-free: the graph view only places and paints them.

Every line is a ``Line``: the text, the colour role it is drawn in (a theme
field: value, gradient, text, muted) and a shortened text for when the full
one has no room ("0.59327…": the full number is on hover).  Backward lines
read in one order everywhere: ``local × upstream = gradient``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .explain import fmt, loss_of, objective_name
from .graph import Graph
from .trace import State

SHORT_DIGITS = 3        # decimals of a number shortened to make room
WARNING = "#b3261e"     # the colour of a line holding an infinite or NaN number (issue 12)
ELLIPSIS = "…"


@dataclass(frozen=True)
class Line:
    text: str
    role: str               # the theme colour: value, gradient, text, muted
    short: str = ""         # the same line with its numbers shortened ("" when it cannot be shorter)


class Numbers:
    """Prints numbers at ``digits`` and, shortened, at ``SHORT_DIGITS`` with a "…"."""

    def __init__(self, digits: int):
        self.digits = int(digits)

    def full(self, x) -> str:
        return fmt(x, self.digits)

    def short(self, x) -> str:
        full = fmt(x, self.digits)
        s = fmt(x, min(self.digits, SHORT_DIGITS))
        if s == full or x is None or not math.isfinite(float(x)):
            return full
        # cut, not rounded: what is shown is the start of the full number
        keep = len(s)
        return full[:keep].rstrip(".") + ELLIPSIS

    def line(self, pattern: str, role: str, *xs) -> Line:
        """``pattern`` with ``{}`` filled by ``xs`` in full and shortened; a line
        holding an infinite or NaN number is drawn in the warning colour."""
        if any(x is not None and not math.isfinite(float(x)) for x in xs):
            role = WARNING
        text = pattern.format(*(self.full(x) for x in xs))
        short = pattern.format(*(self.short(x) for x in xs))
        return Line(text, role, short if short != text else "")


def literal(name: str) -> str:
    """A name from a file inside a ``line`` pattern: its braces are text, not fields."""
    return name.replace("{", "{{").replace("}", "}}")


def node_lines(state: State, graph: Graph, name: str, digits: int) -> tuple[Line | None, Line | None]:
    """(value line, gradient line) of node ``name`` in ``state`` (None: nothing to show).
    On the update step the forward values are from before the update: drawn muted."""
    num = Numbers(digits)
    v = state.values.get(name)
    stale = state.step is not None and state.step.phase == "update"
    value = None if v is None else num.line("{}", "muted" if stale else "value", v)
    g = state.gradients.get(name)
    node = graph.nodes.get(name)
    if node is not None and node.op in ("target", "const"):
        g = None        # correct, but not what anyone asks
    grad = None if g is None else num.line("∂ {}", "gradient", g)
    return value, grad


def objective_symbol(graph: Graph) -> str:
    """What a parameter's gradient is of: E for a network with a loss, else its output's name
    (the pixel neuron has no E)."""
    return "E" if loss_of(graph) else objective_name(graph)


def edge_lines(state: State, key: tuple[str, str], weight: str | None, digits: int, *, step: bool,
               show_weight: bool, objective: str = "E") -> tuple[list[Line], list[Line]]:
    """(lines above the edge, lines below it) for edge ``key`` carrying ``weight``.
    ``step``: the edge is part of the step just done; ``show_weight``: its weight
    is shown even when it is not."""
    num = Numbers(digits)
    s = state.step
    above: list[Line] = []
    below: list[Line] = []
    if weight is not None and (show_weight or step):
        if step and s is not None and s.phase == "update":
            old = next((o for p, o, _, _ in s.updates if p == weight), None)
            above.append(num.line(literal(weight) + ": {} → {}", "text", old, state.params.get(weight)))
        else:
            above.append(num.line(literal(weight) + " = {}", "muted", state.params.get(weight)))
    if step and s is not None:
        if s.phase in ("forward", "loss") and key in state.edge_values:
            above.append(num.line("{}", "value", state.edge_values[key]))
        elif s.phase == "backward":
            e = state.edge_gradients.get(key)
            if e is not None:
                below.append(num.line("{} × {} = {}", "gradient", e.local, e.upstream, e.gradient))
                if e.accumulated != e.gradient:
                    below.append(num.line(f"Σ at {literal(key[0])} = " + "{}", "gradient", e.accumulated))
    if (weight is not None and weight in state.param_gradients and (step or show_weight) and s is not None
            and s.phase in ("backward", "update")):
        below.append(num.line(f"∂{literal(objective)}/∂{literal(weight)} = " + "{}", "gradient",
                              state.param_gradients[weight]))
    return above, below
