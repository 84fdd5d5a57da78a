"""View settings live once, in the session: the file's view section, the menu, the
presentation and the saved file agree."""
from __future__ import annotations

import json

from visualnn.io import examples_dir
from visualnn.ui.present import start_presentation


def mazur_copy(tmp_path, view=None):
    doc = json.loads((examples_dir() / "mazur_2_2_2.json").read_text())
    if view is not None:
        doc["view"] = view
    path = tmp_path / "net.json"
    path.write_text(json.dumps(doc))
    return path


def test_a_files_lecture_weights_reach_the_menu_the_graph_and_the_presentation(qtbot, window, tmp_path):
    assert window.open_file(mazur_copy(tmp_path, {"lecture_weights": True, "digits": 6}))
    assert window.lecture_action.isChecked() and window.view.lecture_style
    assert window.digit_actions[6].isChecked()
    p = start_presentation(window)
    qtbot.addWidget(p)
    assert p.view.graph.lecture_style
    p.close()


def test_the_menu_turns_lecture_weights_on_everywhere_and_saving_writes_it(qtbot, window, tmp_path):
    assert window.open_file(mazur_copy(tmp_path))
    window.lecture_action.trigger()
    assert window.session.lecture_style and window.view.lecture_style
    window.digit_actions[7].trigger()
    out = tmp_path / "saved.json"
    assert window.save_as(out)
    assert json.loads(out.read_text())["view"] == {"digits": 7, "lecture_weights": True}


def test_the_three_learning_rate_boxes_show_and_edit_one_value(qtbot, window):
    s = window.session
    training, cost = window.plot_panels["Training"], window.plot_panels["Cost curve"]
    boxes = (window.controls.lr, training.lr, cost.lr)
    window.controls.lr.setValue(0.25)
    assert s.learning_rate == 0.25 and [b.value() for b in boxes] == [0.25] * 3
    training.lr.setValue(0.1)
    assert s.model.training.learning_rate == 0.1 and [b.value() for b in boxes] == [0.1] * 3
    window.undo_action.trigger()
    assert s.learning_rate == 0.25 and [b.value() for b in boxes] == [0.25] * 3
