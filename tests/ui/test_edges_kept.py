"""Left from the update step and Right onto it again show the edge picture of the
other weights at once: it is kept, not drawn again (issue 10)."""
from __future__ import annotations

from visualnn.ui.graph_view import PROGRESSIVE_EDGES, GraphView
from visualnn.ui.session import Session

from nets import mlp_model


def _wait_for_edges(qtbot, view):
    """Until the on-screen edge image of what is shown now is complete."""
    view.viewport().update()
    qtbot.waitUntil(lambda: not view.edges_pending and view.edge_item.image_current, timeout=30000)


def test_left_from_the_update_shows_the_old_weights_edges_without_drawing_them_again(qtbot):
    s = Session()
    s.set_model(mlp_model([300, 70, 10], random_seed=1, samples=1))
    v = GraphView(s)
    qtbot.addWidget(v)
    v.resize(1200, 700)
    v.show()
    qtbot.waitExposed(v)
    assert len(v.edge_keys()) > PROGRESSIVE_EDGES and v.edge_item.progressive
    L = s.cycle_length
    s.seek(L - 1)                                  # the pass done, before the update
    _wait_for_edges(qtbot, v)
    old_weights, _ = v.edge_item.screen_image()
    s.step()                                       # the update recolours the edges
    _wait_for_edges(qtbot, v)
    new_weights, _ = v.edge_item.screen_image()
    assert new_weights != old_weights

    s.back()
    assert v.edge_item.image_current and not v.edges_pending    # nothing to draw: the old picture came back
    assert v.edge_item.screen_image()[0] == old_weights
    s.step()
    assert v.edge_item.image_current and not v.edges_pending
    assert v.edge_item.screen_image()[0] == new_weights
