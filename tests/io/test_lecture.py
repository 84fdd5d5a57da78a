"""The lecture section: slides are checked like the rest of the file, every
problem at its place, and resolve to stepper positions."""
import pytest

from visualnn.engine.trace import Stepper
from visualnn.io import load
from visualnn.io.lecture import (Slide, default_slides, read_lecture, resolve_step, step_list,
                                 validate_lecture)

from iohelp import EXAMPLES, at, mazur, problems

LECTURE_EXAMPLES = ("add_mul", "sigmoid_neuron", "mazur_2_2_2")


@pytest.mark.parametrize("name", LECTURE_EXAMPLES)
def test_the_examples_ship_a_valid_lecture_with_predict_then_reveal(name):
    doc = load(EXAMPLES / f"{name}.json")
    slides = read_lecture(doc.lecture, doc.model.graph)
    assert len(slides) >= 5
    assert any(s.hide for s in slides)            # at least one predict-then-reveal moment
    # slides walk forward through the pass
    assert [s.start for s in slides] == sorted(s.start for s in slides)


@pytest.mark.parametrize("name", LECTURE_EXAMPLES + ("xor", "four_pixel_camera"))
def test_step_list_is_the_steppers_step_list(name):
    doc = load(EXAMPLES / f"{name}.json")
    g = doc.model.graph
    st = Stepper(g, doc.model.params, doc.model.samples())
    assert step_list(g) == [(s.phase, s.node) for s in st.steps_of_cycle(0)]


def test_named_steps_resolve_to_positions_after_that_operation():
    g = load(EXAMPLES / "mazur_2_2_2.json").model.graph
    steps = step_list(g)
    assert resolve_step("start", steps) == 0
    assert resolve_step("forward:net_h1", steps) == 1
    assert resolve_step("loss", steps) == 9
    assert resolve_step("forward:E_total", steps) == 9
    assert resolve_step("backward:net_o1", steps) == 12
    assert resolve_step("update", steps) == 19 == resolve_step("end", steps)
    assert resolve_step("backward:i1", steps) is None


def test_mazur_lecture_tells_the_story_in_order():
    doc = load(EXAMPLES / "mazur_2_2_2.json")
    slides = read_lecture(doc.lecture, doc.model.graph)
    by_title = {s.title: s for s in slides}
    assert by_title["The total error"].start == 9
    assert by_title["∂E/∂w5"].start == 12 and ("gradient", "w5") in by_title["∂E/∂w5"].hide
    assert by_title["∂E/∂w1"].start == 16
    assert by_title["The update"].start == 19
    assert by_title["The forward pass: on to the outputs"].positions == range(3, 9)


def _lecture(slides):
    doc = mazur()
    doc["lecture"] = slides
    return doc


def test_a_bad_step_is_reported_at_its_place():
    found = problems(_lecture([{"step": 0}, {"step": 0}, {"step": 0}, {"step": "backward:out_o7"}]))
    p = at(found, "lecture[3].step")
    assert "out_o7" in p.message and "did you mean 'out_o" in p.message


def test_every_problem_in_the_lecture_is_reported_with_its_place():
    found = problems(_lecture([
        {"step": -1},
        {"step": [12, 3]},
        {"step": 10 ** 7},
        {"step": "forward:w5"},
        {"step": 3, "panels": ["graph", "surfce"]},
        {"step": 3, "panels": []},
        {"step": 3, "highlight": ["net_h9", "i1->net_o1", 7]},
        {"step": 3, "hide": ["grad:w55", 3]},
        {"step": 3, "caption": "E = {E_totl}"},
        {"step": 3, "captoin": "typo"},
        "not a slide",
        {"step": True},
    ]))
    assert "at least 0" in at(found, "lecture[0].step").message
    assert "backwards" in at(found, "lecture[1].step").message
    assert "past the end" in at(found, "lecture[2].step").message
    assert "no node named 'w5'" in at(found, "lecture[3].step").message
    assert "did you mean 'surface'" in at(found, "lecture[4].panels[1]").message
    assert "empty" in at(found, "lecture[5].panels").message
    assert "net_h9" in at(found, "lecture[6].highlight[0]").message
    assert "no edge i1 -> net_o1" in at(found, "lecture[6].highlight[1]").message
    assert "got the number 7" in at(found, "lecture[6].highlight[2]").message
    assert "w55" in at(found, "lecture[7].hide[0]").message
    assert "got the number 3" in at(found, "lecture[7].hide[1]").message
    assert "E_totl" in at(found, "lecture[8].caption").message
    assert "did you mean 'caption'" in at(found, "lecture[9].captoin").message
    assert "expected a slide" in at(found, "lecture[10]").message
    assert "got true" in at(found, "lecture[11].step").message


def test_a_lecture_that_is_not_a_list_is_refused():
    assert "expected a list of slides" in at(problems(_lecture({"step": 1})), "lecture").message


def test_a_network_without_an_update_has_one_pass():
    doc = load(EXAMPLES / "add_mul.json")
    found = validate_lecture([{"step": 4}, {"step": 5}, {"step": "update"}], "lecture", doc.model.graph)
    assert [p.place for p in found] == ["lecture[1].step", "lecture[2].step"]
    assert "only one pass" in found[0].message and "no update" in found[1].message


def test_later_passes_are_allowed_by_position():
    doc = load(EXAMPLES / "mazur_2_2_2.json")
    slides = read_lecture([{"step": [19, 38]}], doc.model.graph)
    assert slides[0].positions == range(19, 39)


def test_a_slide_without_a_step_stays_where_the_last_one_ended():
    doc = load(EXAMPLES / "mazur_2_2_2.json")
    slides = read_lecture([{"step": [2, 5]}, {"title": "A thought"}, {"step": "loss"}], doc.model.graph)
    assert [(s.start, s.end) for s in slides] == [(2, 5), (5, 5), (9, 9)]


def test_slide_fields_are_read():
    doc = load(EXAMPLES / "mazur_2_2_2.json")
    s = read_lecture([{"step": 6, "title": "T", "panels": ["graph", "activation"], "caption": "c {out_o1}",
                       "highlight": ["out_o1", "out_h1->net_o1", ["i1", "net_h1"]], "hide": ["out_o1", "grad:w5"]}],
                     doc.model.graph)[0]
    assert s == Slide(6, 6, "T", ("graph", "activation"), "c {out_o1}", ("out_o1",),
                      (("out_h1", "net_o1"), ("i1", "net_h1")), (("value", "out_o1"), ("gradient", "w5")),
                      "lecture[0]")


def test_read_lecture_refuses_an_invalid_section():
    g = load(EXAMPLES / "mazur_2_2_2.json").model.graph
    with pytest.raises(ValueError, match=r"lecture\[0\]\.step"):
        read_lecture([{"step": "nowhere"}], g)


def test_default_slides_play_the_first_pass():
    (s,) = default_slides(19)
    assert s.positions == range(0, 20) and not s.hide and s.caption is None


def test_the_story_examples_have_lectures_that_ask_then_reveal():
    from visualnn.io import examples_dir, load
    from visualnn.io.lecture import read_lecture
    for name, asks in (("slope.json", ("error", "weight")), ("tea_temperature.json", ("d", "T_guess")),
                       ("mm_bag.json", ("d", "n_est")), ("xor.json", ("out_y",)),
                       ("error_table.json", ("error_horizontal", "total")), ("spiral.json", ("loss",)),
                       ("circles.json", ("loss",))):
        doc = load(examples_dir() / name)
        slides = read_lecture(doc.lecture, doc.model.graph)
        hidden = {n for s in slides for _, n in s.hide}
        assert set(asks) <= hidden, name                     # predict, then reveal
        assert slides[0].start == 0 and slides[-1].end >= slides[0].end
