"""The worked example as a table (Markdown, CSV, LaTeX) from ``visualnn export``
or File > Export…, without Qt: a table needs the stepper, not a window, so the
command line writes one without loading PySide6."""
from __future__ import annotations

from pathlib import Path

from ..engine.handout import handout_of
from ..state import SessionModel
from ..state.session import DIGIT_RANGE
from .export_request import Request, check_motion, infer_format, step_slides
from .export_write import ExportError, write_text


def prepared_session(session, doc, sample: int = 0, digits: int | None = None):
    """``session`` (a ``SessionModel`` or the window's ``Session``) at ``sample`` and
    ``digits``, after checking them against ``doc``; bad values raise ``ExportError``."""
    samples = doc.model.samples()
    if not 0 <= sample < max(1, len(samples)):
        raise ExportError(f"--sample {sample} is out of range; the file has {len(samples)} sample(s) "
                          f"(0..{len(samples) - 1})")
    if digits is not None and not DIGIT_RANGE[0] <= digits <= DIGIT_RANGE[1]:
        raise ExportError(f"--digits {digits}: expected {DIGIT_RANGE[0]} to {DIGIT_RANGE[1]} (as View > Digits)")
    if sample:
        session.set_sample(sample)
    if digits is not None:
        session.set_digits(digits)
    return session


def write_table(session, req: Request, title: str = "") -> Path:
    """The table of the steps ``req.slides`` (None: the whole first pass) in ``req.format``."""
    slides = req.slides if req.slides is not None else step_slides(session, "all")[0]
    lo = min(s.start for s in slides)
    hi = max(s.end for s in slides)
    cycle = session.stepper.cycle_of(max(1, hi))
    base = cycle * session.cycle_length
    positions = None if req.slides is None else range(max(1, lo - base), hi - base + 1)
    h = handout_of(session.stepper, cycle, positions, title or session.title)
    return write_text(req.out, h.text(req.format))


def export_table(doc, out: str, fmt: str | None = None, steps: str | None = None, sample: int = 0,
                 digits: int | None = None, motion: int = 0) -> tuple[list[Path], str, str]:
    """``visualnn export`` of a table: (the file written, the format, what was exported)."""
    fmt = infer_format(out, fmt)
    check_motion(fmt, motion)
    session = prepared_session(SessionModel(document=doc), doc, sample, digits)
    slides, what = step_slides(session, steps)
    whole = (steps or "all").strip().lower() == "all"
    return [write_table(session, Request(fmt, Path(out), slides=None if whole else slides), doc.model.title)], \
        fmt, what
