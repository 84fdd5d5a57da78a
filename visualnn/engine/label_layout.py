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

from collections.abc import Callable, Hashable, Sequence
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
    align: float = 0.5          # where a narrower text sits in the rectangle: 0 left, 0.5 middle, 1 right


class Candidates:
    """Many candidates as arrays (a request's places, tested all at once):
    ``rects`` (n, 4), ``short`` (n,), ``leader`` (n, 2), NaN where there is none,
    ``align`` (n,).  Indexing gives a ``Candidate``."""

    __slots__ = ("rects", "short", "leader", "align")

    def __init__(self, rects, short=None, leader=None, align=None):
        self.rects = np.asarray(rects, dtype=float).reshape(-1, 4)
        n = len(self.rects)
        self.short = np.zeros(n, dtype=bool) if short is None else np.asarray(short, dtype=bool).reshape(n)
        self.leader = np.full((n, 2), np.nan) if leader is None else np.asarray(leader, dtype=float).reshape(n, 2)
        self.align = np.full(n, 0.5) if align is None else np.asarray(align, dtype=float).reshape(n)

    @classmethod
    def of(cls, cands: Sequence[Candidate] | Candidates) -> Candidates:
        if isinstance(cands, Candidates):
            return cands
        return cls([c.rect for c in cands], [c.short for c in cands],
                   [c.leader if c.leader is not None else (np.nan, np.nan) for c in cands],
                   [c.align for c in cands])

    @classmethod
    def join(cls, parts: Sequence[Candidates]) -> Candidates:
        parts = [p for p in parts if len(p)]
        if not parts:
            return cls(np.zeros((0, 4)))
        return cls(np.concatenate([p.rects for p in parts]), np.concatenate([p.short for p in parts]),
                   np.concatenate([p.leader for p in parts]), np.concatenate([p.align for p in parts]))

    def __len__(self) -> int:
        return len(self.rects)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __getitem__(self, i: int) -> Candidate:
        lx, ly = self.leader[i]
        lead = None if np.isnan(lx) else (float(lx), float(ly))
        rect = tuple(float(v) for v in self.rects[i])
        return Candidate(rect, bool(self.short[i]), lead, float(self.align[i]))   # type: ignore[arg-type]


@dataclass
class Request:
    key: Hashable
    priority: float
    candidates: Sequence[Candidate] | Candidates = field(default_factory=list)
    # further places, tried only when the first ones leave this label shortened or out
    more: Callable[[], Candidates] | None = None


def _overlapping(cands: np.ndarray, others: np.ndarray) -> np.ndarray:
    """For each row of ``cands``, whether it overlaps any row of ``others`` (touching is not overlapping)."""
    if not len(others) or not len(cands):
        return np.zeros(len(cands), dtype=bool)
    w = np.minimum(cands[:, None, 2], others[None, :, 2]) - np.maximum(cands[:, None, 0], others[None, :, 0])
    h = np.minimum(cands[:, None, 3], others[None, :, 3]) - np.maximum(cands[:, None, 1], others[None, :, 1])
    return ((w > 0) & (h > 0)).any(axis=1)


def _choice(free: np.ndarray, polite: np.ndarray, short: np.ndarray) -> int:
    """The full text before the shortened one; within each, a spot that leaves later labels theirs."""
    for ok in (polite & ~short, free & ~short, polite & short, free & short):
        if ok.any():
            return int(np.argmax(ok))
    return -1


MORE_ROUNDS = 3      # layouts that give more places to the labels still left shortened or out
QUICK_TRIES = 8      # a label's first free-looking candidates tested one by one before all at once


def _polite_all(grown: np.ndarray, owner: np.ndarray, homes: np.ndarray) -> np.ndarray | None:
    """For every candidate, whether it leaves every later label its first choice (None: too many to test at once)."""
    if len(grown) * len(homes) > 4_000_000:
        return None
    w = np.minimum(grown[:, None, 2], homes[None, :, 2]) - np.maximum(grown[:, None, 0], homes[None, :, 0])
    h = np.minimum(grown[:, None, 3], homes[None, :, 3]) - np.maximum(grown[:, None, 1], homes[None, :, 1])
    later = np.arange(len(homes))[None, :] > owner[:, None]
    return ~((w > 0) & (h > 0) & later).any(axis=1)


def _hits_any(r, placed: list) -> bool:
    x1, y1, x2, y2 = r
    for a1, b1, a2, b2 in placed:
        if x1 < a2 and a1 < x2 and y1 < b2 and b1 < y2:
            return True
    return False


def place(requests: Sequence[Request], obstacles: Sequence[Rect] = (), bounds: Rect | None = None,
          gap: float = 0.0) -> dict[Hashable, Candidate | None]:
    """The chosen candidate of each request (None: dropped).  ``gap``: the
    space kept between two labels and between a label and an obstacle.  A
    request with ``more`` places left shortened or out is placed again, with
    all of them, in another layout (and so is one that loses its place to it)."""
    chosen = _place(requests, obstacles, bounds, gap)
    wider: set = set()
    for _ in range(MORE_ROUNDS):
        lost = {r.key for r in requests if r.more is not None and r.key not in wider
                and ((c := chosen.get(r.key)) is None or c.short)}
        if not lost:
            break
        wider |= lost
        chosen = _place([Request(r.key, r.priority, Candidates.join([Candidates.of(r.candidates), r.more()]))
                         if r.key in wider and r.more is not None else r for r in requests], obstacles, bounds, gap)
    return chosen


def _place(requests: Sequence[Request], obstacles: Sequence[Rect], bounds: Rect | None,
           gap: float) -> dict[Hashable, Candidate | None]:
    order = sorted(range(len(requests)), key=lambda i: -requests[i].priority)
    cands = [Candidates.of(requests[i].candidates) for i in order]
    half = gap / 2
    grow = np.array([-half, -half, half, half])
    every = Candidates.join(cands)
    sizes = np.array([len(c) for c in cands], dtype=int)
    starts = np.concatenate([[0], np.cumsum(sizes)]).tolist()
    # what does not depend on what is placed before, tested for every candidate at once
    grown_all = every.rects + grow
    free_all = ~_overlapping(grown_all, np.asarray(obstacles, dtype=float).reshape(-1, 4) + grow)
    if bounds is not None:
        x1, y1, x2, y2 = bounds
        r = every.rects
        free_all &= (r[:, 0] >= x1) & (r[:, 1] >= y1) & (r[:, 2] <= x2) & (r[:, 3] <= y2)
    homes = np.array([c.rects[0] if len(c) else (0, 0, 0, 0) for c in cands], dtype=float).reshape(-1, 4)
    polite_all = _polite_all(grown_all, np.repeat(np.arange(len(cands)), sizes), homes)
    first_choice = free_all & ~every.short & (polite_all if polite_all is not None else True)
    placed: list = []           # grown rectangles of the labels placed so far
    out: dict[Hashable, Candidate | None] = {}
    for rank, i in enumerate(order):
        key = requests[i].key
        out[key] = None
        a, b = starts[rank], starts[rank + 1]
        k = -1
        if polite_all is not None:
            # most labels get one of their first places: test those one by one, cheaply
            tries = np.flatnonzero(first_choice[a:b])
            for j in tries[:QUICK_TRIES].tolist():
                if not _hits_any(grown_all[a + j].tolist(), placed):
                    k = j
                    break
            if k < 0 and len(tries) <= QUICK_TRIES and not free_all[a:b].any():
                continue
        if k < 0:
            free = free_all[a:b]
            if not free.any():
                continue
            grown = grown_all[a:b]
            free = free & ~_overlapping(grown, np.asarray(placed, dtype=float).reshape(-1, 4))
            if not free.any():
                continue
            polite = free & (polite_all[a:b] if polite_all is not None else
                             ~_overlapping(grown, homes[rank + 1:]))
            k = _choice(free, polite, every.short[a:b])
        out[key] = cands[rank][k]
        placed.append(grown_all[a + k].tolist())
    return out


def overlaps(rects: Sequence[Rect], tolerance: float = 0.0) -> list[tuple[int, int]]:
    """The pairs of rectangles that overlap by more than ``tolerance`` in both directions."""
    r = np.asarray(rects, dtype=float).reshape(-1, 4)
    w = np.minimum(r[:, None, 2], r[None, :, 2]) - np.maximum(r[:, None, 0], r[None, :, 0])
    h = np.minimum(r[:, None, 3], r[None, :, 3]) - np.maximum(r[:, None, 1], r[None, :, 1])
    hit = (w > tolerance) & (h > tolerance)
    return [(int(a), int(b)) for a, b in zip(*np.nonzero(np.triu(hit, 1)))]


def edge_candidates(seg: Rect, size: tuple[float, float], short_size: tuple[float, float] | None, split: float,
                    margin: float, spots: Sequence[float] = EDGE_SPOTS,
                    leader_steps: int = LEADER_STEPS) -> Candidates:
    """Places for an edge's label of ``size`` (w, h) whose first ``split`` of
    height sits above the line: on the edge (the line running between the
    lines above and below), then wholly above or below it, then a line's
    height further off with a leader; all again with the short text."""
    x1, y1, x2, y2 = seg
    t = np.asarray(spots, dtype=float)
    px, py = x1 + t * (x2 - x1), y1 + t * (y2 - y1)
    parts = []
    for short, wh in ((False, size), (True, short_size)):
        if wh is None:
            continue
        w, h = wh
        a = split if not short else split * h / size[1]
        dys = [0.0, -(h - a) - margin, a + margin]
        for n in range(1, leader_steps + 1):     # further off, with a leader line back to the edge
            dys += [-(h - a) - n * (h + margin) - margin, a + n * (h + margin) + margin]
        dy = np.array(dys)[:, None]
        top = (py - a)[None, :] + dy
        left = np.broadcast_to(px - w / 2, top.shape)
        rects = np.stack([left, top, left + w, top + h], axis=-1).reshape(-1, 4)
        lead = np.empty((len(dys), len(t), 2))
        lead[..., 0], lead[..., 1] = px, py
        lead[:3] = np.nan                       # on the edge, or just above or below it: no leader
        parts.append(Candidates(rects, np.full(len(rects), short), lead.reshape(-1, 2)))
    return Candidates.join(parts)


def open_candidates(anchor: tuple[float, float], size: tuple[float, float], short_size: tuple[float, float] | None,
                    bounds: Rect, pitch: tuple[float, float]) -> Candidates:
    """Places anywhere in ``bounds`` on a grid of ``pitch`` (x, y), nearest ``anchor``
    first, each with a leader line to it: the last resort of a label that must be
    shown whole (a step with many inputs crowds its own edges)."""
    x1, y1, x2, y2 = bounds
    ax, ay = anchor
    parts = []
    for short, wh in ((False, size), (True, short_size)):
        if wh is None:
            continue
        w, h = wh
        xs = np.arange(x1, x2 - w, max(pitch[0], 1e-9))
        ys = np.arange(y1, y2 - h, max(pitch[1], 1e-9))
        if not len(xs) or not len(ys):
            continue
        gx, gy = (g.ravel() for g in np.meshgrid(xs, ys))
        order = np.argsort(np.hypot(gx + w / 2 - ax, gy + h / 2 - ay), kind="stable")
        gx, gy = gx[order], gy[order]
        rects = np.stack([gx, gy, gx + w, gy + h], axis=1)
        parts.append(Candidates(rects, np.full(len(rects), short), np.tile((ax, ay), (len(rects), 1))))
    return Candidates.join(parts)
