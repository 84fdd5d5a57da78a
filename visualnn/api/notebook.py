"""Jupyter: step pictures drawn by the exporter, a step slider, handouts as HTML.

The pictures come from ``ui.export`` (the graph as ``visualnn export`` draws
it, offscreen when there is no display): Qt is imported here, inside the
functions, so ``import visualnn`` and the Python API stay Qt-free.  The
slider needs ``ipywidgets`` (the ``notebook`` extra).
"""
from __future__ import annotations

import html
import tempfile
from pathlib import Path

from ..engine.explain import fmt
from ..engine.handout import Handout

NOTEBOOK_SIZE = (960, 540)
INLINE_FORMATS = ["svg"]     # what a step shows as in Jupyter (["png"] for a frontend without SVG)
MISSING_WIDGETS = "the step slider needs ipywidgets: pip install 'visualnn[notebook]'"


class StepRenderer:
    """One offscreen drawing of a trace's network, moved to any position."""

    def __init__(self, trace, size=None, upto: int = 0):
        from ..io.lecture import Slide
        from ..ui import export as ex  # Qt: only when a picture is asked for
        from ..ui.deck import Deck
        from ..ui.session import Session
        ex._ensure_gui()
        self._ex = ex
        self.session = Session(document=trace.document)
        if trace.stepper.sample_index:
            self.session.set_sample(trace.stepper.sample_index)
        self.last = max(len(trace), 1, upto)          # a later pass when asked for one
        self.renderer = ex.FrameRenderer(self.session, Deck([Slide(0, self.last)]), "graph", size or NOTEBOOK_SIZE)

    def pictures(self, position: int, formats=("svg", "png")) -> dict:
        """{"svg": text, "png": bytes} of the graph after ``position`` steps."""
        if not 0 <= position <= self.last:
            raise ValueError(f"position {position} is outside the steps drawn (0..{self.last})")
        widget = self.renderer.show(position)
        out: dict = {}
        with tempfile.TemporaryDirectory(prefix="visualnn-") as tmp:
            if "svg" in formats:
                path = self._ex.write_svg(widget, Path(tmp) / "step.svg", self.session.title, f"step {position}")
                out["svg"] = path.read_text(encoding="utf-8")
            if "png" in formats:
                path = self._ex.save_png(self._ex.render_image(widget), Path(tmp) / "step.png")
                out["png"] = path.read_bytes()
        return out

    def close(self):
        self.renderer.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def step_slider(trace, size=None):
    """A slider over the first pass with back and forward buttons; the picture and
    the caption follow it."""
    try:
        import ipywidgets as w
    except ImportError:
        raise ImportError(MISSING_WIDGETS) from None
    renderer = StepRenderer(trace, size)
    n = renderer.last
    slider = w.IntSlider(value=0, min=0, max=n, description="step", continuous_update=False)
    back, forward = w.Button(description="◀ back"), w.Button(description="forward ▶")
    picture, text = w.HTML(), w.Label()

    def redraw(change=None):
        k = slider.value
        picture.value = renderer.pictures(k, ("svg",))["svg"]
        text.value = trace.at(k).caption

    back.on_click(lambda _: setattr(slider, "value", max(0, slider.value - 1)))
    forward.on_click(lambda _: setattr(slider, "value", min(n, slider.value + 1)))
    slider.observe(redraw, names="value")
    redraw()
    box = w.VBox([w.HBox([back, slider, forward]), text, picture])
    box.renderer = renderer          # kept with the widget: it draws every move
    return box


def handout_html(h: Handout, digits: int = 6) -> str:
    """The handout's three tables as HTML (every name escaped: names come from files)."""
    E = html.escape(h.objective)
    f = lambda x: "" if x is None else html.escape(fmt(x, digits))  # noqa: E731
    e = html.escape
    parts = [f"<h4>{e(h.title)}</h4>"] if h.title else []
    if h.forward:
        rows = [[str(r.position), e(r.node), e(r.formula), e(r.numbers), f(r.value)] for r in h.forward]
        parts.append(_table("Forward", ["step", "node", "operation", "with the numbers", "value"], rows))
    if h.backward:
        rows = [[str(b.position), e(b.node), f(b.upstream), e(b.to), f(b.local), f(b.gradient), f(b.accumulated),
                 e(b.weight or ""), f(b.weight_gradient)] for b in h.backward]
        parts.append(_table("Backward: gradient = local × upstream",
                            ["step", "node", f"upstream ∂{E}/∂node", "to input", "local", "local × upstream",
                             "sum at input", "weight", f"∂{E}/∂weight"], rows))
    if h.updates:
        rows = [[e(u.param), f(u.value), f(u.gradient), f(u.new)] for u in h.updates]
        parts.append(_table(f"Update: {e(h.optimizer)}", ["parameter", "value", f"∂{E}/∂parameter", "new value"],
                            rows))
    return "\n".join(parts)


def _table(title: str, head: list[str], rows: list[list[str]]) -> str:
    th = "".join(f"<th>{c}</th>" for c in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<h5>{title}</h5><table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"
