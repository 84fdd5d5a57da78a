"""The toolbar's learning-rate box commits only a value the user typed, at full
precision, within the range a file allows: clicking into it and out again, typing
nothing, leaves the file's 0.123456789 or 500 as it is and the file unedited."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from visualnn.io import examples_dir


@pytest.fixture
def with_rate(window, tmp_path):
    def open_with(rate):
        top = json.loads((examples_dir() / "mazur_2_2_2.json").read_text())
        top["training"]["learning_rate"] = rate
        p = tmp_path / f"rate{rate}.json"
        p.write_text(json.dumps(top))
        assert window.open_file(p)
        return window.controls.lr
    return open_with


def click_in_and_out(window, qtbot, box):
    qtbot.mouseClick(box.lineEdit(), Qt.LeftButton)
    assert box.hasFocus() or box.lineEdit().hasFocus()
    window.view.setFocus()
    qtbot.wait(10)


@pytest.mark.parametrize("rate", [0.123456789, 500.0, 1e-9])
def test_clicking_into_the_rate_and_out_changes_nothing(window, qtbot, with_rate, rate):
    box = with_rate(rate)
    assert box.text() == repr(rate).removesuffix(".0")
    click_in_and_out(window, qtbot, box)
    assert window.session.learning_rate == rate and not window.session.dirty
    assert box.text() == repr(rate).removesuffix(".0")


def type_into(qtbot, box, text):
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    qtbot.keyClick(box.lineEdit(), Qt.Key_Return)


def test_a_typed_rate_is_committed_exactly_once(window, qtbot, with_rate):
    box = with_rate(0.5)
    type_into(qtbot, box, "0.0123456789012")
    assert window.session.learning_rate == 0.0123456789012 and window.session.dirty
    window.session.undo_stack.undo()
    assert window.session.learning_rate == 0.5


def test_a_typed_rate_outside_the_allowed_range_is_refused(window, qtbot, with_rate):
    box = with_rate(0.5)
    for bad in ("2e6", "0", "-1"):
        type_into(qtbot, box, bad)
        window.view.setFocus()
        qtbot.wait(10)
        assert window.session.learning_rate == 0.5 and not window.session.dirty, bad
        assert box.text() == "0.5"


def test_the_arrows_step_the_rate(window, qtbot, with_rate):
    box = with_rate(0.5)
    box.stepBy(1)
    assert window.session.learning_rate == pytest.approx(0.55) and window.session.dirty


def test_a_rate_finer_than_the_panel_boxes_show_undoes_and_redoes_as_one_edit(window, qtbot, with_rate):
    for d in window.docks.values():
        d.show()
    for panel in window.plot_panels.values():
        panel.set_seen(True)                     # built and following the session
    qtbot.wait(20)
    box = with_rate(0.5)
    type_into(qtbot, box, "2.6758312828078235")
    s = window.session
    assert s.learning_rate == 2.6758312828078235 and s.undo_stack.count() == 1
    window.undo_action.trigger()
    assert s.learning_rate == 0.5
    window.redo_action.trigger()                 # the panels' 4-decimal boxes show it; none writes it back
    assert s.learning_rate == 2.6758312828078235 and s.undo_stack.count() == 1
    assert window.plot_panels["Training"].lr.value() == pytest.approx(2.6758)
