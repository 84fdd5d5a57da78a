"""Is every text readable?  Measured on exported SVG drawings, as a reader sees them.

``svg_texts`` reads each ``<text>`` of an SVG written by ``export``: its
content, its size in pixels (font-size under the group transforms) and its box
from the font's own metrics (advance width, ascent, descent), not from where
the graph view thinks it put it.  ``collisions`` lists the pairs of boxes that
overlap.  ``measure_example`` exports the steps of a file as SVG at a size and
returns every frame's texts; ``benchmarks/legibility.py`` and the tests use it.
"""
from __future__ import annotations

import math
import re
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QFont, QFontMetricsF

from ..engine.label_layout import overlaps

SVG = "{http://www.w3.org/2000/svg}"
REFERENCE_PX = 100          # metrics are read at this size and scaled
TOLERANCE = 0.5             # pixels two boxes may share (anti-aliasing, rounding)
_MATRIX = re.compile(r"matrix\(([^)]*)\)")


@dataclass(frozen=True)
class Text:
    text: str
    px: float
    box: tuple[float, float, float, float]     # x1, y1, x2, y2 in the drawing's pixels


def _matrix(attr: str | None):
    m = _MATRIX.search(attr or "")
    if not m:
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return tuple(float(v) for v in re.split(r"[ ,]+", m.group(1).strip()))


def _compose(a, b):
    """The transform ``a`` then ``b`` applied inside it (SVG nesting: outer a, inner b)."""
    a1, b1, c1, d1, e1, f1 = a
    a2, b2, c2, d2, e2, f2 = b
    return (a1 * a2 + c1 * b2, b1 * a2 + d1 * b2, a1 * c2 + c1 * d2, b1 * c2 + d1 * d2,
            a1 * e2 + c1 * f2 + e1, b1 * e2 + d1 * f2 + f1)


_FM: dict = {}


def _metrics(family: str, bold: bool) -> QFontMetricsF:
    key = (family, bold)
    if key not in _FM:
        f = QFont(family)
        f.setPixelSize(REFERENCE_PX)
        f.setBold(bold)
        _FM[key] = QFontMetricsF(f)
    return _FM[key]


def svg_texts(path) -> list[Text]:
    """Every non-blank text of an SVG file with its size and box."""
    root = ET.parse(path).getroot()
    out: list[Text] = []

    def walk(el, tf):
        tf = _compose(tf, _matrix(el.get("transform")))
        if el.tag == SVG + "text":
            content = "".join(el.itertext())
            if content.strip():
                out.append(_measure(el, content, tf))
            return
        for child in el:
            walk(child, tf)
    walk(root, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0))
    return out


def _measure(el, content: str, tf) -> Text:
    size = float(el.get("font-size", "12"))
    bold = int(el.get("font-weight", "400")) >= 600
    fm = _metrics(el.get("font-family", "Sans Serif"), bold)
    k = size / REFERENCE_PX
    w, up, down = fm.horizontalAdvance(content) * k, fm.ascent() * k, fm.descent() * k
    x, y = float(el.get("x", "0")), float(el.get("y", "0"))
    a, b, c, d, e, f = tf
    pts = [(a * px + c * py + e, b * px + d * py + f) for px, py in ((x, y - up), (x + w, y - up), (x, y + down),
                                                                    (x + w, y + down))]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    scale = math.sqrt(abs(a * d - b * c))
    return Text(content, size * scale, (min(xs), min(ys), max(xs), max(ys)))


def collisions(texts: list[Text]) -> list[tuple[Text, Text]]:
    """The pairs of texts whose boxes overlap."""
    return [(texts[i], texts[j]) for i, j in overlaps([t.box for t in texts], TOLERANCE)]


def measure_example(path, size=(1366, 768), view: str = "graph", digits: int = 4, steps: str = "all",
                    sample: int = 0):
    """Export the steps of the network file ``path`` as SVG drawings and measure
    them: a list of (step, texts) per frame."""
    from ..io import load
    from .export import FrameRenderer, step_slides, write_svg
    from .present import Deck
    from .session import Session
    session = Session(document=load(path))
    session.set_digits(digits)
    if sample:
        session.set_sample(sample)
    slides, _ = step_slides(session, steps)
    deck = Deck(slides)
    renderer = FrameRenderer(session, deck, view, size)
    out = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for k in range(len(deck)):
                f = Path(tmp) / f"{k}.svg"
                write_svg(renderer.show(k), f)
                out.append((deck.frames[k].position, svg_texts(f)))
    finally:
        renderer.close()
    return out
