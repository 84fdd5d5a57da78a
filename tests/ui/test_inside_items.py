"""On the graph: stuck units flagged with what it means, and each neuron's
picture over the input plane, equal to the engine's numbers."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from visualnn.engine.inside import neuron_grids
from visualnn.io import load
from visualnn.ui.graph_view import GraphView
from visualnn.ui.inside_items import PICTURE_N
from visualnn.ui.session import Session

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def view_of(qtbot, shown):
    def make(name: str) -> GraphView:
        view = shown(GraphView(Session(document=load(EXAMPLES / f"{name}.json"))), 1200, 800)
        view.fit()
        view.inside.wait()
        qtbot.waitUntil(lambda: not view.inside._picture_jobs.busy)
        return view
    return make


def test_dead_units_of_the_net_stuck_at_0_693_carry_a_flag_saying_what_helps(view_of):
    view = view_of("relu_stuck")
    badges = view.inside.badges
    assert sorted(badges) == ["h1_2", "h1_3", "h2_1", "h2_2", "h2_3"]      # h1_1 is alive: no flag
    tip = badges["h2_1"].toolTip()
    assert "Dead ReLU" in tip and "What usually helps" in tip
    assert badges["h2_1"].scene() is view.scene()


def test_flags_follow_an_edit_that_revives_a_unit(qtbot, view_of):
    view = view_of("relu_stuck")
    view.session.set_params({"b_h1_2": 0.5})
    view.inside.wait()
    assert "h1_2" not in view.inside.badges and "h1_3" in view.inside.badges


def test_each_neurons_picture_is_the_engines_output_on_the_grid(view_of):
    view = view_of("mazur_2_2_2")
    pics = view.inside.pictures
    assert sorted(pics) == ["h1", "h2", "o1", "o2"]
    model = view.session.model
    want = neuron_grids(model, model.params, n=PICTURE_N)
    for name, pic in pics.items():
        np.testing.assert_array_equal(pic.grid, want.outputs[name])
        assert pic.image is not None and pic.image.width() == PICTURE_N
    assert pics["h1"].formula == "h1 = sigmoid(0.15·i1 + 0.2·i2 + 0.35)"


def test_hovering_a_picture_shows_it_large_with_the_formula(view_of):
    view = view_of("mazur_2_2_2")
    pic = view.inside.pictures["o1"]
    view.inside.show_card(pic)
    card = view.inside.card
    assert card.scene() is view.scene() and card.lines[0].startswith("o1 = sigmoid(0.4·h1")
    view.inside.hide_card()
    assert view.inside.card is None


def test_pictures_are_computed_only_for_neurons_in_view(qtbot, view_of):
    view = view_of("mazur_2_2_2")
    for pic in view.inside.pictures.values():
        pic.grid = None
    view.zoom(6.0)
    view.centerOn(view.inside.pictures["h1"].pos())
    view.inside.wait()
    qtbot.waitUntil(lambda: not view.inside._picture_jobs.busy)
    computed = {n for n, p in view.inside.pictures.items() if p.grid is not None}
    assert "h1" in computed and computed != set(view.inside.pictures)


def test_a_plain_step_computes_nothing(view_of):
    view = view_of("mazur_2_2_2")
    inside = view.inside
    view.session.step()
    assert not inside._timer.isActive() and not inside._picture_jobs.busy and not inside._flag_jobs.busy


def test_the_cameras_first_layer_draws_its_weights_and_the_sample_its_pixels(view_of):
    view = view_of("four_pixel_camera")
    inside = view.inside
    assert inside.pictures == {}                    # four inputs: no input plane to draw
    assert sorted(inside.weight_pictures) == ["left_top_white", "left_white", "right_top_white", "right_white"]
    pic = inside.weight_pictures["left_top_white"]
    assert pic.grid.tolist() == [[1.0, 0.0], [-1.0, 0.0]]        # top white, bottom black, right column unused
    assert [pic.image.pixelColor(x, y).lightness() for y in (0, 1) for x in (0, 1)] == [255, 128, 0, 128]
    view.session.set_sample(2)                                    # vertical: left column white
    inside.wait()
    assert inside.sample_picture.grid.tolist() == [[1.0, -1.0], [1.0, -1.0]]
    inside.show_card(pic)
    assert inside.card.lines[0].startswith("left_top_white = tanh(1·top_left")
    assert "white +1, black -1" in inside.card.lines[1]


def test_flags_can_be_switched_off_from_the_view_menu(window):
    window.open_file(EXAMPLES / "relu_stuck.json")
    window.view.inside.wait()
    assert window.view.inside.badges
    window.flags_action.setChecked(False)
    assert window.view.inside.badges == {}
    window.pictures_action.setChecked(False)
    assert window.view.inside.pictures == {}
    assert window.view.inside.items() == []
    assert not any(type(i).__name__ in ("FlagBadge", "NeuronPicture") for i in window.view.scene().items())


def test_the_sample_list_shows_each_camera_image_as_a_picture(window):
    window.open_file(EXAMPLES / "four_pixel_camera.json")
    combo = window.controls.sample
    img = combo.itemIcon(4).pixmap(20, 20).toImage()      # diagonal: top left white, top right black
    assert img.pixelColor(2, 2).lightness() == 255 and img.pixelColor(17, 2).lightness() == 0
    window.open_file(EXAMPLES / "xor.json")
    assert window.controls.sample.itemIcon(0).isNull()     # two inputs are no image


def test_gradient_flow_on_the_graph_fades_towards_the_inputs_of_the_sigmoid_chain(window):
    from visualnn.engine import record
    from visualnn.engine.inside import layer_gradients
    window.open_file(EXAMPLES / "vanishing_sigmoid.json")
    bands = window.view.inside.gradient_bands
    assert bands.bands == []                                  # off by default: no work on a step
    window.gradient_flow_action.setChecked(True)
    s = window.session
    s.seek(s.cycle_length - 1)                                # the backward pass done
    m = s.model
    tr = record(m.graph, m.params, m.samples()[0])
    want = [L.mean_abs_gradient for L in layer_gradients(m.spec, m.params, tr.param_gradients)]
    assert [b.mean_abs for b in bands.bands] == want
    strengths = [b.strength for b in bands.bands]
    assert strengths == sorted(strengths) and strengths[-1] == 1.0 and strengths[0] < 0.5
    assert "layer 1: mean |dL/dw| = 0.000072" in bands.bands[0].toolTip()
    window.gradient_flow_action.setChecked(False)
    assert bands.bands == [] and not any(type(i).__name__ == "GradientBand" for i in window.view.scene().items())


def test_a_picture_has_the_decision_maps_colours_with_the_second_input_upwards():
    from visualnn.ui.inside_items import BOUNDARY_COLOURS, colour_image
    V = np.array([[0.0, 0.0], [1.0, 0.5]])             # V[i, j] at (x_i, y_j): high at x1, low at x0
    img = colour_image(V, (0.0, 1.0))
    rgb = lambda x, y: img.pixelColor(x, y).getRgb()[:3]  # noqa: E731
    assert rgb(0, 1) == BOUNDARY_COLOURS[0]            # bottom left: (x0, y0) = 0, the low colour
    assert rgb(1, 1) == BOUNDARY_COLOURS[2]            # bottom right: (x1, y0) = 1, the high colour
    assert rgb(1, 0) == BOUNDARY_COLOURS[1]            # top right: (x1, y1) = 0.5, the middle
