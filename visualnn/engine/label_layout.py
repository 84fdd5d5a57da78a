"""Where each label goes: rectangles that never overlap.  Qt-free.

A label layout in the way map labelling does it.  Each label (a node's name,
value or gradient, the numbers on an edge) comes as a ``Request``: a priority
and candidate places in order of preference (along its edge, beside it with a
leader line, then the same with shortened numbers).  ``place`` takes the
requests from the most important down; each gets its first candidate that
stays inside the picture and overlaps neither an obstacle (a node) nor a label
already placed, preferring spots that leave later labels their first choice.
A label with no free candidate is dropped (its full text stays on hover), so
the result never has two labels on top of each other.

Rectangles are ``(x1, y1, x2, y2)`` with y down, in any one unit.
"""
from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np

Rect = tuple[float, float, float, float]
# along an edge, nearest the middle first
EDGE_SPOTS = (0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78, 0.15, 0.85)
LEADER_STEPS = 3        # label heights a label may move off its edge (with a leader line)


@dataclass(frozen=True)
class Candidate:
    rect: Rect
    short: bool = False                         # the shortened text ("0.593…")
    leader: tuple[float, float] | None = None   # the point a leader line runs to


@dataclass
class Request:
    key: Hashable
    priority: float
    candidates: list[Candidate] = field(default_factory=list)


def _overlapping(cands: np.ndarray, others: np.ndarray) -> np.ndarray:
    """For each row of ``cands``, whether it overlaps any row of ``others`` (touching is not overlapping)."""
    if not len(others) or not len(cands):
        return np.zeros(len(cands), dtype=bool)
    w = np.minimum(cands[:, None, 2], others[None, :, 2]) - np.maximum(cands[:, None, 0], others[None, :, 0])
    h = np.minimum(cands[:, None, 3], others[None, :, 3]) - np.maximum(cands[:, None, 1], others[None, :, 1])
    return ((w > 0) & (h > 0)).any(axis=1)


def place(requests: Sequence[Request], obstacles: Sequence[Rect] = (), bounds: Rect | None = None,
          gap: float = 0.0) -> dict[Hashable, Candidate | None]:
    """The chosen candidate of each request (None: dropped).  ``gap``: the
    space kept between two labels and between a label and an obstacle."""
    order = sorted(range(len(requests)), key=lambda i: -requests[i].priority)
    obst = np.asarray(obstacles, dtype=float).reshape(-1, 4)
    homes = np.array([requests[i].candidates[0].rect if requests[i].candidates else (0, 0, 0, 0)
                      for i in order], dtype=float).reshape(-1, 4)
    placed = np.zeros((len(requests), 4))
    n = 0
    out: dict[Hashable, Candidate | None] = {}
    half = gap / 2
    for rank, i in enumerate(order):
        req = requests[i]
        out[req.key] = None
        if not req.candidates:
            continue
        rects = np.array([c.rect for c in req.candidates], dtype=float)
        grown = rects + np.array([-half, -half, half, half])
        free = ~_overlapping(grown, placed[:n] + np.array([-half, -half, half, half]))
        free &= ~_overlapping(grown, obst + np.array([-half, -half, half, half]))
        if bounds is not None:
            x1, y1, x2, y2 = bounds
            free &= (rects[:, 0] >= x1) & (rects[:, 1] >= y1) & (rects[:, 2] <= x2) & (rects[:, 3] <= y2)
        if not free.any():
            continue
        polite = free & ~_overlapping(grown, homes[rank + 1:])
        short = np.array([c.short for c in req.candidates])
        # the full text before the shortened one; within each, a spot that leaves later labels theirs
        for ok in (polite & ~short, free & ~short, polite & short, free & short):
            if ok.any():
                k = int(np.argmax(ok))
                break
        out[req.key] = req.candidates[k]
        placed[n] = rects[k]
        n += 1
    return out


def overlaps(rects: Sequence[Rect], tolerance: float = 0.0) -> list[tuple[int, int]]:
    """The pairs of rectangles that overlap by more than ``tolerance`` in both directions."""
    r = np.asarray(rects, dtype=float).reshape(-1, 4)
    w = np.minimum(r[:, None, 2], r[None, :, 2]) - np.maximum(r[:, None, 0], r[None, :, 0])
    h = np.minimum(r[:, None, 3], r[None, :, 3]) - np.maximum(r[:, None, 1], r[None, :, 1])
    hit = (w > tolerance) & (h > tolerance)
    return [(int(a), int(b)) for a, b in zip(*np.nonzero(np.triu(hit, 1)))]


def edge_candidates(seg: Rect, size: tuple[float, float], short_size: tuple[float, float] | None, split: float,
                    margin: float, spots: Sequence[float] = EDGE_SPOTS) -> list[Candidate]:
    """Places for an edge's label of ``size`` (w, h) whose first ``split`` of
    height sits above the line: on the edge (the line running between the
    lines above and below), then wholly above or below it, then a line's
    height further off with a leader; all again with the short text."""
    x1, y1, x2, y2 = seg
    out: list[Candidate] = []
    for short, wh in ((False, size), (True, short_size)):
        if wh is None:
            continue
        w, h = wh
        a = split if not short else split * h / size[1]
        shifts = [(0.0, False), (-(h - a) - margin, False), (a + margin, False)]
        for n in range(1, LEADER_STEPS + 1):     # further off, with a leader line back to the edge
            shifts += [(-(h - a) - n * (h + margin) - margin, True), (a + n * (h + margin) + margin, True)]
        for dy, lead in shifts:
            for t in spots:
                px, py = x1 + t * (x2 - x1), y1 + t * (y2 - y1)
                top = py - a + dy
                out.append(Candidate((px - w / 2, top, px + w / 2, top + h), short, (px, py) if lead else None))
    return out
