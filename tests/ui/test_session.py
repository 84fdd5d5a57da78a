"""The session: stepping, edits with undo, view modes, selection and signals."""
from __future__ import annotations

import pytest

from visualnn.engine.trace import Stepper
from visualnn.ui.session import Session
from nets import mazur_model, mlp_model


def same_state(a, b):
    assert a.position == b.position and a.cycle == b.cycle and a.index == b.index
    assert a.values == pytest.approx(b.values)
    assert a.gradients == pytest.approx(b.gradients)
    assert a.param_gradients == pytest.approx(b.param_gradients)
    assert a.params == pytest.approx(b.params)
    assert a.edge_values == b.edge_values
    assert a.edge_gradients == b.edge_gradients
    assert (a.step is None) == (b.step is None) and (a.step is None or a.step.index == b.step.index)


def test_stepping_forward_in_place_equals_the_exact_state(qtbot):
    s = Session(model=mazur_model())
    ref = Stepper(s.graph, s.model.params, s.model.samples(), lr=0.5)
    for p in range(1, 2 * s.cycle_length + 3):
        same_state(s.step(), ref.state(p))


def test_every_move_emits_the_state(qtbot):
    s = Session(model=mazur_model())
    seen = []
    s.sigStateChanged.connect(seen.append)
    s.step()
    s.back()
    s.seek(5)
    s.end()
    s.reset()
    assert [st.position for st in seen] == [1, 0, 5, 19, 0]


def test_an_edit_after_the_update_changes_the_new_weights_and_undo_restores_them(qtbot):
    s = Session(model=mazur_model())
    s.end()
    trained = s.state.params["w5"]
    assert trained == pytest.approx(0.35891648, abs=1e-8)
    s.edit_value("w5", 0.2)
    assert s.state.params["w5"] == 0.2 and s.position == s.cycle_length
    assert s.model.params["w5"] == 0.4                 # the file's starting value is untouched
    s.seek(s.cycle_length + 5)                          # pass 2, net_o1 computed
    assert s.state.values["net_o1"] == pytest.approx(
        0.2 * s.state.values["out_h1"] + s.state.params["w6"] * s.state.values["out_h2"] + s.state.params["b2"])
    s.undo_stack.undo()
    assert s.state.params["w5"] == trained


def test_an_edit_in_the_first_pass_changes_the_model(qtbot):
    s = Session(model=mazur_model())
    params, dirty = [], []
    s.sigParamsChanged.connect(lambda: params.append(1))
    s.sigDirtyChanged.connect(dirty.append)
    s.seek(4)
    s.edit_value("w1", 0.5)
    assert s.model.params["w1"] == 0.5 and s.position == 4
    assert params and dirty == [True] and s.dirty
    s.edit_value("i2", 0.3)
    assert s.model.data.columns["i2"][0] == 0.3
    assert s.state.values["net_h1"] == pytest.approx(0.5 * 0.05 + 0.2 * 0.3 + 0.35)
    s.undo_stack.undo()
    s.undo_stack.undo()
    assert s.model.params["w1"] == 0.15 and s.model.data.columns["i2"][0] == 0.1 and not s.dirty


def test_set_params_is_one_undoable_edit(qtbot):
    s = Session(model=mazur_model())
    s.set_params({"w5": 0.1, "w6": 0.2})
    assert s.undo_stack.count() == 1
    s.undo_stack.undo()
    assert (s.value_of("w5"), s.value_of("w6")) == (0.4, 0.45)


def test_only_inputs_targets_and_parameters_are_editable(qtbot):
    s = Session(model=mazur_model())
    assert s.editable("w5") and s.editable("i1") and s.editable("target_o1") and s.editable("b1")
    assert not s.editable("net_h1") and not s.editable("E_total")
    with pytest.raises(KeyError):
        s.edit_value("net_h1", 1.0)
    with pytest.raises(ValueError):
        s.edit_value("w5", float("nan"))
    with pytest.raises(ValueError):
        s.set_learning_rate(0)


def test_the_gate_view_keeps_the_step_and_the_edits(qtbot):
    s = Session(model=mazur_model())
    modes = []
    s.sigViewModeChanged.connect(modes.append)
    s.seek(s.cycle_length + 3)            # pass 2, after net_h1, out_h1, net_h2
    s.edit_value("w1", 0.7)               # edits pass 2's weights
    assert s.set_view_mode("gate") and modes == ["gate"]
    assert s.state.step.node == "net_h2" and s.state.cycle == 1
    assert s.state.params["w1"] == 0.7
    assert s.state.values["net_h1"] == pytest.approx(0.7 * 0.05 + s.state.params["w2"] * 0.1 + s.state.params["b1"])
    assert "w1*i1" in s.graph.nodes
    s.set_view_mode("neuron")
    assert s.position == s.cycle_length + 3


def test_the_gate_view_is_refused_for_a_huge_network(qtbot):
    s = Session(model=mlp_model([64, 64, 64, 10], random_seed=0, samples=1))
    assert not s.gate_available()
    assert not s.set_view_mode("gate") and s.view_mode == "neuron"


def test_selection_names_parameters_in_click_order(qtbot):
    s = Session(model=mazur_model())
    changes = []
    s.sigSelectionChanged.connect(lambda: changes.append(list(s.selection)))
    s.select([("out_h1", "net_o1")])
    s.select(["b1"], add=True)
    s.select([("i1", "net_h1")], add=True)
    assert s.selection == [("out_h1", "net_o1", "w5"), "b1", ("i1", "net_h1", "w1")]
    assert s.selected_params() == ["w5", "b1", "w1"]
    s.select(["b1"], add=True)            # toggles out
    assert s.selected_params() == ["w5", "w1"] and len(changes) == 4
    s.clear_selection()
    assert s.selection == []


def test_choosing_a_sample_keeps_the_step(qtbot):
    s = Session(model=mlp_model([2, 3, 1], random_seed=0, samples=4))
    s.seek(5)
    s.set_sample(2)
    assert s.position == 5 and s.sample_index == 2
    x = s.stepper.samples[2]
    assert s.state.values["x1"] == x["x1"]
    with pytest.raises(IndexError):
        s.set_sample(7)
    assert s.sample_index == 2


def test_a_new_model_resets_everything(qtbot):
    s = Session(model=mazur_model())
    s.seek(7)
    s.select(["w5"])
    s.edit_value("w5", 0.3)
    docs = []
    s.sigDocumentChanged.connect(lambda: docs.append(1))
    s.set_model(mlp_model([2, 2, 1], random_seed=0, samples=1))
    assert docs and s.position == 0 and s.selection == [] and not s.dirty and s.undo_stack.count() == 0


def test_a_graph_without_loss_stops_at_the_end_of_its_trace(qtbot):
    from visualnn.engine import Model
    from visualnn.engine.graph import Graph, Node
    g = Graph([Node("x", "input"), Node("y", "input"), Node("z", "input"), Node("q", "add", ("x", "y")),
               Node("f", "mul", ("q", "z"))])
    from visualnn.engine.model import Dataset
    import numpy as np
    m = Model("f = (x + y) z", g, {}, data=Dataset({"x": np.array([-2.0]), "y": np.array([5.0]),
                                                     "z": np.array([-4.0])}))
    s = Session(model=m)
    assert not s.has_update
    for _ in range(10):
        s.step()
    assert s.position == s.cycle_length == 4
    assert s.state.gradients["x"] == -4 and s.state.gradients["z"] == 3


def test_a_drag_of_parameters_is_one_undo_step(qtbot):
    s = Session(model=mazur_model())
    for k in range(5):
        s.set_params({"w5": 0.1 * k + 0.05, "w6": 0.2}, merge=True)
    assert s.undo_stack.count() == 1 and s.value_of("w5") == pytest.approx(0.45)
    s.edit_value("w5", 0.9)
    s.edit_value("w5", 0.8)
    assert s.undo_stack.count() == 3                 # edits from the dialog stay separate
    s.undo_stack.undo()
    s.undo_stack.undo()
    s.undo_stack.undo()
    assert (s.value_of("w5"), s.value_of("w6")) == (0.4, 0.45)


def test_the_weights_in_effect_are_announced_only_when_they_change(qtbot):
    s = Session(model=mazur_model())
    seen = []
    s.sigShownParamsChanged.connect(lambda p: seen.append(dict(p)))
    for _ in range(s.cycle_length - 1):
        s.step()                               # forward and backward: the same weights
    assert seen == []
    s.step()                                   # the update
    assert len(seen) == 1 and seen[0]["w5"] == pytest.approx(0.35891648, abs=1e-8)
    s.step()                                   # pass 2 starts from the same new weights
    assert len(seen) == 1
    s.edit_value("w5", 0.3)
    assert len(seen) == 2 and seen[-1]["w5"] == 0.3
    s.reset()
    assert len(seen) == 3 and seen[-1]["w5"] == 0.4


def test_edit_menu_undo_and_redo_name_the_edit_and_grey_out_when_empty(qtbot, window):
    s = window.session
    undo, redo = window.undo_action, window.redo_action
    assert not undo.isEnabled() and not redo.isEnabled()
    s.edit_value("w5", 0.2)
    assert undo.isEnabled() and undo.text() == "&Undo set w5 = 0.2"
    undo.trigger()
    assert s.value_of("w5") == 0.4 and not undo.isEnabled()
    assert redo.isEnabled() and redo.text() == "&Redo set w5 = 0.2"
    redo.trigger()
    assert s.value_of("w5") == 0.2
