"""Colours of the graph view: light and dark themes, the diverging weight scale.

Weights use a colour-blind-safe diverging scale, orange for negative and
blue for positive, fading to a faint grey at zero (ColorBrewer PuOr/RdBu
ends).  Values are green and gradients purple-red (Paul Tol's bright
scheme), CS231n style: values above an edge, gradients below.  The lecture
style draws +1 white, -1 black and leaves 0 out, on grey.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor

WEIGHT_BINS = 7          # bins each side of zero; 2 * WEIGHT_BINS + 1 in all


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    node_fill: str
    node_border: str
    text: str
    muted: str
    value: str           # forward values
    gradient: str        # backward gradients
    negative: str        # strong end of the weight scale, below zero
    positive: str        # strong end, above zero
    zero: str            # a weight of zero, or an edge without a weight
    plate: str           # behind labels (drawn translucent)
    current: str         # the op just done
    selection: str
    kind_colors: dict    # border colour per node kind


LIGHT = Theme(
    name="light", background="#ffffff", node_fill="#f5f5f5", node_border="#555555", text="#1f1f1f",
    muted="#6b6b6b", value="#1b7a2e", gradient="#aa3377", negative="#e66101", positive="#2166ac",
    zero="#c8c8c8", plate="#ffffff", current="#ccbb44", selection="#222222",
    kind_colors={"input": "#228833", "target": "#44aa99", "param": "#7a5195", "const": "#888888",
                 "op": "#4d4d4d", "activation": "#4d4d4d", "sum": "#4d4d4d", "loss": "#cc3311"},
)

DARK = Theme(
    name="dark", background="#1e1f22", node_fill="#2b2d31", node_border="#b0b0b0", text="#e8e8e8",
    muted="#a0a0a0", value="#7fd38a", gradient="#f08cc8", negative="#fdb863", positive="#73b3e6",
    zero="#4a4a4a", plate="#1e1f22", current="#ddcc55", selection="#f0f0f0",
    kind_colors={"input": "#66cc77", "target": "#66ccbb", "param": "#b392d6", "const": "#999999",
                 "op": "#c0c0c0", "activation": "#c0c0c0", "sum": "#c0c0c0", "loss": "#ff7755"},
)

THEMES = {"light": LIGHT, "dark": DARK}

LECTURE_BACKGROUND = "#808080"

# the lecture's drawing: mid-grey ground, so dark text colours
LECTURE = Theme(
    name="lecture", background=LECTURE_BACKGROUND, node_fill="#9a9a9a", node_border="#1a1a1a", text="#000000",
    muted="#1a1a1a", value="#00320f", gradient="#4d0733", negative="#000000", positive="#ffffff",
    zero=LECTURE_BACKGROUND, plate="#c4c4c4", current="#ffee88", selection="#000000",
    kind_colors={"input": "#0a3d14", "target": "#0a4a40", "param": "#3a1a5c", "const": "#333333",
                 "op": "#1a1a1a", "activation": "#1a1a1a", "sum": "#1a1a1a", "loss": "#6a0f00"},
)


def mix(a: QColor, b: QColor, t: float) -> QColor:
    t = min(1.0, max(0.0, t))
    return QColor.fromRgbF(a.redF() + (b.redF() - a.redF()) * t, a.greenF() + (b.greenF() - a.greenF()) * t,
                           a.blueF() + (b.blueF() - a.blueF()) * t, a.alphaF() + (b.alphaF() - a.alphaF()) * t)


def weight_bin(w: float, scale: float) -> int:
    """-WEIGHT_BINS .. WEIGHT_BINS; 0 only for an exact zero."""
    if w == 0 or scale <= 0:
        return 0
    k = round(w / scale * WEIGHT_BINS)
    if k == 0:
        k = 1 if w > 0 else -1
    return max(-WEIGHT_BINS, min(WEIGHT_BINS, k))


def bin_color(k: int, theme: Theme, lecture: bool = False) -> QColor:
    """The colour of weight bin ``k`` (see ``weight_bin``)."""
    t = abs(k) / WEIGHT_BINS
    if lecture:
        grey = QColor(LECTURE_BACKGROUND)
        end = QColor("#ffffff") if k > 0 else QColor("#000000")
        return mix(grey, end, 0.35 + 0.65 * t)
    zero = QColor(theme.zero)
    if k == 0:
        return zero
    end = QColor(theme.positive if k > 0 else theme.negative)
    return mix(zero, end, 0.3 + 0.7 * t)


def bin_width(k: int, base: float = 1.0) -> float:
    return base * (1.0 + 4.0 * abs(k) / WEIGHT_BINS)


def value_fill(v: float | None, theme: Theme, lecture: bool = False, scale: float = 1.0) -> QColor:
    """A node's fill for its current value (a light tint, so text stays readable)."""
    base = QColor(theme.node_fill)
    if v is None or v != v:
        return base
    t = min(1.0, abs(v) / scale) if scale > 0 else 0.0
    if lecture:
        return mix(QColor(LECTURE_BACKGROUND), QColor("#ffffff") if v > 0 else QColor("#000000"), t)
    end = QColor(theme.positive if v > 0 else theme.negative)
    return mix(base, end, 0.45 * t)


def readable_on(fill: QColor) -> QColor:
    """Black or white text, whichever reads on ``fill``."""
    lum = 0.299 * fill.redF() + 0.587 * fill.greenF() + 0.114 * fill.blueF()
    return QColor("#000000") if lum > 0.55 else QColor("#ffffff")
