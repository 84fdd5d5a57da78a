"""Where nodes go: left to right by computation, the same every time, never overlapping."""
from __future__ import annotations

import itertools

from visualnn.ui.layout import layout
from nets import mazur_model, mlp_model


def boxes_overlap(a, b) -> bool:
    return (abs(a.x - b.x) * 2 < a.w + b.w) and (abs(a.y - b.y) * 2 < a.h + b.h)


def test_the_same_network_always_draws_the_same_way():
    first = layout(mazur_model().graph)
    again = layout(mazur_model().graph)
    assert {n: (b.x, b.y) for n, b in first.boxes.items()} == {n: (b.x, b.y) for n, b in again.boxes.items()}


def test_every_edge_runs_left_to_right():
    for graph, mode in ((mazur_model().graph, "neuron"), (mazur_model().gate_graph(), "gate"),
                        (mlp_model([3, 4, 2], random_seed=0, samples=1).graph, "neuron")):
        lay = layout(graph, mode)
        for a, b, _ in graph.edges():
            if (a, b) in lay.internal:
                assert lay.boxes[a].x < lay.boxes[b].x and lay.boxes[a].y == lay.boxes[b].y
            else:
                assert lay.boxes[a].x < lay.boxes[b].x, (a, b)


def test_no_two_nodes_overlap():
    for graph, mode in ((mazur_model().graph, "neuron"), (mazur_model().gate_graph(), "gate"),
                        (mlp_model([8, 20, 3], random_seed=0, samples=1).graph, "neuron")):
        lay = layout(graph, mode)
        for a, b in itertools.combinations(lay.boxes.values(), 2):
            assert not boxes_overlap(a, b), (a.name, b.name)


def test_a_neuron_is_one_unit_of_two_halves_in_the_neuron_view_only():
    g = mazur_model().graph
    lay = layout(g, "neuron")
    assert lay.boxes["net_h1"].half == "left" and lay.boxes["out_h1"].half == "right"
    assert lay.boxes["net_h1"].label == "h1" and lay.boxes["out_h1"].label == ""
    assert lay.boxes["net_h1"].symbol == "Σ" and lay.boxes["out_h1"].symbol == "σ"
    gate = layout(mazur_model().gate_graph(), "gate")
    assert gate.boxes["net_h1"].half is None and gate.boxes["w1*i1"].symbol == "×"


def test_each_kind_of_node_has_its_own_shape():
    lay = layout(mazur_model().graph)
    shapes = {n: b.shape for n, b in lay.boxes.items()}
    assert shapes["i1"] == "input" and shapes["target_o1"] == "target" and shapes["b1"] == "param"
    assert shapes["net_h1"] == "sum" and shapes["out_h1"] == "activation" and shapes["E_total"] == "loss"


def test_inputs_first_then_layers_then_the_loss():
    lay = layout(mazur_model().graph)
    x = {n: b.x for n, b in lay.boxes.items()}
    assert x["i1"] == x["i2"] < x["net_h1"] < x["net_o1"] < x["E_total"]
    assert x["b1"] == x["i1"]                       # a bias sits in the column before its neurons
    y = {n: b.y for n, b in lay.boxes.items()}
    assert y["i1"] < y["i2"] and y["out_h1"] < y["out_h2"]


def test_large_networks_draw_small():
    lay = layout(mlp_model([64, 64, 64, 10], random_seed=0, samples=1).graph)
    assert lay.compact and max(b.h for b in lay.boxes.values()) <= 16
