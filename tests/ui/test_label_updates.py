"""A weight push (training, an edit) redraws what changed without moving the labels about."""
from __future__ import annotations

import pytest

from visualnn.engine.textfmt import fmt
from visualnn.io import examples_dir, load

pytestmark = pytest.mark.usefixtures("qapp")


@pytest.fixture
def graph(qtbot):
    from visualnn.ui.graph_view import GraphView
    from visualnn.ui.session import Session
    s = Session(document=load(examples_dir() / "mazur_2_2_2.json"))
    v = GraphView(s)
    qtbot.addWidget(v)
    v.resize(1366, 700)
    v.show()
    qtbot.waitExposed(v)
    s.seek(5)
    return v


def _rows(view) -> dict:
    """The top of each drawn text: a label that moved to another place has another top."""
    return {key: round(r[1], 6) for key, (r, _) in view.drawn_texts().items()}


def test_a_weight_push_shows_the_new_numbers_without_laying_the_labels_out_again(graph):
    s = graph.session
    s.set_params({"w1": 0.16})
    before, placements = _rows(graph), graph._placer.placements
    for w in (0.17, 0.18, 0.19, 0.21, 0.22):       # "0.3785", "0.379", ... : the same room for each
        s.set_params({"w1": w})
        assert graph.edge_label("i1", "net_h1") == f"w1 = {w}"
        assert graph.edge_label_item("i1", "net_h1").text() == f"w1 = {w}"
        assert graph.node_item("net_h1").lines["value"].text == fmt(s.state.values["net_h1"], 4)
    assert graph._placer.placements == placements
    assert _rows(graph) == before


def test_a_label_that_grows_is_laid_out_again_and_still_collides_with_nothing(graph):
    from visualnn.engine.label_layout import overlaps
    s = graph.session
    placements = graph._placer.placements
    s.set_params({"w1": -12.123456})
    assert graph._placer.placements == placements + 1
    assert graph.edge_label_item("i1", "net_h1").text() == "w1 = -12.1235"
    rects = [r for r, _ in graph.drawn_texts().values()]
    assert overlaps(rects) == []


def test_a_text_narrower_than_its_room_stays_against_its_node(graph):
    s = graph.session
    s.set_params({"w1": 0.1611})
    node = graph.node_item("net_h1")
    middle = node.box.x + node.box.w / 2            # the value's right edge is against the Σ half's middle
    right = graph.drawn_texts()[("node", "net_h1", "value")][0][2]
    s.set_params({"w1": 0.18})                     # "0.379": narrower than the room "0.3790..." had
    assert graph.drawn_texts()[("node", "net_h1", "value")][0][2] == pytest.approx(right)
    assert right < middle


def test_a_weight_push_recolours_its_edge_and_keeps_the_step_marked(graph):
    s = graph.session
    step = s.state.step
    colour, width = graph.edge_style("i1", "net_h1")
    s.set_params({"w1": -0.9})
    assert graph.edge_style("i1", "net_h1") != (colour, width)
    assert graph.node_item(step.node).is_current
    assert sorted(graph.current_edges()) == sorted((i, step.node) for i in step.inputs)
    assert graph.node_item("net_h1").lines["value"].text == fmt(s.state.values["net_h1"], 4)
