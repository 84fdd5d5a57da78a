"""The label layout never puts two labels on top of each other."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from visualnn.engine.label_layout import Candidate, Request, edge_candidates, overlaps, place


def _rect(x, y, w, h):
    return (x, y, x + w, y + h)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 60))
def test_placed_labels_never_overlap_each_other_or_a_node(seed, n):
    rng = np.random.default_rng(seed)
    nodes = [_rect(*rng.uniform(0, 400, 2), 30, 30) for _ in range(8)]
    reqs = []
    for i in range(n):
        x1, y1, x2, y2 = rng.uniform(0, 400, 4)
        w, h = rng.uniform(10, 80), rng.uniform(8, 30)
        reqs.append(Request(i, float(rng.integers(0, 5)), edge_candidates((x1, y1, x2, y2), (w, h), (w / 2, h), h / 2, 1)))
    out = place(reqs, nodes, bounds=(0, 0, 400, 400), gap=1.0)
    rects = [c.rect for c in out.values() if c is not None]
    assert overlaps(rects) == []
    assert all(not overlaps([r, o]) for r in rects for o in nodes)
    assert all(0 <= r[0] and 0 <= r[1] and r[2] <= 400 and r[3] <= 400 for r in rects)


def test_the_more_important_label_wins_the_contested_spot():
    spot = Candidate(_rect(0, 0, 50, 10))
    out = place([Request("weight", 1, [spot]), Request("current step", 9, [spot])])
    assert out["current step"] == spot and out["weight"] is None


def test_a_label_moves_along_its_edge_or_off_it_with_a_leader_before_it_is_dropped():
    blocker = _rect(40, -20, 20, 40)              # a node in the middle of the edge
    cands = edge_candidates((0, 0, 100, 0), (16, 8), None, 4, 1)
    out = place([Request("w", 1, cands)], [blocker])["w"]
    assert out is not None and not overlaps([out.rect, blocker])
    crowded = [_rect(-200, -200, 400, 400)]
    assert place([Request("w", 1, cands)], crowded)["w"] is None


def test_a_shortened_label_is_used_only_when_the_full_one_has_no_room():
    cands = edge_candidates((0, 0, 100, 0), (90, 8), (30, 8), 4, 1)
    assert place([Request("w", 1, cands)], bounds=(-10, -60, 110, 60))["w"].short is False
    narrow = place([Request("w", 1, cands)], bounds=(20, -60, 80, 60))["w"]
    assert narrow is not None and narrow.short is True


def test_a_label_with_more_places_takes_one_farther_out_before_it_is_shortened():
    from visualnn.engine.label_layout import open_candidates
    cands = edge_candidates((0, 0, 100, 0), (60, 8), (20, 8), 4, 1, leader_steps=0)
    blocker = _rect(-10, -30, 120, 60)           # every place near the edge is taken, but not the far corner
    first = place([Request("w", 1, cands)], [blocker], bounds=(-10, -100, 200, 100))["w"]
    assert first is None
    more = place([Request("w", 1, cands, more=lambda: open_candidates((50, 0), (60, 8), (20, 8),
                                                                      (-10, -100, 200, 100), (10, 4)))],
                 [blocker], bounds=(-10, -100, 200, 100))["w"]
    assert more is not None and not more.short and more.leader == (50, 0)
    assert not overlaps([more.rect, blocker])
