"""Building a network in the window (issue 13): File > New network…, editing
the architecture on the graph, undo and redo."""
import numpy as np
import pytest

from visualnn.engine.datasets import GENERATORS
from visualnn.engine.datasets import shape as data_shape
from visualnn.io import load


def _new_xor_with_product(qtbot, window):
    """File > New network…: 2-3-1 tanh on xor with the x1·x2 feature, through the dialog's widgets."""
    window.new_action.trigger()
    dialog = window.new_dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.data.dataset.setCurrentIndex(dialog.data.dataset.findData("xor"))
    dialog.data.features["x1·x2"].setChecked(True)
    spin, act = dialog.hidden.rows[0]
    spin.setValue(3)
    act.setCurrentIndex(act.findData("tanh"))
    dialog.learning_rate.setValue(0.5)
    dialog.epochs.setValue(2000)
    dialog.init.setCurrentIndex(dialog.init.findData("xavier"))
    dialog.accept()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    return window.session


def test_new_network_opens_untitled_at_step_zero_and_trains_xor_below_005(qtbot, window):
    s = _new_xor_with_product(qtbot, window)
    assert s.model.spec.sizes == [3, 3, 1]
    assert s.model.spec.inputs == ["x1", "x2", "x1·x2"]
    assert [L.activation for L in s.model.spec.layers] == ["tanh", "sigmoid"]
    np.testing.assert_array_equal(s.model.data.columns["x1·x2"], [0, 0, 0, 1])
    assert s.position == 0 and s.path is None and s.dirty
    assert "untitled" in window.windowTitle()
    panel = window.plot_panels["Training"]
    panel.play()
    qtbot.waitUntil(lambda: panel.thread is None and panel.state != "running", timeout=60000)
    assert panel.history[-1] < 0.05


def test_new_network_saves_features_and_generator_by_name(qtbot, window, tmp_path):
    s = _new_xor_with_product(qtbot, window)
    path = tmp_path / "made.json"
    assert window.save_as(str(path))
    text = path.read_text(encoding="utf-8")
    assert '"generator": "xor"' in text and '"x1·x2"' in text
    again = load(path)
    assert again.model.params == s.model.params
    assert not s.dirty


def test_adding_a_neuron_undo_redo_keeps_the_weights_bit_identical(qtbot, window):
    s = _new_xor_with_product(qtbot, window)
    for _ in range(7):
        s.step()
    before = dict(s.model.params)
    menu = window.graph_menu("out_h1_2")
    next(a for a in menu.actions() if a.text() == "Add a neuron to layer 1").trigger()
    assert s.model.spec.sizes == [3, 4, 1] and s.position == 7
    added = dict(s.model.params)
    assert all(added[k] == v for k, v in before.items())            # every old weight kept, bit for bit
    assert "w_h1_4_y1" in added and "out_h1_4" in window.view.node_names()
    window.undo_action.trigger()
    assert s.model.spec.sizes == [3, 3, 1] and s.model.params == before
    window.redo_action.trigger()
    assert s.model.spec.sizes == [3, 4, 1] and s.model.params == added
    assert s.position == 7


def test_changing_a_layer_to_relu_changes_the_trace_ops(qtbot, window):
    s = _new_xor_with_product(qtbot, window)
    assert "tanh" in {st.op for st in s.steps_of_cycle(0)}
    menu = window.graph_menu("h1_1")
    acts = next(a.menu() for a in menu.actions() if a.menu() is not None)
    next(a for a in acts.actions() if a.text() == "relu").trigger()
    ops = {st.op for st in s.steps_of_cycle(0)}
    assert "relu" in ops and "tanh" not in ops
    window.set_view_mode("gate")
    assert any(n.op == "relu" for n in s.graph.nodes.values())         # the gate view follows


def test_freezing_a_weight_from_its_edge_keeps_it_through_training(qtbot, window):
    s = _new_xor_with_product(qtbot, window)
    menu = window.graph_menu(("x1", "net_h1_1"))
    next(a for a in menu.actions() if a.text().startswith("Freeze w_x1_h1_1")).trigger()
    assert "w_x1_h1_1" in s.model.graph.frozen
    w = s.model.params["w_x1_h1_1"]
    panel = window.plot_panels["Training"]
    panel.epochs.setValue(50)
    panel.play()
    qtbot.waitUntil(lambda: panel.thread is None and panel.state != "running", timeout=60000)
    assert panel.params["w_x1_h1_1"] == w


def test_an_edit_the_network_cannot_take_is_said_and_changes_nothing(qtbot, window):
    s = _new_xor_with_product(qtbot, window)
    menu = window.graph_menu("out_y1")
    remove = next(a for a in menu.actions() if a.text() == "Remove the output layer")
    assert not remove.isEnabled()
    from visualnn.ui.arch_menu import run_edit
    assert not run_edit(window, "remove_layer", 1)
    assert "not a hidden layer" in window.statusBar().currentMessage()
    assert s.model.spec.sizes == [3, 3, 1]


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_every_data_set_makes_a_network_that_fits_it(qtbot, window, name):
    window.new_action.trigger()
    dialog = window.new_dialog
    dialog.data.dataset.setCurrentIndex(dialog.data.dataset.findData(name))
    dialog.accept()
    assert not dialog.isVisible() and dialog.message.text() == ""
    s = window.session
    assert s.model.spec.sizes[0] == data_shape(name)[0] and s.dirty and s.position == 0


@pytest.mark.parametrize("name", ["spiral3", "blobs3"])
def test_a_three_class_data_set_makes_a_softmax_cross_entropy_network(qtbot, window, name):
    window.new_action.trigger()
    dialog = window.new_dialog
    dialog.data.dataset.setCurrentIndex(dialog.data.dataset.findData(name))
    dialog.accept()
    s = window.session
    assert s.model.spec.sizes[-1] == 3 and s.model.spec.loss == "class_cross_entropy"
    assert set(np.unique(s.model.data.columns["target_class"])) == {0.0, 1.0, 2.0}


def test_generating_new_data_is_one_undo_step_and_saves_its_recipe(qtbot, window, tmp_path):
    s = _new_xor_with_product(qtbot, window)
    old = {k: v.copy() for k, v in s.model.data.columns.items()}
    dialog = window.generate_data()
    assert dialog.data.dataset.findData("circles") >= 0 and dialog.data.dataset.findData("sine") < 0
    assert dialog.data.features["x1·x2"].isEnabled() and dialog.data.features["x1·x2"].isChecked()
    dialog.data.dataset.setCurrentIndex(dialog.data.dataset.findData("circles"))
    dialog.data.samples.setValue(50)
    dialog.data.noise.setValue(0.1)
    dialog.data.data_seed.setValue(3)
    dialog.accept()
    cols = s.model.data.columns
    assert s.sample_count == 50
    np.testing.assert_array_equal(cols["x1·x2"], cols["x1"] * cols["x2"])
    path = tmp_path / "circles.json"
    assert window.save_as(str(path))
    text = path.read_text(encoding="utf-8")
    assert '"generator": "circles"' in text and '"n": 50' in text and '"samples"' not in text
    np.testing.assert_array_equal(load(path).model.data.columns["x1"], cols["x1"])
    window.undo_action.trigger()
    assert all(np.array_equal(s.model.data.columns[k], v) for k, v in old.items())


def test_the_network_toolbar_adds_and_removes_neurons_and_layers_and_sets_activations(qtbot, window):
    s = _new_xor_with_product(qtbot, window)
    bar = window.network_toolbar
    bar.buttons["+n0"].click()
    assert s.model.spec.sizes == [3, 4, 1]
    window.network_toolbar.buttons["+l1"].click()                 # rebuilt: the new toolbar's buttons
    assert s.model.spec.sizes == [3, 4, 4, 1]
    window.network_toolbar.buttons["-n1"].click()
    assert s.model.spec.sizes == [3, 4, 3, 1]
    combo = window.network_toolbar.activations[1]
    combo.setCurrentIndex(combo.findData("elu"))
    combo.activated.emit(combo.currentIndex())
    assert s.model.spec.layers[1].activation == "elu"
    window.network_toolbar.buttons["-l0"].click()
    assert s.model.spec.sizes == [3, 3, 1]
    for _ in range(5):
        window.undo_action.trigger()
    assert s.model.spec.sizes == [3, 3, 1] and s.model.spec.layers[0].activation == "tanh"
    assert not window.undo_action.isEnabled()


def test_the_inspector_shows_each_class_probability_of_a_three_class_network(qtbot, window):
    window.new_action.trigger()
    dialog = window.new_dialog
    dialog.data.dataset.setCurrentIndex(dialog.data.dataset.findData("blobs3"))
    dialog.accept()
    s = window.session
    window.docks["Inspector"].show()
    assert not window.inspector.fields["classes"].isVisibleTo(window.inspector)
    s.seek(s.cycle_length - 1)                      # the forward pass done: the logits are computed
    text = window.inspector.field("classes")
    z = np.array([s.state.values[f"out_y{k}"] for k in (1, 2, 3)])
    p = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    assert text.startswith(f"0: {p[0]:.4f}") and f"(class {int(np.argmax(p))})" in text
    assert window.inspector.fields["classes"].isVisibleTo(window.inspector)


def test_other_input_features_change_the_inputs_in_the_same_undo_step(qtbot, window):
    s = _new_xor_with_product(qtbot, window)
    before = dict(s.model.params)
    dialog = window.generate_data()
    dialog.data.dataset.setCurrentIndex(dialog.data.dataset.findData("circles"))
    dialog.data.features["x1·x2"].setChecked(False)
    dialog.data.features["sin(x2)"].setChecked(True)
    dialog.accept()
    assert s.model.spec.inputs == ["x1", "x2", "sin(x2)"] and s.model.features == ["x1", "x2", "sin(x2)"]
    np.testing.assert_array_equal(s.model.data.columns["sin(x2)"], np.sin(s.model.data.columns["x2"]))
    kept = [k for k in before if "x1·x2" not in k]
    assert all(s.model.params[k] == before[k] for k in kept)
    assert "sin(x2)" in window.view.node_names() and "x1·x2" not in window.view.node_names()
    window.undo_action.trigger()
    assert s.model.spec.inputs == ["x1", "x2", "x1·x2"] and s.model.params == before
    assert s.sample_count == 4


def test_a_blank_canvas_starts_without_hidden_layers_and_grows_on_the_graph(qtbot, window):
    window.new_action.trigger()
    dialog = window.new_dialog
    dialog.hidden.blank_button.click()
    dialog.accept()
    s = window.session
    assert s.model.spec.sizes == [2, 1] and s.position == 0
    window.network_toolbar.buttons["+l0"].click()
    assert s.model.spec.sizes == [2, 2, 1]
    window.network_toolbar.buttons["+n0"].click()
    assert s.model.spec.sizes == [2, 3, 1]


def test_the_inspector_says_a_weight_is_frozen(qtbot, window):
    s = _new_xor_with_product(qtbot, window)
    window.docks["Inspector"].show()
    s.core.set_frozen("w_x1_h1_1", True)
    s.select([("x1", "net_h1_1")])
    assert "frozen" in window.inspector.field("value")
    s.select([("x2", "net_h1_1")])
    assert "frozen" not in window.inspector.field("value")


def test_generated_data_keeps_the_networks_own_labels(qtbot, window, tmp_path):
    path = tmp_path / "tanh.json"
    path.write_text('{"format": "visualnn", "version": 1, "network": {"type": "layered", "sizes": [2, 3, 1], '
                    '"activations": "tanh", "loss": {"op": "mse"}}, "training": {"init": "random"}, '
                    '"data": {"generator": "circles", "n": 20, "labels": [-1, 1]}}', encoding="utf-8")
    assert window.open_file(path)
    s = window.session
    dialog = window.generate_data()
    dialog.data.dataset.setCurrentIndex(dialog.data.dataset.findData("gaussians"))
    dialog.accept()
    assert sorted(set(s.model.data.columns["target_y1"])) == [-1.0, 1.0]
