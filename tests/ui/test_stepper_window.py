"""The stepper window, driven through its real keys, menus and dialogs."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QInputDialog

from visualnn.engine.explain import fmt
from visualnn.engine.trace import Stepper


def labels(view) -> dict:
    """Every text the graph shows, by node and edge, and which node is current."""
    out = {}
    for n in view.node_names():
        it = view.node_item(n)
        out[n] = (it.value_text(), it.gradient_text(), it.is_current)
    for k in view.edge_keys():
        out[k] = view.edge_label(*k)
    return out


def fresh_stepper(session) -> Stepper:
    m = session.model
    return Stepper(session.graph, m.params, m.samples(), lr=m.training.learning_rate)


def position_of(session, phase, node) -> int:
    for s in session.steps_of_cycle(0):
        if s.phase == phase and s.node == node:
            return s.index + 1
    raise AssertionError(f"no {phase} step through {node}")


def press(qtbot, window, key, times=1, modifier=Qt.NoModifier):
    for _ in range(times):
        qtbot.keyClick(window.view, key, modifier)


def test_right_key_shows_each_steps_values_on_the_named_items(qtbot, window):
    s, view = window.session, window.view
    ref = fresh_stepper(s)
    for n in range(1, ref.cycle_length + 1):
        press(qtbot, window, Qt.Key_Right)
        assert s.position == n
        st = ref.state(n)
        if st.step.phase in ("forward", "loss"):
            assert view.node_item(st.step.node).value_text() == fmt(st.step.value, s.digits)
            assert view.node_item(st.step.node).is_current
        for name in view.node_names():
            v = st.values.get(name)
            assert view.node_item(name).value_text() == ("" if v is None else fmt(v, s.digits)), (n, name)


def test_space_and_page_down_step_too(qtbot, window):
    press(qtbot, window, Qt.Key_Space)
    press(qtbot, window, Qt.Key_PageDown)
    assert window.session.position == 2


def test_left_goes_back_to_exactly_what_a_fresh_seek_shows(qtbot, window):
    s, view = window.session, window.view
    window.set_digits(9)
    for target in (3, 9, 11, 14, 18):
        s.reset()
        press(qtbot, window, Qt.Key_Right, target + 2)
        press(qtbot, window, Qt.Key_Left, 2)
        assert s.position == target
        back = labels(view)
        s.seek(0)
        s.seek(target)
        assert labels(view) == back, target
        s.reset()
        press(qtbot, window, Qt.Key_Right, target)        # incremental all the way
        assert labels(view) == back, target


def test_page_up_backspace_home_and_end(qtbot, window):
    s = window.session
    press(qtbot, window, Qt.Key_Right, 5)
    press(qtbot, window, Qt.Key_PageUp)
    press(qtbot, window, Qt.Key_Backspace)
    assert s.position == 3
    press(qtbot, window, Qt.Key_End)
    assert s.position == s.cycle_length and s.state.phase == "update"
    press(qtbot, window, Qt.Key_Home)
    assert s.position == 0 and s.state.step is None


def test_backward_step_through_net_o1_shows_local_upstream_and_product(qtbot, window):
    s, view = window.session, window.view
    window.set_digits(9)
    press(qtbot, window, Qt.Key_Right, position_of(s, "backward", "net_o1"))
    text = view.edge_label("out_h1", "net_o1")
    assert "0.4 × 0.138498562 = 0.055399425" in text        # local (= w5) × upstream = product
    assert "∂E/∂w5 = 0.082167041" in text
    assert view.node_item("net_o1").is_current
    assert ("out_h1", "net_o1") in view.current_edges()
    assert view.node_item("out_h1").gradient_text() == "∂ 0.055399425"


def test_where_branches_meet_the_running_sum_shows(qtbot, window):
    s, view = window.session, window.view
    window.set_digits(9)
    press(qtbot, window, Qt.Key_Right, position_of(s, "backward", "net_o2"))
    text = view.edge_label("out_h1", "net_o2")
    assert "0.5 × -0.038098237 = -0.019049118" in text
    assert "Σ at out_h1 = 0.036350306" in text                  # 0.055399425 + -0.019049119
    assert view.node_item("out_h1").gradient_text() == "∂ 0.036350306"


def test_forward_step_shows_values_on_its_input_edges(qtbot, window):
    s, view = window.session, window.view
    window.set_digits(9)
    press(qtbot, window, Qt.Key_Right, position_of(s, "forward", "net_o1"))
    assert "0.593269992" in view.edge_label("out_h1", "net_o1").split("\n")
    assert "0.6" in view.edge_label("b2", "net_o1").split("\n")
    assert view.node_item("net_o1").value_text() == "1.105905967"
    press(qtbot, window, Qt.Key_Right)                      # the values move on with the step
    assert "0.593269992" not in view.edge_label("out_h1", "net_o1").split("\n")


def test_editing_w5_by_double_click_then_undo_restores_every_label(qtbot, window, monkeypatch):
    s, view = window.session, window.view
    window.set_digits(9)
    press(qtbot, window, Qt.Key_Right, 12)
    before = labels(view)
    monkeypatch.setattr(QInputDialog, "getDouble", lambda *a, **k: (0.9, True))
    qtbot.mouseDClick(view.viewport(), Qt.LeftButton, pos=view.view_pos_of_edge("out_h1", "net_o1"))
    assert s.position == 12                                 # the view keeps the step
    assert s.value_of("w5") == 0.9
    after = labels(view)
    assert after != before
    assert "w5 = 0.9" in view.edge_label("out_h1", "net_o1")
    assert s.dirty
    press(qtbot, window, Qt.Key_Z, modifier=Qt.ControlModifier)
    assert labels(view) == before
    assert not s.dirty
    press(qtbot, window, Qt.Key_Z, modifier=Qt.ControlModifier | Qt.ShiftModifier)
    assert labels(view) == after


def test_editing_an_input_recomputes_the_trace(qtbot, window, monkeypatch):
    s, view = window.session, window.view
    window.set_digits(5)
    press(qtbot, window, Qt.Key_Right, 1)
    monkeypatch.setattr(QInputDialog, "getDouble", lambda *a, **k: (1.0, True))
    qtbot.mouseDClick(view.viewport(), Qt.LeftButton, pos=view.view_pos_of("i1"))
    # net_h1 = 0.15 * 1.0 + 0.2 * 0.1 + 0.35
    assert view.node_item("net_h1").value_text() == "0.52"
    assert view.node_item("i1").value_text() == "1"
    window.undo_action.trigger()
    assert view.node_item("net_h1").value_text() == "0.3775"


def test_equation_panel_writes_out_the_forward_net_h1_step(qtbot, window):
    window.set_digits(5)
    press(qtbot, window, Qt.Key_Right)
    assert "net_h1 = w1·i1 + w2·i2 + b1 = 0.15×0.05 + 0.2×0.1 + 0.35 = 0.3775" in window.equations.lines()
    assert "forward — step 1 of 19" in window.equations.text()


def test_equation_panel_writes_out_the_backward_w5_chain(qtbot, window):
    s = window.session
    window.set_digits(5)
    press(qtbot, window, Qt.Key_Right, position_of(s, "backward", "net_o1"))
    assert ("∂E_total/∂w5 = ∂net_o1/∂w5 × ∂out_o1/∂net_o1 × ∂E_total/∂out_o1 = "
            "0.59327 × 0.18682 × 0.74137 = 0.08217") in window.equations.lines()
    window.set_digits(9)
    assert any(line.endswith("= 0.593269992 × 0.186815602 × 0.74136507 = 0.082167041")
               for line in window.equations.lines())


def test_update_step_recolours_edges_and_the_next_pass_uses_new_weights(qtbot, window):
    s, view = window.session, window.view
    window.set_digits(8)
    before = view.edge_style("out_h1", "net_o1")
    press(qtbot, window, Qt.Key_End)
    assert s.state.phase == "update"
    assert "w5: 0.4 → 0.35891648" in view.edge_label("out_h1", "net_o1")
    assert view.edge_style("out_h1", "net_o1") != before
    assert "w5 ← w5 - η·∂E_total/∂w5 = 0.4 - 0.5 × 0.08216704 = 0.35891648" in window.equations.lines()
    press(qtbot, window, Qt.Key_Right)                      # pass 2 starts from the new weights
    new = s.state.params
    expected = new["w1"] * 0.05 + new["w2"] * 0.1 + new["b1"]
    assert view.node_item("net_h1").value_text() == fmt(expected, 8)
    assert s.state.cycle == 1


def test_neuron_and_gate_views_toggle(qtbot, window):
    s, view = window.session, window.view
    press(qtbot, window, Qt.Key_Right, 2)                   # net_h1, out_h1 done
    assert view.node_item("net_h1").box.half == "left"      # a neuron: net and out merged
    press(qtbot, window, Qt.Key_2, modifier=Qt.ControlModifier)
    assert s.view_mode == "gate" and window.gate_action.isChecked()
    assert view.node_item("w1*i1").symbol_text() == "×"
    assert view.node_item("net_h1").box.half is None
    assert s.state.step.node == "out_h1"                    # the same step in the other view
    assert view.node_item("out_h1").value_text() == fmt(0.593269992, s.digits)
    press(qtbot, window, Qt.Key_1, modifier=Qt.ControlModifier)
    assert s.view_mode == "neuron" and s.position == 2


def test_opening_an_invalid_file_names_the_problem_and_the_window_stays_usable(qtbot, window, dialogs, tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": "visualnn", "version": 1, "network": {"layers": "many"}}')
    title = window.windowTitle()
    assert not window.open_file(bad)
    kind, _, text = dialogs.shown[-1]
    assert kind == "critical" and "broken.json" in text and "network" in text
    assert window.windowTitle() == title
    press(qtbot, window, Qt.Key_Right)
    assert window.session.position == 1


def test_opening_a_missing_file_shows_an_error(window, dialogs, tmp_path):
    assert not window.open_file(tmp_path / "nope.json")
    assert "nope.json" in dialogs.shown[-1][2]


def test_examples_menu_lists_every_example_with_its_description(window):
    from visualnn.io import examples_dir, list_examples
    files = sorted(str(p) for p in examples_dir().glob("*.json"))
    listed = sorted(a.data() for a in window.example_actions)
    assert listed == files
    for (path, title, desc), a in zip(list_examples(), window.example_actions):
        assert title.replace("&", "&&") in a.text() and a.toolTip()     # "&" shown, not a mnemonic


def test_opening_an_example_from_the_menu(window):
    a = next(a for a in window.example_actions if a.data().endswith("add_mul.json"))
    a.trigger()
    assert window.session.path.name == "add_mul.json"
    assert "add_mul.json" in window.windowTitle()


def test_unsaved_edits_ask_before_opening_another_file(qtbot, window, dialogs):
    from PySide6.QtWidgets import QMessageBox
    window.session.edit_value("w5", 0.1)
    other = next(a.data() for a in window.example_actions if a.data().endswith("add_mul.json"))
    dialogs.answer = QMessageBox.Cancel
    assert not window.open_file(other)
    assert dialogs.shown[-1][0] == "question"
    assert window.session.value_of("w5") == 0.1
    dialogs.answer = QMessageBox.Discard
    assert window.open_file(other)


def test_save_as_writes_the_edited_values_and_reopens_them(qtbot, window, tmp_path):
    window.session.edit_value("w5", 0.123)
    path = tmp_path / "mine.json"
    assert window.save_as(path)
    assert not window.session.dirty
    assert window.open_file(path)
    assert window.session.model.params["w5"] == 0.123
    assert str(path.resolve()) in window.recent_files()


def test_revert_drops_unsaved_edits(qtbot, window, dialogs):
    from PySide6.QtWidgets import QMessageBox
    window.session.edit_value("w5", 0.7)
    dialogs.answer = QMessageBox.Yes
    assert window.revert()
    assert window.session.value_of("w5") == 0.4


def test_closing_with_unsaved_edits_asks(qtbot, window, dialogs):
    from PySide6.QtWidgets import QMessageBox
    window.session.edit_value("w5", 0.7)
    dialogs.answer = QMessageBox.Cancel
    assert not window.close()
    dialogs.answer = QMessageBox.Discard
    assert window.close()


def test_play_steps_on_its_own_and_pauses(qtbot, window):
    window.controls.speed.setValue(100)
    window.controls.play_action.trigger()
    qtbot.waitUntil(lambda: window.session.position >= 5, timeout=3000)
    window.controls.play_action.trigger()
    p = window.session.position
    qtbot.wait(60)
    assert window.session.position == p and not window.controls.playing


def test_timeline_slider_scrubs(qtbot, window):
    window.controls.slider.setValue(7)
    assert window.session.position == 7
    assert "step 7 of 19" in window.controls.phase.text()


def test_clicking_an_edge_selects_it_and_the_inspector_checks_its_gradient(qtbot, window):
    s, view = window.session, window.view
    window.set_digits(6)
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=view.view_pos_of_edge("out_h1", "net_o1"))
    assert s.selection == [("out_h1", "net_o1", "w5")]
    assert s.selected_params() == ["w5"]
    insp = window.inspector
    assert "w5" in insp.field("what")
    assert insp.field("gradient").startswith("∂E_total/∂w5 = 0.082167")
    assert insp.field("numerical") == "0.082167"
    assert "agree" in insp.field("difference")
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=view.view_pos_of("net_h1"))
    assert s.selection == ["net_h1"] and view.node_item("net_h1").is_selected
    assert "weighted_sum" in insp.field("kind")


def test_ctrl_click_selects_two_weights_for_a_loss_surface(qtbot, window):
    s, view = window.session, window.view
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=view.view_pos_of_edge("out_h1", "net_o1"))
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, Qt.ControlModifier, view.view_pos_of_edge("i1", "net_h1"))
    assert s.selected_params() == ["w5", "w1"]


def test_learning_rate_edit_changes_the_update_and_undoes(qtbot, window):
    s = window.session
    window.controls.lr.setValue(0.25)
    assert s.learning_rate == 0.25 and s.model.training.learning_rate == 0.25
    s.end()
    assert s.state.params["w5"] == pytest.approx(0.4 - 0.25 * 0.082167041, abs=1e-9)
    window.undo_action.trigger()
    assert s.learning_rate == 0.5 and window.controls.lr.value() == 0.5


def test_sample_selector_appears_for_several_samples(qtbot, window):
    a = next(a for a in window.example_actions if a.data().endswith("xor.json"))
    a.trigger()
    s = window.session
    assert s.sample_count == 4
    assert window.controls.sample.count() == 4
    window.controls.sample.setCurrentIndex(2)
    assert s.sample_index == 2
    x = s.stepper.samples[2]
    name = s.model.graph.inputs[0]
    assert window.view.node_item(name).value_text() == fmt(x[name], s.digits)


def test_lecture_style_draws_weights_white_and_black(qtbot, window):
    window.lecture_action.trigger()
    colour, width = window.view.edge_style("out_h1", "net_o1")       # w5 = 0.4 > 0
    assert colour.lightness() > 200
    window.session.edit_value("w5", -0.5)
    colour, _ = window.view.edge_style("out_h1", "net_o1")
    assert colour.lightness() < 60


def test_theme_and_digits_are_remembered(qtbot, window):
    from visualnn.ui.main_window import MainWindow, default_settings
    window.theme_actions["dark"].trigger()
    window.digit_actions[7].trigger()
    assert window.view.theme.name == "dark"
    window.close()
    again = MainWindow(settings=default_settings())
    qtbot.addWidget(again)
    assert again.view.theme.name == "dark" and again.session.digits == 7


def test_add_dock_puts_a_panel_and_its_toggle_in_the_view_menu(qtbot, window):
    from PySide6.QtWidgets import QLabel
    dock = window.add_dock("Extra", QLabel("hello"), Qt.LeftDockWidgetArea)
    assert window.docks["Extra"] is dock
    assert dock.toggleViewAction() in window.panels_menu.actions()
    qtbot.waitUntil(dock.isVisible)
    dock.toggleViewAction().trigger()
    assert not dock.isVisible()
    dock.toggleViewAction().trigger()
    assert dock.isVisible()


def test_visualnn_without_a_file_opens_the_2_2_2_example(window):
    assert window.session.path.name == "mazur_2_2_2.json"
    assert window.session.model.params["w5"] == 0.4


def test_visualnn_with_a_file_opens_it(qtbot, dialogs):
    from visualnn.app import create_window
    from visualnn.io import examples_dir
    from visualnn.ui.main_window import default_settings
    win = create_window(examples_dir() / "add_mul.json", settings=default_settings())
    qtbot.addWidget(win)
    assert win.session.path.name == "add_mul.json" and not dialogs.shown


def test_run_shows_the_window_and_returns_the_exit_code(qtbot, monkeypatch):
    from PySide6.QtWidgets import QApplication
    from visualnn import app as vapp
    shown = []
    monkeypatch.setattr(QApplication, "exec", lambda *a: shown.append(
        [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.windowTitle().endswith("visualnn")]) or 0)
    assert vapp.run() == 0
    assert shown and shown[0]
    for w in shown[0]:
        w.session.mark_saved()
        w.close()


def test_the_whole_graph_renders_to_an_image_for_export(window):
    img = window.view.render_scene(scale=0.5)
    assert img.width() > 300 and img.height() > 150
    colours = {img.pixel(x, y) for x in range(0, img.width(), 7) for y in range(0, img.height(), 7)}
    assert len(colours) > 10          # nodes, edges and text, not a blank


def _examples():
    from visualnn.io import examples_dir
    return sorted(p.name for p in examples_dir().glob("*.json"))


@pytest.mark.parametrize("name", _examples())
def test_every_example_opens_and_steps_through_a_pass_in_both_views(qtbot, window, dialogs, name):
    from visualnn.io import examples_dir
    assert window.open_file(examples_dir() / name), dialogs.shown
    s = window.session
    for mode in ("neuron", "gate"):
        if mode == "gate" and not s.gate_available():
            continue
        assert window.set_view_mode(mode)
        s.reset()
        for _ in range(s.cycle_length):
            s.step()
        assert s.position == s.cycle_length
        for n in s.graph.order:
            if not s.graph.nodes[n].is_leaf:
                assert window.view.node_item(n).value_text() != "", (mode, n)
        assert window.equations.lines()
        s.back()
        assert s.position == s.cycle_length - 1
    assert not dialogs.shown


def test_zooming_out_hides_unreadable_text_and_fit_brings_it_back(qtbot, window):
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    view = window.view
    assert view.texts_visible
    before = view.transform().m11()
    centre = QPointF(view.viewport().rect().center())
    for _ in range(6):      # the wheel, turned towards the user
        ev = QWheelEvent(centre, view.viewport().mapToGlobal(centre), QPoint(0, 0), QPoint(0, -240),
                         Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False)
        QApplication.sendEvent(view.viewport(), ev)
    assert view.transform().m11() < before / 4
    assert not view.texts_visible
    window.view.fit()
    assert view.texts_visible and view.transform().m11() == pytest.approx(before)


def test_dragging_pans_a_zoomed_in_view(qtbot, window):
    from PySide6.QtCore import QPoint
    view = window.view
    view.zoom(3.0)
    vp = view.viewport()
    start = vp.rect().center()
    before = view.mapToScene(start)
    qtbot.mousePress(vp, Qt.LeftButton, pos=start)
    for k in range(1, 11):
        qtbot.mouseMove(vp, start + QPoint(12 * k, 6 * k))
    qtbot.mouseRelease(vp, Qt.LeftButton, pos=start + QPoint(120, 60))
    after = view.mapToScene(start)
    assert after.x() < before.x() - 10 and after.y() < before.y() - 5
    assert window.session.selection == []          # a drag is not a click


def test_the_graph_takes_most_of_the_window_with_the_equations_a_strip_under_it(qtbot, window):
    qtbot.waitUntil(lambda: window.view.height() > 300)
    W, H = window.width(), window.height()
    assert window.view.width() > 0.95 * W and window.view.height() > 0.65 * H
    eq, ins = window.docks["Equations"], window.docks["Inspector"]
    for d in (eq, ins):
        assert window.dockWidgetArea(d) == Qt.BottomDockWidgetArea and d.height() < 0.2 * H
    assert eq.geometry().right() < ins.geometry().left()            # side by side in the strip
    # the plot panels are closed until opened from View > Panels, then share a column on the right
    plots = [window.docks[n] for n in ("Activation", "Loss surface", "Cost curve", "Training")]
    assert not any(d.isVisible() for d in plots)
    assert all(d.toggleViewAction() in window.panels_menu.actions() for d in plots)
    plots[1].toggleViewAction().trigger()
    qtbot.waitUntil(plots[1].isVisible)
    assert window.dockWidgetArea(plots[1]) == Qt.RightDockWidgetArea
    qtbot.waitUntil(lambda: plots[1].width() < 0.4 * W)
    assert window.view.width() > 0.55 * W


def test_the_window_fits_a_1280_by_800_screen(window):
    hint = window.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 760
    assert window.stepping_toolbar.sizeHint().width() <= 1260


def test_a_first_window_fills_the_available_screen_and_a_restored_one_is_kept_on_it(qtbot, tmp_path):
    from PySide6.QtCore import QRect, QSettings
    from PySide6.QtGui import QGuiApplication
    from visualnn.ui.main_window import MainWindow
    avail = QGuiApplication.primaryScreen().availableGeometry()
    first = MainWindow(settings=QSettings(str(tmp_path / "a.ini"), QSettings.IniFormat))
    qtbot.addWidget(first)
    g = first.geometry()
    assert avail.contains(g) and g.width() > 0.9 * avail.width() and g.height() > 0.85 * avail.height()
    # saved on a bigger screen, far to the right: shrunk and moved back on this one
    settings = QSettings(str(tmp_path / "b.ini"), QSettings.IniFormat)
    big = MainWindow(settings=settings)
    qtbot.addWidget(big)
    big.setGeometry(QRect(avail.right() + 500, 40, avail.width() * 2, avail.height() * 2))
    settings.setValue("geometry", big.saveGeometry())
    settings.sync()
    again = MainWindow(settings=settings)
    qtbot.addWidget(again)
    assert avail.contains(again.geometry())


def test_a_dock_layout_saved_by_an_older_version_is_not_restored(qtbot, tmp_path):
    from PySide6.QtCore import QSettings
    from visualnn.ui.main_window import MainWindow
    settings = QSettings(str(tmp_path / "c.ini"), QSettings.IniFormat)
    old = MainWindow(settings=settings)
    qtbot.addWidget(old)
    old.addDockWidget(Qt.RightDockWidgetArea, old.docks["Inspector"])
    settings.setValue("windowState", old.saveState(1))          # version 1: an older layout
    settings.sync()
    new = MainWindow(settings=settings)
    qtbot.addWidget(new)
    assert new.dockWidgetArea(new.docks["Inspector"]) == Qt.BottomDockWidgetArea
    new.addDockWidget(Qt.LeftDockWidgetArea, new.docks["Inspector"])
    new._save_settings()                                        # this version's layout comes back
    again = MainWindow(settings=settings)
    qtbot.addWidget(again)
    assert again.dockWidgetArea(again.docks["Inspector"]) == Qt.LeftDockWidgetArea


UNSEEN_DIALOGS = r"""
import sys, tempfile
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication([])
from visualnn.app import create_window
w = create_window(None, settings=QSettings(tempfile.mkdtemp() + "/s.ini", QSettings.IniFormat))
w.show()
app.processEvents()
w.session.edit_value("w5", 0.9)
w.close()                        # asks about the unsaved edit, and nobody can answer offscreen
print("open" if w.isVisible() else "closed", w.session.dirty, w.session.value_of("w5"), flush=True)
print(w.revert(), w.edit_value("w5"), w.save_as(), flush=True)
w.open_dialog()
w.open_file("/no/such/file.json")
print("done", flush=True)
"""


def test_a_dialog_nobody_can_see_is_cancelled_instead_of_waiting_forever():
    import os
    import subprocess
    import sys
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    try:
        out = subprocess.run([sys.executable, "-c", UNSEEN_DIALOGS], env=env, capture_output=True, text=True,
                             timeout=90)
    except subprocess.TimeoutExpired as err:
        pytest.fail(f"a dialog waited for an answer nobody could give: {err.stdout}")
    lines = out.stdout.splitlines()
    assert lines[:3] == ["open True 0.9", "False False False", "done"], out.stderr[-2000:]


def test_a_restored_layout_never_gives_the_graph_less_than_60_percent_of_the_window(qtbot, tmp_path):
    from PySide6.QtCore import QSettings
    from visualnn.io import examples_dir
    from visualnn.ui.main_window import GRAPH_SHARE, MainWindow
    settings = QSettings(str(tmp_path / "d.ini"), QSettings.IniFormat)
    old = MainWindow(settings=settings)
    qtbot.addWidget(old)
    old.open_file(examples_dir() / "mazur_2_2_2.json")
    old.resize(1366, 768)
    old.show()
    for name in old.plot_panels:                          # every plot panel docked and large
        old.docks[name].show()
    old.resizeDocks([old.docks[n] for n in old.plot_panels], [700] * len(old.plot_panels), Qt.Horizontal)
    qtbot.wait(50)
    assert old.view.width() * old.view.height() < GRAPH_SHARE * old.width() * old.height()
    old._save_settings()
    settings.sync()
    new = MainWindow(settings=settings)
    qtbot.addWidget(new)
    new.open_file(examples_dir() / "mazur_2_2_2.json")
    new.resize(1366, 768)
    new.show()
    qtbot.waitUntil(lambda: new.view.width() * new.view.height() >= GRAPH_SHARE * new.width() * new.height(),
                    timeout=3000)
    assert not any(new.docks[n].isVisible() for n in list(new.plot_panels))
