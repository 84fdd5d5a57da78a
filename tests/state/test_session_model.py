"""The session model without Qt: stepping, edits and undo, the views, settings and events."""
from __future__ import annotations

import subprocess
import sys

import pytest

from visualnn.engine.trace import Stepper
from visualnn.io import examples_dir, load
from visualnn.state import SessionModel

W5_AFTER_ONE_UPDATE = 0.35891648          # Mazur's w5 after one update, to every printed digit


def mazur():
    return load(examples_dir() / "mazur_2_2_2.json")


def recorder(event):
    seen: list = []
    event.connect(lambda *args: seen.append(args[0] if args else None))
    return seen


def test_stepping_forward_in_place_equals_the_exact_state():
    s = SessionModel(document=mazur())
    ref = Stepper(s.graph, s.model.params, s.model.samples(), lr=0.5)
    for p in range(1, 2 * s.cycle_length + 3):
        got, want = s.step(), ref.state(p)
        assert (got.position, got.cycle, got.index) == (want.position, want.cycle, want.index)
        assert got.values == want.values and got.gradients == want.gradients
        assert got.params == want.params and got.edge_gradients == want.edge_gradients


def test_every_move_is_announced_with_the_state():
    s = SessionModel(document=mazur())
    seen: list = []
    s.state_changed.connect(lambda state: seen.append(state.position))   # a State advances in place
    s.seek(5)
    s.back()
    s.step()
    s.end()
    s.reset()
    assert seen == [5, 4, 5, 19, 0]


def test_a_graph_without_a_loss_stops_at_the_end_of_its_trace_without_news():
    s = SessionModel(document=load(examples_dir() / "add_mul.json"))
    assert not s.has_update
    for _ in range(s.cycle_length):
        s.step()
    seen = recorder(s.state_changed)
    s.step()
    assert s.position == s.cycle_length and seen == []


def test_an_edit_in_the_first_pass_writes_the_document_and_undo_takes_it_back():
    s = SessionModel(document=mazur())
    dirty = recorder(s.dirty_changed)
    s.seek(4)
    s.edit_value("w1", 0.5)
    s.edit_value("i2", 0.3)
    assert s.model.params["w1"] == 0.5 and s.model.data.columns["i2"][0] == 0.3 and s.position == 4
    assert s.state.values["net_h1"] == pytest.approx(0.5 * 0.05 + 0.2 * 0.3 + 0.35)
    assert dirty == [True] and s.undo_stack.undo_text == "set i2 = 0.3"
    s.undo_stack.undo()
    s.undo_stack.undo()
    assert s.model.params["w1"] == 0.15 and s.model.data.columns["i2"][0] == 0.1
    assert dirty == [True, False] and not s.dirty
    s.undo_stack.redo()
    assert s.model.params["w1"] == 0.5 and s.dirty


def test_an_edit_after_the_update_changes_the_new_weights_not_the_file():
    s = SessionModel(document=mazur())
    s.end()
    assert s.state.params["w5"] == pytest.approx(W5_AFTER_ONE_UPDATE, abs=1e-8)
    s.edit_value("w5", 0.2)
    assert s.state.params["w5"] == 0.2 and s.position == s.cycle_length
    assert s.model.params["w5"] == 0.4
    s.seek(s.cycle_length + 5)
    p, v = s.state.params, s.state.values
    assert v["net_o1"] == pytest.approx(0.2 * v["out_h1"] + p["w6"] * v["out_h2"] + p["b2"])
    s.undo_stack.undo()
    assert s.state.params["w5"] == pytest.approx(W5_AFTER_ONE_UPDATE, abs=1e-8)


def test_the_gate_view_keeps_the_step_and_an_edit_made_after_the_update():
    s = SessionModel(document=mazur())
    modes = recorder(s.view_mode_changed)
    s.seek(s.cycle_length + 3)
    s.edit_value("w1", 0.7)
    assert s.set_view_mode("gate") and modes == ["gate"]
    assert s.state.step.node == "net_h2" and s.state.cycle == 1 and s.state.params["w1"] == 0.7
    assert s.state.values["net_h1"] == pytest.approx(0.7 * 0.05 + s.state.params["w2"] * 0.1 + s.state.params["b1"])
    s.set_view_mode("neuron")
    assert s.position == s.cycle_length + 3 and s.state.params["w1"] == 0.7


def test_a_drag_is_one_undo_step_but_never_merges_into_the_saved_state():
    s = SessionModel(document=mazur())
    for k in range(5):
        s.set_params({"w5": 0.1 * k + 0.05, "w6": 0.2}, merge=True)
    assert s.undo_stack.count() == 1 and s.value_of("w5") == pytest.approx(0.45)
    s.mark_saved()
    s.set_params({"w5": 0.9, "w6": 0.2}, merge=True)
    assert s.undo_stack.count() == 2 and s.dirty
    s.undo_stack.undo()
    assert not s.dirty and s.value_of("w5") == pytest.approx(0.45)
    s.undo_stack.undo()
    assert (s.value_of("w5"), s.value_of("w6")) == (0.4, 0.45)


def test_a_new_edit_drops_what_could_be_redone():
    s = SessionModel(document=mazur())
    s.edit_value("w5", 0.9)
    s.undo_stack.undo()
    s.edit_value("w6", 0.1)
    assert s.undo_stack.count() == 1 and not s.undo_stack.can_redo and s.value_of("w5") == 0.4


def test_the_learning_rate_is_one_value_in_the_document():
    s = SessionModel(document=mazur())
    params = recorder(s.params_changed)
    s.set_learning_rate(0.25)
    assert s.model.training.learning_rate == s.learning_rate == 0.25 and params
    s.end()
    g = s.steps_of_cycle(0)[-1]
    w5 = next(u for u in g.updates if u[0] == "w5")
    assert w5[3] == pytest.approx(w5[1] - 0.25 * w5[2])
    s.undo_stack.undo()
    assert s.model.training.learning_rate == 0.5
    with pytest.raises(ValueError):
        s.set_learning_rate(0)


def test_view_settings_come_from_the_file_and_go_back_into_it():
    doc = mazur()
    doc.view = {"mode": "gate", "digits": 9, "lecture_weights": True, "zoom": 2}
    s = SessionModel(document=doc)
    assert (s.view_mode, s.digits, s.lecture_style) == ("gate", 9, True)
    styles = recorder(s.lecture_style_changed)
    s.set_lecture_style(False)
    s.set_digits(99)
    assert styles == [False] and s.digits == 12
    assert s.view_section(doc.view) == {"mode": "gate", "digits": 12, "lecture_weights": False, "zoom": 2}
    assert SessionModel(document=mazur()).view_section({}) == {}


def test_the_weights_in_effect_are_announced_only_when_they_change():
    s = SessionModel(document=mazur())
    seen = recorder(s.shown_params_changed)
    for _ in range(s.cycle_length - 1):
        s.step()
    assert seen == []
    s.step()
    assert len(seen) == 1 and seen[0]["w5"] == pytest.approx(W5_AFTER_ONE_UPDATE, abs=1e-8)
    s.step()
    assert len(seen) == 1


def test_the_session_model_imports_no_qt():
    code = ("import sys, visualnn.state\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_an_input_edit_replays_every_pass_from_the_files_weights():
    s = SessionModel(document=mazur())
    s.seek(s.cycle_length + 2)
    s.edit_value("w5", 0.2)                         # pass 2 starts from an edited w5 ...
    s.edit_value("i1", 0.5)                         # ... until an input changes: every pass follows again
    ref = Stepper(s.graph, s.model.params, s.model.samples(), lr=0.5)
    assert s.pins == {} and s.state.params == ref.state(s.position).params
    assert s.state.params["w5"] != 0.2


def test_the_gate_view_starts_from_the_same_sample_and_learning_rate():
    doc = mazur()
    s = SessionModel(document=doc)
    s.set_learning_rate(0.1)
    s.end()
    s.set_view_mode("gate")
    neuron = Stepper(doc.model.graph, doc.model.params, doc.model.samples(), lr=0.1).end()
    assert s.learning_rate == 0.1 and s.state.updated
    assert s.state.params == pytest.approx(neuron.params, abs=1e-15)
