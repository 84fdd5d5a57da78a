"""Nothing stale: what the window shows belongs to the file, step and weights shown now."""
from __future__ import annotations

from PySide6.QtWidgets import (QApplication, QDockWidget, QGraphicsSimpleTextItem, QGraphicsTextItem, QGraphicsView,
                               QLabel, QWidget)

from visualnn.engine.explain import fmt
from visualnn.io import examples_dir
from visualnn.ui.plots.adaptive import LazyPanel

TEA_WORDS = ("T_guess", "tea", "Tea", "59.32")


def _seen(w) -> bool:
    """Whether a user can see ``w``: shown, and not in a panel behind another tab."""
    if not w.isVisible():
        return False
    while w is not None:
        if isinstance(w, LazyPanel) and w.hidden_now():
            return False
        w = w.parentWidget()
    return True


def _all_text(window) -> str:
    """Every word the window shows about its file: labels, tooltips, plot texts, the graph's texts
    (not the menus, whose Examples and recent files name other files by design)."""
    parts = [window.windowTitle()]
    for w in window.findChildren(QWidget):
        if not _seen(w):
            continue                # a panel behind another tab catches up when it is shown
        if isinstance(w, QLabel):
            parts.append(w.text())
        for attr in ("toolTip", "windowTitle"):
            parts.append(getattr(w, attr)())
    for view in window.findChildren(QGraphicsView):       # plot titles, readouts and marks drawn in scenes
        if view.scene() is None or not _seen(view):
            continue
        for item in view.scene().items():
            if isinstance(item, QGraphicsTextItem):
                parts.append(item.toPlainText())
            elif isinstance(item, QGraphicsSimpleTextItem):
                parts.append(item.text())
    v = window.view
    parts += [v.node_item(n).name_text() + " " + v.node_item(n).value_text() for n in v.node_names()]
    parts += [v.edge_label(a, b) for a, b in v.edge_keys()]
    return "\n".join(parts)


def test_opening_tea_then_mm_leaves_no_tea_text_anywhere(window, qtbot):
    window.open_file(examples_dir() / "tea_temperature.json")
    for dock in window.findChildren(QDockWidget):           # every panel open, so each holds its own words
        dock.show()
        dock.raise_()
    for name in window.plot_panels:
        window.plot_panels[name]
    window.session.seek(3)
    for _ in range(20):
        QApplication.processEvents()
    for name in window.plot_panels:
        window.plot_panels[name].wait(10000)
    QApplication.processEvents()
    assert "T_guess" in _all_text(window)
    window.open_file(examples_dir() / "mm_bag.json")
    for _ in range(20):
        QApplication.processEvents()
    for name in window.plot_panels:
        window.plot_panels[name].wait(10000)
    QApplication.processEvents()
    for dock in [None] + window.findChildren(QDockWidget):     # each panel brought to the front in turn
        if dock is not None:
            dock.raise_()
            for _ in range(10):
                QApplication.processEvents()
            window.plot_panels[dock.objectName()].wait(10000) if dock.objectName() in window.plot_panels else None
            QApplication.processEvents()
        text = _all_text(window)
        leftovers = [w for w in TEA_WORDS if w in text]
        assert not leftovers, [ln for ln in text.splitlines() if any(w in ln for w in leftovers)]


def test_the_legend_range_follows_an_edit_and_training(window, qtbot):
    v = window.view
    s = window.session
    assert v.legend_range() == ("-0.55", "+0.55")             # w8 is the largest weight of the 2-2-2 network
    s.edit_value("w5", -0.8)
    assert v.legend_range() == ("-0.8", "+0.8")
    s.undo_stack.undo()
    assert v.legend_range() == ("-0.55", "+0.55")
    s.seek(s.cycle_length)                                    # after the update: the new weights' range
    top = max(abs(s.state.params[w]) for _, _, w in s.graph.edges() if w is not None)
    assert v.legend_range()[1] == f"+{round(top, 2):g}"



def test_the_update_step_marks_forward_values_from_before_the_update(window):
    from visualnn.ui import legend
    s, v = window.session, window.view
    s.seek(s.cycle_length - 1)
    assert legend.STALE not in legend.lines(v)
    assert v.node_item("out_o1").lines["value"].role == "value"
    s.step()                                                  # the update
    assert s.state.step.phase == "update"
    assert legend.STALE in legend.lines(v)
    assert v.node_item("out_o1").lines["value"].role == "muted"
    assert f"w5: 0.4 → {fmt(0.35891648, s.digits)}" in v.edge_label("out_h1", "net_o1")


def test_a_step_moves_its_value_along_the_edge_and_a_held_key_skips_the_motion(window, qtbot):
    from visualnn.ui import motion
    s, v = window.session, window.view
    s.step()                                                  # forward: net_h1 from i1, i2, b1
    assert v.motion.running and len(v.motion._segments) == 3
    qtbot.waitUntil(lambda: not v.motion.running, timeout=2 * motion.DURATION_MS + 500)
    qtbot.wait(motion.DURATION_MS + 50)
    s.step()                                                  # out_h1: inside its neuron, nothing travels
    assert not v.motion.running
    qtbot.wait(motion.DURATION_MS + 50)
    s.step()                                                  # net_h2
    assert v.motion.running and len(v.motion._segments) == 3
    s.step()
    s.step()                                                  # net_o1, sooner than the motion lasts: a key held
    assert s.state.step.node == "net_o1" and not v.motion.running
    window.motion_action.trigger()                            # View > Animate steps off
    qtbot.wait(motion.DURATION_MS + 50)
    s.step()
    assert not v.motion.running and not v.motion.enabled
