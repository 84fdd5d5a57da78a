"""Structure edits on the session model, without Qt: undo and redo are exact,
the step number stays (or the nearest valid one), samples come and go."""
import pytest

from visualnn.engine.architecture import ArchitectureError
from visualnn.io.recipe import NetworkRecipe, new_document
from visualnn.state import SessionModel


def _session(**kw):
    return SessionModel(document=new_document(NetworkRecipe(**kw)))


def test_each_edit_is_one_undo_step_and_redo_is_bit_identical():
    s = _session(hidden=[2, 2], activations=["tanh", "tanh"])
    steps = []
    for edit, args in (("add_neuron", (0,)), ("add_layer", (2,)), ("remove_neuron", (1, 0)),
                       ("set_activation", (0, "relu")), ("set_bias", (0, 1, False)), ("remove_layer", (0,))):
        before = (s.model.spec.sizes, dict(s.model.params))
        s.edit_architecture(edit, *args)
        steps.append((before, (s.model.spec.sizes, dict(s.model.params))))
    for before, after in reversed(steps):
        assert (s.model.spec.sizes, s.model.params) == after
        s.undo_stack.undo()
        assert (s.model.spec.sizes, s.model.params) == before
    for before, after in steps:
        s.undo_stack.redo()
        assert (s.model.spec.sizes, s.model.params) == after


def test_an_edit_keeps_the_step_number_or_the_last_one_a_shorter_pass_has():
    s = _session(hidden=[3], activations=["tanh"])
    s.seek(40)                                   # in pass 2: positions past one pass stay valid
    s.edit_architecture("remove_neuron", 0, 2)
    assert s.position == 40
    s.seek(3)
    s.edit_architecture("add_neuron", 0)
    assert s.position == 3 and s.state.position == 3


def test_a_refused_edit_changes_nothing_and_pushes_nothing():
    s = _session()
    with pytest.raises(ArchitectureError):
        s.edit_architecture("remove_layer", 1)
    assert s.undo_stack.count() == 0 and s.model.spec.sizes == [2, 3, 1]


def test_freezing_is_undoable_and_the_update_leaves_a_frozen_weight():
    s = _session()
    s.set_sample(3)                              # x1 = x2 = 1: every weight has a gradient
    s.set_frozen("w_h1_1_y1", True)
    s.end()                                      # through the update step
    assert s.state.params["w_h1_1_y1"] == s.model.params["w_h1_1_y1"]
    assert s.state.params["w_h1_2_y1"] != s.model.params["w_h1_2_y1"]
    s.undo_stack.undo()
    assert "w_h1_1_y1" not in s.model.graph.frozen


def test_samples_added_and_removed_are_undone_exactly():
    s = _session()
    n = s.sample_count
    s.add_sample({"x1": 0.5, "x2": -0.5, "target_y1": 1.0})
    assert s.sample_count == n + 1
    s.set_sample(n)
    s.remove_sample(0)
    assert s.sample_count == n and s.sample_index == n - 1
    s.undo_stack.undo()
    s.undo_stack.undo()
    assert s.sample_count == n and list(s.model.data.columns["x1"]) == [0.0, 0.0, 1.0, 1.0]
    with pytest.raises(KeyError):
        s.add_sample({"x1": 1.0})


def test_an_edited_network_saves_and_opens_as_it_was(tmp_path):
    from visualnn.io import load, save
    s = _session(hidden=[2], activations=["tanh"], features=["x1", "x2", "x1·x2"])
    s.edit_architecture("add_neuron", 0)
    s.edit_architecture("add_layer", 1, 2, "relu")
    s.edit_architecture("set_bias", 0, 0, False)
    s.set_frozen("w_x1_h1_2", True)
    s.add_sample({"x1": 0.5, "x2": 0.5, "x1·x2": 0.25, "target_y1": 1.0})
    save(s.document, tmp_path / "edited.json")
    again = load(tmp_path / "edited.json").model
    m = s.model
    assert again.spec == m.spec and again.params == m.params
    assert again.graph.frozen == m.graph.frozen == {"w_x1_h1_2"}
    assert again.features == m.features == ["x1", "x2", "x1·x2"]
    assert all((again.data.columns[k] == v).all() for k, v in m.data.columns.items())
