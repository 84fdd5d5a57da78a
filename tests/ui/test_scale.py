"""A big network in the graph view: [784, 64, 10], about 51,000 edges.

It opens with every node and edge, steps forward, backward and through the
update (which recolours every edge), and labels only what can be seen.  The
edge image of a graph this size is drawn between events, a slice at a time;
these tests check that image is complete and exactly what drawing every
edge at once gives.  Speed is measured in ``benchmarks/scale.py``, not here.
"""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from visualnn.engine.explain import fmt
from visualnn.ui import graph_view as gv
from visualnn.ui import theme as th
from visualnn.ui.graph_view import GraphView
from visualnn.ui.session import Session

from nets import mlp_model

BIG = [784, 64, 10]


@pytest.fixture(scope="module")
def big_model():
    return mlp_model(BIG, random_seed=3, samples=1)


@pytest.fixture
def big_view(qtbot, big_model):
    s = Session()
    s.set_model(big_model.copy())
    v = GraphView(s)
    qtbot.addWidget(v)
    v.resize(1400, 800)
    v.show()
    qtbot.waitExposed(v)
    return v


def direct_edges(view: GraphView) -> QImage:
    """Every edge drawn at once at the view's current zoom: what the slices must add up to."""
    img, _ = view.edge_item.screen_image()
    ref = QImage(img.size(), QImage.Format_ARGB32_Premultiplied)
    ref.setDevicePixelRatio(img.devicePixelRatio())
    ref.fill(Qt.transparent)
    p = QPainter(ref)
    p.setTransform(view.viewportTransform())
    view.edge_item.draw_all(p)
    p.end()
    return ref


def wait_for_edges(qtbot, view: GraphView):
    view.viewport().repaint()
    qtbot.waitUntil(lambda: not view.edges_pending, timeout=30000)


def step_index(session: Session, phase: str, node: str) -> int:
    """The position right after the step ``phase`` of ``node`` in the first pass."""
    for s in session.steps_of_cycle(0):
        if s.phase == phase and s.node == node:
            return s.index + 1
    raise AssertionError(f"no {phase} step of {node}")


def test_big_network_opens_with_every_node_and_edge(qtbot, big_view, big_model):
    g = big_model.graph
    assert set(big_view.node_names()) == set(g.nodes)
    edges = list(g.edges())
    assert len(edges) > 50_000
    assert set(big_view.edge_keys()) == {(a, b) for a, b, _ in edges}
    assert big_view.edge_item.progressive
    wait_for_edges(qtbot, big_view)
    img, t = big_view.edge_item.screen_image()
    assert img is not None and t == big_view.viewportTransform()
    assert img == direct_edges(big_view)
    # the edges cover the band between the inputs and the hidden layer
    x = big_view.mapFromScene(QPointF(big_view.layout_info.boxes["x1"].x * 0.5 +
                                      big_view.layout_info.boxes["net_h1_1"].x * 0.5, 0)).x()
    dpr = img.devicePixelRatio()
    assert QColor(img.pixel(int(x * dpr), int(big_view.viewport().height() / 2 * dpr))).alpha() == 255


def test_big_network_steps_forward_backward_and_through_the_update(qtbot, big_view):
    s, v = big_view.session, big_view
    # forward: a hidden neuron's weighted sum of 784 inputs
    s.seek(step_index(s, "forward", "net_h1_5") - 1)
    st = s.step()
    assert st.step.node == "net_h1_5"
    assert v.node_item("net_h1_5").value_text() == fmt(st.values["net_h1_5"], s.digits)
    assert v.node_item("net_h1_5").is_current
    assert len(v.current_edges()) == 785
    # backward through the same neuron: all 785 inputs get their gradients
    s.seek(step_index(s, "backward", "net_h1_5") - 1)
    st = s.step()
    assert st.step.phase == "backward" and st.step.node == "net_h1_5"
    for e in st.step.edges[::97]:
        assert v.node_item(e.src).gradient_text() == f"∂ {fmt(st.gradients[e.src], s.digits)}"
    # the update recolours every edge
    wait_for_edges(qtbot, v)
    s.seek(s.cycle_length - 1)
    wait_for_edges(qtbot, v)
    before, _ = v.edge_item.screen_image()
    st = s.step()
    assert st.step.phase == "update" and st.updated
    params = st.params
    weights = [(a, b, w) for a, b, w in s.graph.edges() if w is not None]
    scale = gv.robust_scale([params[w] for _, _, w in weights])     # the legend's robust range
    rng = np.random.default_rng(0)
    for k in rng.choice(len(weights), 200, replace=False):
        a, b, w = weights[k]
        colour, width = v.edge_style(a, b)
        k_bin = th.weight_bin(params[w], scale)
        assert colour == th.bin_color(k_bin, v.theme), (a, b, params[w])
    # the step returned before the new colours were drawn; they follow between events
    v.viewport().repaint()
    assert v.edges_pending
    wait_for_edges(qtbot, v)
    after, _ = v.edge_item.screen_image()
    assert after == direct_edges(v)
    assert after != before
    # the next pass runs on the new weights
    st = s.step()
    assert st.cycle == 1 and st.step.phase == "forward"
    node = st.step.node
    assert v.node_item(node).value_text() == fmt(st.values[node], s.digits)
    assert s.stepper.trace(1).params == params


def _zoom_to_read(view: GraphView):
    view.zoom(1.0 / view.transform().m11())
    assert view.texts_visible


def _centre_on_label_spot(view: GraphView, src: str, dst: str):
    a, b = view.layout_info.boxes[src], view.layout_info.boxes[dst]
    x1, y1, x2, y2 = a.x + a.w / 2, a.y, b.x - b.w / 2, b.y
    t = 0.42
    view.centerOn(QPointF(x1 + t * (x2 - x1), y1 + t * (y2 - y1)))


def test_big_network_labels_only_the_edges_in_sight(qtbot, big_view):
    s, v = big_view.session, big_view
    _zoom_to_read(v)
    _centre_on_label_spot(v, "x400", "net_h1_1")
    st = s.seek(step_index(s, "forward", "net_h1_1"))
    labelled = [k for k in v.edge_keys() if v.edge_label(*k)]
    assert 1 <= len(labelled) <= gv.STEP_LABELS_IN_SIGHT
    assert all(b == "net_h1_1" for _, b in labelled)
    assert fmt(st.edge_values[("x400", "net_h1_1")], s.digits) in v.edge_label("x400", "net_h1_1")
    # scroll to the other end of the fan: those edges get their labels, the old ones go
    _centre_on_label_spot(v, "x20", "net_h1_1")
    qtbot.waitUntil(lambda: v.edge_label("x20", "net_h1_1") != "", timeout=5000)
    assert fmt(st.edge_values[("x20", "net_h1_1")], s.digits) in v.edge_label("x20", "net_h1_1")
    assert v.edge_label("x400", "net_h1_1") == ""
    # stepping on through many neurons does not pile up label items
    for _ in range(40):
        s.step()
    assert len(v.scene().items()) < len(s.graph.nodes) * 5 + 10 * gv.STEP_LABELS_IN_SIGHT


def test_big_network_exports_every_edge_at_once(big_view):
    img = big_view.render_scene(scale=0.01)
    assert img.width() > 500
    boxes = big_view.layout_info.boxes
    r = big_view.scene().itemsBoundingRect().adjusted(-20, -20, 20, 20)
    x = (0.5 * (boxes["x1"].x + boxes["net_h1_1"].x) - r.left()) * 0.01
    y = (0.0 - r.top()) * 0.01
    assert QColor(img.pixel(int(x), int(y))) != QColor(big_view.theme.background)


def test_big_network_in_the_stepper_window(qtbot, window, big_model, dialogs):
    win = window
    win.show_model(big_model.copy())
    s = win.session
    assert set(win.view.node_names()) == set(s.graph.nodes)
    # too many gates to draw one by one: the window says so and stays in the neuron view
    assert not win.set_view_mode("gate")
    assert s.view_mode == "neuron"
    for _ in range(5):
        s.step()
    s.end()
    assert s.state.updated
    st = s.step()
    assert st.cycle == 1
    win.view.viewport().repaint()
    qtbot.waitUntil(lambda: not win.view.edges_pending, timeout=30000)
    assert not dialogs.shown
