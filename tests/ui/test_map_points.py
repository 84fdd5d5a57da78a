"""Clicking the decision map adds training points, right-clicking removes one (issue 13)."""
from PySide6.QtCore import QPoint, QPointF, Qt


def _open_training(qtbot, window, features=("x1", "x2")):
    window.new_action.trigger()
    d = window.new_dialog
    d.data.dataset.setCurrentIndex(d.data.dataset.findData("circles"))
    d.data.samples.setValue(20)
    for f, box in d.data.features.items():
        box.setChecked(f in features)
    d.accept()
    panel = window.plot_panels["Training"]
    window.docks["Training"].show()
    qtbot.waitUntil(lambda: panel.boundary_plot.isVisible())
    qtbot.wait(50)
    return panel


def _click(qtbot, panel, x, y, button=Qt.LeftButton):
    vb = panel.point_editor.view_box
    scene = vb.mapViewToScene(QPointF(x, y))
    pos = panel.boundary_plot.mapFromScene(scene)
    qtbot.mouseClick(panel.boundary_plot.viewport(), button, pos=QPoint(pos.x(), pos.y()))


def test_three_clicks_on_the_map_add_three_points_and_the_saved_file_changes(qtbot, window, tmp_path):
    panel = _open_training(qtbot, window)
    s = window.session
    path = tmp_path / "circles.json"
    assert window.save_as(str(path))
    before = path.read_text(encoding="utf-8")
    n = s.sample_count
    editor = panel.point_editor
    editor.class_box.setCurrentIndex(editor.class_box.findData(1.0))
    for x, y in ((0.1, 0.1), (-0.2, 0.3), (0.9, -0.9)):
        _click(qtbot, panel, x, y)
    assert s.sample_count == n + 3
    cols = s.model.data.columns
    assert abs(cols["x1"][-1] - 0.9) < 0.05 and abs(cols["x2"][-1] + 0.9) < 0.05 and cols["target_y1"][-1] == 1.0
    assert s.dirty
    assert window.save()
    after = path.read_text(encoding="utf-8")
    assert after != before and '"samples"' in after
    _click(qtbot, panel, 0.9, -0.9, Qt.RightButton)              # right-click on the point: it goes
    assert s.sample_count == n + 2
    window.undo_action.trigger()
    assert s.sample_count == n + 3


def test_points_added_on_a_map_of_features_get_their_features(qtbot, window):
    panel = _open_training(qtbot, window, ("x1", "x2", "x1·x2"))
    assert panel.boundary_plot.isVisibleTo(panel)                  # the map is drawn over x1, x2
    _click(qtbot, panel, 0.5, -1.0)
    cols = window.session.model.data.columns
    assert abs(cols["x1·x2"][-1] - cols["x1"][-1] * cols["x2"][-1]) < 1e-12


def test_ctrl_click_on_a_point_makes_the_stepper_trace_it(qtbot, window):
    panel = _open_training(qtbot, window)
    s = window.session
    cols = s.model.data.columns
    i = 7
    vb = panel.point_editor.view_box
    scene = vb.mapViewToScene(QPointF(float(cols["x1"][i]), float(cols["x2"][i])))
    pos = panel.boundary_plot.mapFromScene(scene)
    qtbot.mouseClick(panel.boundary_plot.viewport(), Qt.LeftButton, Qt.ControlModifier, QPoint(pos.x(), pos.y()))
    assert s.sample_index == i and s.sample_count == 20
    ring = panel.point_editor.traced.getData()
    assert ring[0][0] == cols["x1"][i] and ring[1][0] == cols["x2"][i]
