"""What to export: the formats, the ``--size``, ``--steps`` and ``--out`` of
``visualnn export`` read into a ``Request``.  No Qt here: the tables are
exported without it."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..io.lecture import Slide
from .deck import deck_for
from .export_write import MAX_PIXELS, ExportError

PICTURE_FORMATS = ("png", "svg")
ANIMATION_FORMATS = ("frames", "svgframes", "gif", "mp4")
TABLE_FORMATS = ("md", "csv", "tex")
DEFAULT_SIZE = (1920, 1080)
FORMATS = PICTURE_FORMATS + ANIMATION_FORMATS + TABLE_FORMATS
SUFFIXES = {".png": "png", ".svg": "svg", ".gif": "gif", ".mp4": "mp4", ".md": "md", ".markdown": "md",
            ".csv": "csv", ".tex": "tex"}


def parse_size(text: str | None) -> tuple[tuple[int, int], float]:
    """``WxH``, ``Nx`` (the default size drawn N times finer) or ``WxH@Nx`` -> ((W, H), scale)."""
    if text is None:
        return DEFAULT_SIZE, 1.0
    t = text.strip().lower().replace("×", "x")
    m = re.fullmatch(r"(\d+)x(\d+)(?:@(\d+(?:\.\d+)?)x)?", t)
    if m:
        w, h = int(m.group(1)), int(m.group(2))
        scale = float(m.group(3)) if m.group(3) else 1.0
    else:
        m = re.fullmatch(r"(\d+(?:\.\d+)?)x", t)
        if not m:
            raise ExportError(f"--size {text!r}: expected WIDTHxHEIGHT (1920x1080), a scale (2x) or both "
                              f"(960x540@2x)")
        (w, h), scale = DEFAULT_SIZE, float(m.group(1))
    if not (16 <= w <= 8192 and 16 <= h <= 8192):
        raise ExportError(f"--size {text!r}: width and height must be between 16 and 8192 pixels")
    if not 0.25 <= scale <= 8:
        raise ExportError(f"--size {text!r}: the scale must be between 0.25x and 8x")
    if w * h * scale * scale > MAX_PIXELS:
        raise ExportError(f"--size {text!r}: {round(w * scale)}x{round(h * scale)} is too large "
                          f"(at most {MAX_PIXELS:,} pixels)")
    return (w, h), scale


def step_slides(session, steps: str | None) -> tuple[list[Slide], str]:
    """The clicks ``--steps`` asks for: "all" (the start frame, then every step of the first pass),
    "A-B" or "N" (positions; 0 is the start), or "lecture" (the file's slides).
    Returns (slides, what they are, in words)."""
    L = session.cycle_length
    t = (steps or "all").strip().lower()
    if t == "lecture":
        deck, is_lecture = deck_for(session)
        if not is_lecture:
            raise ExportError("--steps lecture: the file has no lecture section; use --steps all or A-B")
        return deck.slides, f"the lecture ({len(deck.slides)} slides)"
    if t == "all":
        return [Slide(0, L)], f"the start and steps 1-{L}"
    m = re.fullmatch(r"(\d+)(?:\s*-\s*(\d+))?", t)
    if not m:
        raise ExportError(f"--steps {steps!r}: expected all, lecture, a step N or a range A-B (steps 1-{L} "
                          f"are the first pass; 0 is the start)")
    a = int(m.group(1))
    b = int(m.group(2)) if m.group(2) is not None else a
    if a > b:
        raise ExportError(f"--steps {steps!r}: the range runs backwards")
    top = L * 1000 if session.has_update else L
    if b > top:
        more = "" if session.has_update else " (the network has no update, so there is one pass)"
        raise ExportError(f"--steps {steps!r}: the network has steps 0-{top}{more}")
    if b - a + 1 > 100_000:
        raise ExportError(f"--steps {steps!r}: at most 100,000 frames at once")
    return [Slide(a, b)], f"steps {a}-{b}" if a != b else f"step {a}"


MAX_MOTION = 30                   # in-between frames per step


def check_motion(fmt: str, motion: int) -> int:
    """``--motion N`` for ``fmt``: N itself, or an ``ExportError`` saying what is wrong."""
    if motion and fmt not in ANIMATION_FORMATS:
        raise ExportError(f"--motion {motion}: the in-between frames go into a GIF, an MP4 or a folder of "
                          f"frames, not a single {fmt.upper()}")
    if not 0 <= motion <= MAX_MOTION:
        raise ExportError(f"--motion {motion}: expected 0 (the steps alone) to {MAX_MOTION} in-between frames "
                          f"per step")
    return motion


def infer_format(out: str, given: str | None) -> str:
    """The format from ``--format``, else from the suffix of ``--out`` (a folder: PNG frames)."""
    p = Path(out)
    if given is not None:
        folder = out.endswith(("/", os.sep)) or p.is_dir()
        if given == "png" and (folder or p.suffix.lower() != ".png"):
            return "frames"
        if given == "svg" and (folder or p.suffix.lower() != ".svg"):
            return "svgframes"          # one numbered SVG drawing per step, into the folder
        return given
    if out.endswith(("/", os.sep)) or p.is_dir():
        return "frames"
    fmt = SUFFIXES.get(p.suffix.lower())
    if fmt is None:
        raise ExportError(f"--out {out}: cannot tell the format from the name; give --format "
                          f"({', '.join(sorted(set(SUFFIXES.values())))}) or a name ending in "
                          f"{', '.join(SUFFIXES)}; a folder means PNG frames")
    return fmt


@dataclass
class Request:
    format: str                   # png svg frames gif mp4 md csv tex
    out: Path
    view: str = "graph"
    size: tuple[int, int] = DEFAULT_SIZE
    scale: float = 1.0
    slides: list | None = None    # None: every step of the first pass
    motion: int = 0               # in-between frames per step (GIF, MP4, frames): the window's motion
