"""Left from the update and Right onto it again colour the edges by the weights
before and after it without binning 50k weights again; an edited weight is binned
anew (issue 10)."""
from __future__ import annotations

from nets import mlp_model

from visualnn.ui import graph_edges
from visualnn.ui.graph_view import GraphView
from visualnn.ui.session import Session


def _colours(view):
    return [view.edge_style(a, b) for a, b in view.edge_keys()]


def test_left_and_right_across_the_update_reuse_the_colour_bins_of_both_weights(qtbot, monkeypatch):
    s = Session()
    s.set_model(mlp_model([6, 4, 2], random_seed=3, samples=1, learning_rate=5.0))
    v = GraphView(s)
    qtbot.addWidget(v)
    L = s.cycle_length
    s.seek(L - 1)
    before = _colours(v)
    s.step()                                           # the update: new weights, new colours
    after = _colours(v)
    assert after != before
    binned = []
    monkeypatch.setattr(graph_edges, "robust_scale",
                        lambda w, real=graph_edges.robust_scale: binned.append(1) or real(w))
    s.back()
    assert _colours(v) == before
    s.step()
    assert _colours(v) == after
    assert binned == []                                 # both came from the two kept
    s.back()
    s.set_params({next(iter(s.model.params)): 9.0})      # an edit: weights never binned before
    assert binned
