"""The app's step list for an expression, a network or a file, from Python.

``Trace`` holds the same ``Stepper`` the window builds from a document (the
same graph, parameters, samples and optimizer), so position 12 here is the
picture the window shows after 12 presses of Right.  ``trace.at(12)`` is that
step: its state and caption, drawn inline in Jupyter by the exporter
(``_repr_svg_``/``_repr_png_``: Qt is loaded only then, offscreen).
"""
from __future__ import annotations

from pathlib import Path

from ..engine.explain import caption, phase_text
from ..engine.handout import Handout, handout_of
from ..engine.stepper import Stepper
from ..engine.trace import State, Step
from ..io.document import Document, load, save
from ..io.lecture import _ref_problem, resolve_step, step_list


class Trace:
    """Every forward, backward and update step of one sample through a document's network."""

    def __init__(self, document: Document, sample: int = 0):
        self.document = document
        m = document.model
        t = m.training
        self.stepper = Stepper(m.graph, m.params, m.samples(), optimizer=t.optimizer, lr=t.learning_rate,
                               sample_index=sample, schedule=t.schedule, epochs=t.epochs, **dict(t.hyper))

    # -- what was recorded -----------------------------------------------------------------------
    @property
    def graph(self):
        return self.stepper.graph

    @property
    def record(self):
        """The engine's trace of the first pass (values, gradients, steps without the update)."""
        return self.stepper.trace(0)

    @property
    def steps(self) -> list[Step]:
        """The first pass's steps as the app takes them, the update (if any) last."""
        return self.stepper.steps_of_cycle(0)

    @property
    def values(self) -> dict[str, float]:
        return self.record.values

    @property
    def gradients(self) -> dict[str, float]:
        return self.record.gradients

    @property
    def param_gradients(self) -> dict[str, float]:
        return self.record.param_gradients

    def __len__(self) -> int:
        return self.stepper.cycle_length

    def __repr__(self) -> str:
        return f"<visualnn Trace of {self.document.title!r}: {len(self)} steps>"

    # -- positions -------------------------------------------------------------------------------
    def position(self, ref) -> int:
        """A position from a number of steps or a lecture's step name: "start", "loss",
        "update", "end", "forward:NODE", "backward:NODE"."""
        steps = step_list(self.graph)
        p = resolve_step(ref, steps)
        if p is None:
            raise ValueError(_ref_problem(ref, steps, self.graph))
        if p < 0:
            raise ValueError(f"a position counts steps from 0, got {p}")
        return p

    def state(self, ref) -> State:
        return self.stepper.state(self.position(ref))

    def at(self, ref) -> StepView:
        """The state after step ``ref`` (a position or a step name), drawable inline."""
        return StepView(self, self.position(ref))

    def table(self, positions: range | None = None) -> Table:
        """The worked example of the first pass (forward, backward, update), as HTML in Jupyter."""
        return Table(handout_of(self.stepper, 0, positions, self.document.title))

    def slider(self, size=None):
        """An ipywidgets step slider with back and forward buttons (needs ``ipywidgets``)."""
        from .notebook import step_slider
        return step_slider(self, size)

    def save(self, path) -> Path:
        return save(self.document, path)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return self.at(len(self))._repr_mimebundle_(include, exclude)


class StepView:
    """Position ``position`` of a trace: the state, the caption, the picture."""

    def __init__(self, trace: Trace, position: int):
        self.trace, self.position = trace, position

    @property
    def state(self) -> State:
        return self.trace.stepper.state(self.position)

    @property
    def step(self) -> Step | None:
        return self.state.step

    @property
    def caption(self) -> str:
        m = self.trace.document.model
        return caption(self.state, self.trace.graph, 4, m.training.learning_rate, m.training.optimizer)

    def __repr__(self) -> str:
        return f"{phase_text(self.state, len(self.trace))}: {self.caption}"

    def pictures(self, formats=("svg", "png"), size=None) -> dict:
        """{"svg": text, "png": bytes}: the graph at this step as ``visualnn export`` draws it."""
        from .notebook import StepRenderer
        with StepRenderer(self.trace, size, self.position) as r:
            return r.pictures(self.position, formats)

    def svg(self) -> str:
        return self.pictures(("svg",))["svg"]

    def png(self) -> bytes:
        return self.pictures(("png",))["png"]

    # Jupyter draws the formats in notebook.INLINE_FORMATS (a _repr_*_ returning None is skipped)
    def _repr_svg_(self) -> str | None:
        return self.svg() if "svg" in _inline_formats() else None

    def _repr_png_(self) -> bytes | None:
        return self.png() if "png" in _inline_formats() else None

    def _repr_mimebundle_(self, include=None, exclude=None):
        # one offscreen drawing for every format (IPython skips the _repr_*_ it got here)
        pics = self.pictures(_inline_formats())
        out = {MIME[k]: v for k, v in pics.items()}
        out["text/plain"] = repr(self)
        return out


MIME = {"svg": "image/svg+xml", "png": "image/png"}


def _inline_formats() -> tuple[str, ...]:
    from . import notebook
    return tuple(notebook.INLINE_FORMATS)


class Table:
    """A handout: Markdown as text, an HTML table in Jupyter."""

    def __init__(self, handout: Handout):
        self.handout = handout

    def __str__(self) -> str:
        return self.handout.markdown(6)

    def _repr_markdown_(self) -> str:
        return self.handout.markdown(6)

    def _repr_html_(self) -> str:
        from .notebook import handout_html
        return handout_html(self.handout)


def open_trace(obj, sample: int = 0, **build) -> Trace:
    """A Trace of an expression (``Value``), a network (``MLP`` with ``document``), a file path or a Document."""
    return Trace(as_document(obj, **build), sample)


def as_document(obj, **build) -> Document:
    from .build import document_of
    from .nn import MLP
    from .value import Value
    if build and isinstance(obj, (Document, Trace, str, Path)):
        raise TypeError(f"{', '.join(sorted(build))}: settings for building a network from a Value or an MLP; "
                        f"a file or document has its own")
    if isinstance(obj, Document):
        return obj
    if isinstance(obj, Trace):
        return obj.document
    if isinstance(obj, Value):
        return document_of(obj, **build)
    if isinstance(obj, MLP):
        return obj.document(**build)
    if isinstance(obj, (str, Path)):
        return load(obj)
    raise TypeError(f"expected a Value expression, an MLP, a Trace, a Document or a file path, "
                    f"got {type(obj).__name__}")
