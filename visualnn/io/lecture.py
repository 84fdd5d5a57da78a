"""The ``lecture`` section: the slides of a presentation, in order.

::

    "lecture": [
      {"title": "The forward pass", "step": [0, "forward:out_h1"], "panels": ["graph", "equation"],
       "caption": "Each neuron *sums* its inputs, then **squashes** the sum: out_h1 = {out_h1}",
       "highlight": ["net_h1", "out_h1", "i1->net_h1"], "hide": ["out_h1"]},
      ...
    ]

A slide says which step of the trace to show (``step``: a position, a named
step, or a ``[from, to]`` range played one click at a time), which panels are
visible, a caption (``*em*``, ``**strong**`` and ``{name}`` / ``{grad:name}``
filled with the current numbers), nodes and edges to highlight, and values to
hide: a hidden value shows as "?" until the next click reveals it.

Positions count operations from the very start, as the stepper does: 0 is
before anything is computed, 1 after the first forward operation, and so on
through the loss, the backward pass and the update; past the update the next
pass begins.  A named step is ``start``, ``loss``, ``update``, ``end`` (the
end of the first pass), ``forward:NODE`` or ``backward:NODE`` (the position
just after that operation of the first pass).

Qt-free: ``validate_lecture`` checks a section (every problem with its place,
``lecture[3].step``), ``read_lecture`` turns a valid one into ``Slide`` objects
with the positions resolved, ``default_slides`` makes the step-by-step deck a
file without a lecture gets.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .checks import Checker, listing, suggestion
from .errors import Problem, Problems
from .jsontext import describe
from .limits import MAX_LECTURE_CLICKS, MAX_TEXT_LENGTH

PANELS = ("graph", "equation", "activation", "surface", "training", "gradient_flow")
DEFAULT_PANELS = ("graph", "equation")
SLIDE_KEYS = ("title", "step", "panels", "caption", "highlight", "hide")
NAMED_STEPS = ("start", "loss", "update", "end")
MAX_PASSES = 1000            # a slide may show a later pass, up to this many
MAX_SLIDES = 10_000
PLACEHOLDER = re.compile(r"\{(grad:)?([^{}]+)\}")


@dataclass(frozen=True)
class Slide:
    """One slide, positions resolved: it shows positions ``start`` .. ``end``
    one click at a time, then (when it hides values) one more click reveals them."""
    start: int
    end: int
    title: str | None = None
    panels: tuple[str, ...] = DEFAULT_PANELS
    caption: str | None = None
    highlight_nodes: tuple[str, ...] = ()
    highlight_edges: tuple[tuple[str, str], ...] = ()
    hide: tuple[tuple[str, str], ...] = ()        # ("value" | "gradient", name)
    place: str = ""

    @property
    def positions(self) -> range:
        return range(self.start, self.end + 1)


# -- the step list the positions count -----------------------------------------------
def step_list(graph) -> list[tuple[str, str | None]]:
    """(phase, node) of every step of the first pass, in order, as the stepper
    takes them: the forward operations, the loss, the backward operations of
    every node a gradient reaches, and the update when there is one."""
    loss = graph.loss
    steps: list[tuple[str, str | None]] = []
    for n in graph.order:
        if not graph.nodes[n].is_leaf:
            steps.append(("loss" if n == loss else "forward", n))
    reached = set([loss] if loss is not None else graph.outputs)
    for n in graph.backward_order:
        node = graph.nodes[n]
        if node.is_leaf or n not in reached:
            continue
        steps.append(("backward", n))
        reached.update(node.inputs)
    if graph.objective is not None and graph.param_names:
        steps.append(("update", None))
    return steps


def _max_position(graph, steps) -> int:
    """How far a slide may go: one pass when there is no update, else MAX_PASSES passes."""
    has_update = bool(steps) and steps[-1][0] == "update"
    return len(steps) * MAX_PASSES if has_update else len(steps)


def resolve_step(ref, steps) -> int | None:
    """The position a step reference names (an int, or a named step), None if unknown."""
    if isinstance(ref, int) and not isinstance(ref, bool):
        return ref
    if not isinstance(ref, str):
        return None
    if ref == "start":
        return 0
    if ref == "end":
        return len(steps)
    if ref == "loss":
        return next((k + 1 for k, (ph, _) in enumerate(steps) if ph == "loss"), None)
    if ref == "update":
        return next((k + 1 for k, (ph, _) in enumerate(steps) if ph == "update"), None)
    phase, sep, node = ref.partition(":")
    if not sep or phase not in ("forward", "backward"):
        return None
    for k, (ph, n) in enumerate(steps):
        if n == node and (ph == phase or (phase == "forward" and ph == "loss")):
            return k + 1
    return None


def _ref_problem(ref, steps, graph) -> str:
    """Why a step reference names no step."""
    kinds = ", ".join(f'"{n}"' for n in NAMED_STEPS)
    if isinstance(ref, str):
        phase, sep, node = ref.partition(":")
        if sep and phase in ("forward", "backward"):
            names = [n for ph, n in steps if n is not None and (ph == phase or (phase == "forward" and ph == "loss"))]
            if graph is not None and node in graph.nodes:
                why = "is a leaf (an input, target, parameter or constant): it has no operation" \
                    if graph.nodes[node].is_leaf else "gets no gradient (nothing it feeds reaches the loss)"
                return f"{node!r} {why}; {phase} steps are: {listing(names, 12)}"
            return f"no node named {node!r}{suggestion(node, names)}; {phase} steps are: {listing(names, 12)}"
        if ref in ("loss", "update"):
            return f'this network has no {ref} step' + (" (it has no loss)" if ref == "loss" else
                                                          " (it has no loss or no parameters)")
        return (f'unknown step {ref!r}{suggestion(ref, list(NAMED_STEPS) + ["forward:", "backward:"])}; expected a '
                f'position (a whole number from 0), {kinds}, "forward:NODE" or "backward:NODE"')
    return (f"expected a position (a whole number from 0), {kinds}, \"forward:NODE\", \"backward:NODE\" "
            f"or a range [from, to] of these, got {describe(ref)}")


# -- checking ------------------------------------------------------------------------
def validate_lecture(slides, place: str = "lecture", graph=None) -> list[Problem]:
    """Every problem with the slides (file left empty: the loader fills it in).
    With ``graph`` the names, step references and positions are checked too."""
    problems = Problems("")
    _check(slides, place, graph, problems)
    return list(problems.items)


def _check(slides, place, graph, problems) -> list[Slide]:
    ck = Checker(problems)
    if not isinstance(slides, list):
        ck.add(place, f"expected a list of slides (objects), got {describe(slides)}")
        return []
    if len(slides) > MAX_SLIDES:
        ck.add(place, f"{len(slides):,} slides; at most {MAX_SLIDES:,}")
        return []
    steps = step_list(graph) if graph is not None else None
    top = _max_position(graph, steps) if steps is not None else None
    out = []
    previous_end = 0
    for i, s in enumerate(slides):
        at = f"{place}[{i}]"
        if not isinstance(s, dict):
            ck.add(at, f"expected a slide (an object), got {describe(s)}")
            continue
        ck.keys(s, at, SLIDE_KEYS)
        title = None
        if "title" in s:
            title = ck.string(s["title"], f"{at}.title", "a title (text)")
            if title is not None and len(title) > MAX_TEXT_LENGTH:
                ck.add(f"{at}.title", f"the title is {len(title):,} characters; at most {MAX_TEXT_LENGTH:,}")
        start = end = previous_end
        if "step" in s:
            got = _check_step(ck, s["step"], f"{at}.step", steps, top, graph)
            if got is not None:
                start, end = got
        previous_end = end
        panels = _check_panels(ck, s["panels"], f"{at}.panels") if "panels" in s else DEFAULT_PANELS
        caption = _check_caption(ck, s["caption"], f"{at}.caption", graph) if "caption" in s else None
        nodes: list[str] = []
        edges: list[tuple[str, str]] = []
        if "highlight" in s:
            lst = ck.lst(s["highlight"], f"{at}.highlight", 'a list of node names and edges ("a->b")')
            for k, h in enumerate(lst or []):
                mark = _check_highlight(ck, h, f"{at}.highlight[{k}]", graph)
                if isinstance(mark, tuple):
                    edges.append(mark)
                elif mark is not None:
                    nodes.append(mark)
        hide: list[tuple[str, str]] = []
        if "hide" in s:
            lst = ck.lst(s["hide"], f"{at}.hide", 'a list of values to hide ("NAME" or "grad:NAME")')
            for k, h in enumerate(lst or []):
                hidden = _check_hide(ck, h, f"{at}.hide[{k}]", graph)
                if hidden is not None:
                    hide.append(hidden)
        out.append(Slide(start, end, title, panels, caption, tuple(nodes), tuple(edges), tuple(hide), at))
    clicks = lecture_clicks(out)
    if clicks > MAX_LECTURE_CLICKS:
        ck.add(place, f"the slides take {clicks:,} clicks; at most {MAX_LECTURE_CLICKS:,} clicks are allowed "
                      f"(the documented limit)")
    return out


def _check_panels(ck: Checker, raw, where: str) -> tuple[str, ...]:
    lst = ck.lst(raw, where, f"a list of panels (from {', '.join(PANELS)})")
    if lst is None:
        return DEFAULT_PANELS
    got_panels: list[str] = []
    for k, p in enumerate(lst):
        name = ck.choice(p, f"{where}[{k}]", PANELS, "panel")
        if name is not None:
            if name in got_panels:
                ck.add(f"{where}[{k}]", f"the panel {name!r} is listed twice")
            else:
                got_panels.append(name)
    if not lst:
        ck.add(where, f"the list is empty; name at least one of: {', '.join(PANELS)}")
    return tuple(got_panels)


def _check_caption(ck: Checker, raw, where: str, graph) -> str | None:
    """The caption text; each {name} in it must name a node or a parameter."""
    caption = ck.string(raw, where, "a caption (text)")
    if caption is None:
        return None
    if len(caption) > MAX_TEXT_LENGTH:
        ck.add(where, f"the caption is {len(caption):,} characters; at most {MAX_TEXT_LENGTH:,}")
    elif graph is not None:
        for m in PLACEHOLDER.finditer(caption):
            name = m.group(2)
            if name not in graph.nodes and name not in graph.param_names:
                ck.add(where, f"{{{m.group(1) or ''}{name}}} names no node or parameter"
                              f"{suggestion(name, list(graph.nodes) + graph.param_names)}")
    return caption


def lecture_clicks(slides) -> int:
    """Clicks through ``slides``: one per position shown, one more to reveal hidden values."""
    return sum(s.end - s.start + 1 + (1 if s.hide else 0) for s in slides)


def _check_step(ck, v, place, steps, top, graph) -> tuple[int, int] | None:
    if isinstance(v, list):
        if len(v) != 2:
            ck.add(place, f"expected a range [from, to] of two steps, got {describe(v)}")
            return None
        a = _check_one_step(ck, v[0], f"{place}[0]", steps, top, graph)
        b = _check_one_step(ck, v[1], f"{place}[1]", steps, top, graph)
        if a is None or b is None:
            return None
        if a > b:
            ck.add(place, f"the range runs backwards: {v[0]!r} is position {a}, after {v[1]!r} (position {b})")
            return None
        return a, b
    p = _check_one_step(ck, v, place, steps, top, graph)
    return None if p is None else (p, p)


def _check_one_step(ck, v, place, steps, top, graph) -> int | None:
    if isinstance(v, bool) or not isinstance(v, (int, str)):
        if not ck._skip(v):
            ck.add(place, _ref_problem(v, steps or [], graph))
        return None
    if isinstance(v, int):
        if v < 0:
            ck.add(place, f"expected a position of at least 0, got {v}")
            return None
        if top is not None and v > top:
            n = len(steps)
            more = f"{MAX_PASSES} passes of {n} steps" if steps and steps[-1][0] == "update" else \
                f"its {n} steps (it has no update, so there is only one pass)"
            ck.add(place, f"position {v:,} is past the end; this network goes up to {top:,} ({more})")
            return None
        return v
    if steps is None:                       # no graph to resolve against: the form is all we can check
        phase, sep, node = v.partition(":")
        if v in NAMED_STEPS or (sep and phase in ("forward", "backward") and node):
            return 0
        ck.add(place, _ref_problem(v, [], None))
        return None
    p = resolve_step(v, steps)
    if p is None:
        ck.add(place, _ref_problem(v, steps, graph))
    return p


def _check_highlight(ck, h, place, graph) -> str | tuple[str, str] | None:
    if isinstance(h, list) and len(h) == 2 and all(isinstance(x, str) for x in h):
        a, b = h
    elif isinstance(h, str) and "->" in h:
        a, _, b = h.partition("->")
        a, b = a.strip(), b.strip()
    elif isinstance(h, str):
        if graph is not None and h not in graph.nodes:
            ck.add(place, f"no node named {h!r}{suggestion(h, graph.nodes)}")
            return None
        return h
    else:
        if not ck._skip(h):
            ck.add(place, f'expected a node name or an edge ("a->b" or ["a", "b"]), got {describe(h)}')
        return None
    if graph is not None:
        bad = [x for x in (a, b) if x not in graph.nodes]
        for x in bad:
            ck.add(place, f"no node named {x!r}{suggestion(x, graph.nodes)}")
        if bad:
            return None
        if a not in graph.nodes[b].inputs:
            ins = graph.nodes[b].inputs
            ck.add(place, f"there is no edge {a} -> {b}; {b}'s inputs are: {listing(ins) if ins else 'none'}")
            return None
    return (a, b)


def _check_hide(ck, h, place, graph):
    s = ck.string(h, place, 'a value to hide ("NAME" or "grad:NAME")')
    if s is None:
        return None
    kind, name = ("gradient", s[5:]) if s.startswith("grad:") else ("value", s)
    if graph is not None and name not in graph.nodes and name not in graph.param_names:
        ck.add(place, f"no node or parameter named {name!r}{suggestion(name, list(graph.nodes) + graph.param_names)}")
        return None
    if not name:
        ck.add(place, 'expected a name after "grad:"')
        return None
    return (kind, name)


# -- reading ---------------------------------------------------------------------------
def read_lecture(slides, graph) -> list[Slide]:
    """The slides of a valid ``lecture`` section, positions resolved against
    ``graph``; raises ``ValueError`` listing the problems of an invalid one."""
    problems = Problems("")
    out = _check(slides, "lecture", graph, problems)
    if problems:
        raise ValueError("\n".join(str(p) for p in problems.items))
    return out


def default_slides(cycle_length: int) -> list[Slide]:
    """Without a lecture: the first pass, one click per operation, from the start."""
    return [Slide(0, cycle_length, None, DEFAULT_PANELS, None, (), (), (), "")]
