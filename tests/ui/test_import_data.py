"""File > Import data… (issue 13): a CSV file's columns get roles, bad rows are named by line."""
import numpy as np
from PySide6.QtWidgets import QDialogButtonBox

from visualnn.io import load
from visualnn.ui.import_data import import_data_file

CSV = "length,width,kind,label\n1.0,2.0,a,0\n2.0,1.0,b,1\n3.5,oops,a,1\n4.0,0.5,b,0\n0.5,0.25,a,1\n"


def _new_network(qtbot, window):
    window.new_action.trigger()
    window.new_dialog.accept()
    return window.session


def test_importing_a_csv_with_one_bad_row_names_its_line_and_loads_the_rest(qtbot, window, tmp_path):
    s = _new_network(qtbot, window)
    path = tmp_path / "points.csv"
    path.write_text(CSV, encoding="utf-8")
    dialog = import_data_file(window, str(path))
    assert dialog.role_list() == ["feature", "feature", "ignore", "target"]
    assert "line 4, column 'width'" in dialog.summary.text() and "'oops'" in dialog.summary.text()
    dialog.accept()
    assert s.sample_count == 4
    assert s.model.spec.inputs == ["length", "width"]
    np.testing.assert_array_equal(s.model.data.columns["length"], [1.0, 2.0, 4.0, 0.5])
    np.testing.assert_array_equal(s.model.data.columns[s.model.spec.targets[0]], [0, 1, 0, 1])
    assert "line 4" in window.statusBar().currentMessage()
    assert "length" in window.view.node_names()
    saved = tmp_path / "fed.json"
    assert window.save_as(str(saved))
    assert len(load(saved).model.data) == 4
    window.undo_action.trigger()                          # one undo step puts the old inputs and data back
    assert s.model.spec.inputs == ["x1", "x2"] and s.sample_count == 4
    np.testing.assert_array_equal(s.model.data.columns["x1"], [0, 0, 1, 1])


def test_a_column_role_change_updates_what_would_be_left_out(qtbot, window, tmp_path):
    _new_network(qtbot, window)
    path = tmp_path / "points.csv"
    path.write_text(CSV, encoding="utf-8")
    dialog = import_data_file(window, str(path))
    dialog.roles[1].setCurrentText("ignore")
    assert "left out" not in dialog.summary.text() and "5 samples" in dialog.summary.text()
    dialog.roles[3].setCurrentText("ignore")
    assert not dialog.buttons.button(QDialogButtonBox.Ok).isEnabled()
    assert "one target column" in dialog.summary.text()
