"""Presentation mode: F5, clicker keys, black screen, Esc, predict-then-reveal."""
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication

from visualnn.io.lecture import Slide
from visualnn.ui.present import (Deck, PresentationWindow, emphasis_html, fill_caption, mask_numbers,
                                 start_presentation)
from visualnn.ui.session import Session

from nets import mazur_model


@pytest.fixture
def present(window, qtbot):
    """The stepper window on the 2-2-2 example, presenting (F5)."""
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.view, Qt.Key_F5)
    p = window.presentation
    assert p is not None
    qtbot.waitExposed(p)
    p.opened_full_screen = p.isFullScreen()
    p.showNormal()                  # the offscreen test screen is small: look at it as on a 1080p projector
    p.resize(1920, 1080)
    QApplication.processEvents()
    yield p
    if window.presentation is not None:
        window.presentation.close()


def _go_to_title(p, title):
    p.view.first()
    while p.view.slide.title != title:
        assert p.view.next(), f"no slide {title!r}"


def test_f5_presents_full_screen_without_the_editing_chrome(window, present):
    assert present.opened_full_screen
    assert present.isAncestorOf(present.view) and not present.isAncestorOf(window.menuBar())
    assert present.is_lecture                                   # mazur_2_2_2.json ships a lecture
    assert present.view.texts()["title"] == "Backpropagation, step by step"
    assert window.present_action in window.view_menu.actions()


def test_pagedown_and_pageup_step_through_the_clicks(window, present, qtbot):
    k = present.view.index
    qtbot.keyClick(present, Qt.Key_PageDown)
    assert present.view.index == k + 1
    assert window.session.position == present.view.frame.position == 1
    qtbot.keyClick(present, Qt.Key_Space)
    qtbot.keyClick(present, Qt.Key_Right)
    assert present.view.index == k + 3
    qtbot.keyClick(present, Qt.Key_PageUp)
    qtbot.keyClick(present, Qt.Key_Left)
    assert present.view.index == k + 1
    qtbot.keyClick(present, Qt.Key_End)
    assert present.view.index == len(present.deck) - 1 and window.session.position == 19
    qtbot.keyClick(present, Qt.Key_Home)
    assert present.view.index == 0 and window.session.position == 0


def test_b_and_period_black_the_screen_and_bring_it_back(present, qtbot):
    qtbot.keyClick(present, Qt.Key_B)
    assert present.blacked_out
    img = present.grab().toImage()
    assert img.pixelColor(img.width() // 2, img.height() // 2).name() == "#000000"
    k = present.view.index
    qtbot.keyClick(present, Qt.Key_B)
    assert not present.blacked_out
    qtbot.keyClick(present, Qt.Key_Period)
    assert present.blacked_out
    qtbot.keyClick(present, Qt.Key_PageDown)                    # the first click only brings the picture back
    assert not present.blacked_out and present.view.index == k


def test_esc_leaves_the_window_in_its_view_at_the_step_the_presentation_reached(window, qtbot):
    s = window.session
    s.set_view_mode("gate")
    s.seek(7)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.view, Qt.Key_F5)
    p = window.presentation
    assert s.view_mode == "neuron"                              # the lecture names the neuron view's nodes
    qtbot.keyClick(p, Qt.Key_PageDown)
    qtbot.keyClick(p, Qt.Key_PageDown)
    reached = (s.state.step.node, s.state.step.phase)
    qtbot.keyClick(p, Qt.Key_Escape)
    assert window.presentation is None and not p.isVisible()
    assert s.view_mode == "gate" and (s.state.step.node, s.state.step.phase) == reached
    assert window.menuBar().isVisible() and window.stepping_toolbar.isVisible()


def test_f5_at_step_5_opens_the_slide_containing_step_5(window, qtbot):
    window.session.seek(5)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.view, Qt.Key_F5)
    p = window.presentation
    slide = p.view.slide
    assert slide.start <= 5 <= slide.end and p.view.frame.position == 5 == window.session.position


def test_esc_after_paging_to_step_12_leaves_the_window_at_step_12(window, qtbot):
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.view, Qt.Key_F5)
    p = window.presentation
    while window.session.position < 12:
        qtbot.keyClick(p, Qt.Key_PageDown)
    assert window.session.position == 12
    qtbot.keyClick(p, Qt.Key_Escape)
    assert window.presentation is None and window.session.position == 12
    assert window.view.node_item(window.session.state.step.node).is_current


def test_a_step_taken_in_the_window_moves_the_presentation_too(window, present, qtbot):
    window.session.seek(9)
    assert present.view.frame.position == 9
    qtbot.keyClick(present, Qt.Key_PageDown)
    assert window.session.position == present.view.frame.position >= 9


def test_the_graph_keeps_one_scale_for_the_whole_lecture(present):
    g = present.view.graph
    scales = set()
    for k in range(len(present.deck)):
        present.view.show_frame(k)
        QApplication.processEvents()
        scales.add((round(g.transform().m11(), 6), g.size().width(), g.size().height()))
    assert len(scales) == 1, scales


def test_a_hidden_value_shows_a_question_mark_until_the_next_click(present, qtbot):
    _go_to_title(present, "The forward pass: net input")
    v = present.view
    assert v.frame.position == 1 and not v.frame.revealed
    assert v.graph.node_item("net_h1").value_text() == "?"
    assert v.texts()["slide"].endswith("Predict it: ?.")
    assert v.texts()["equations"][-1].endswith("= ?")
    assert "0.3775" not in " ".join(v.texts()["equations"]) + v.texts()["step"]
    qtbot.keyClick(present, Qt.Key_PageDown)
    assert v.frame.revealed and v.frame.position == 1          # the reveal click stays on the step
    assert v.graph.node_item("net_h1").value_text() == "0.3775"
    assert v.texts()["slide"].endswith("Predict it: 0.3775.")
    assert v.texts()["equations"][-1].endswith("= 0.3775")


def test_a_hidden_gradient_is_masked_on_the_graph_and_in_the_words(present, qtbot):
    _go_to_title(present, "∂E/∂w5")
    v = present.view
    label = v.graph.edge_label("out_h1", "net_o1")
    assert "∂E/∂w5 = ?" in label and "0.0822" not in label
    assert "0.0822" not in v.texts()["step"] and "?" in v.texts()["step"]
    qtbot.keyClick(present, Qt.Key_PageDown)
    assert "∂E/∂w5 = 0.0822" in v.graph.edge_label("out_h1", "net_o1")
    assert "0.0822" in v.texts()["slide"]


def test_the_caption_line_says_what_the_step_does_with_its_numbers(present):
    _go_to_title(present, "Back through the output sigmoid")
    present.view.next()                                         # reveal
    step = present.view.texts()["step"]
    assert "Backward through the sigmoid out_o1" in step
    assert "0.1868" in step and "0.7414" in step and "0.1385" in step


def test_highlighted_edges_get_a_halo(present):
    _go_to_title(present, "Gradients add at branches")
    g = present.view.graph
    halo = g._halo.path()
    out_h1, net_o2 = g.layout_info.boxes["out_h1"], g.layout_info.boxes["net_o2"]
    start, end = (out_h1.x + out_h1.w / 2, out_h1.y), (net_o2.x - net_o2.w / 2, net_o2.y)
    middle = QPointF((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
    assert halo.contains(middle) and halo.contains(QPointF(out_h1.x, out_h1.y))
    assert not halo.contains(g.scene_pos_of("i2"))


def test_slide_panels_appear_beside_the_graph(present):
    _go_to_title(present, "The forward pass: squash")
    assert present.view.panels["activation"].isVisible()
    _go_to_title(present, "The total error")
    assert not present.view.panels["activation"].isVisible()


def test_type_is_large_enough_for_a_lecture_hall(present):
    v = present.view
    assert v.slide_caption.font().pixelSize() >= 30 and v.step_caption.font().pixelSize() >= 24
    assert v.title.font().pixelSize() >= 40 and v.equations.font().pixelSize() >= 24
    # graph numbers: at least 18 pixels on screen (they do not shrink with the zoom)
    drawn = v.graph.drawn_texts()
    assert drawn[("node", "i1", "value")][1] >= 18
    assert v.graph.node_item("i1").symbol.px >= 12


def test_the_projector_graph_sizes_its_own_type_and_leaves_the_stepper_window_alone(window, present):
    from visualnn.ui.present import PROJECTOR_TYPE_PX
    g = present.view.graph
    present.resize(1366, 768)
    assert g.type_px() == PROJECTOR_TYPE_PX and window.view.type_px() == (12.0, 14.0)
    present.resize(1920, 1080)
    assert g.type_px()[1] == pytest.approx(PROJECTOR_TYPE_PX[1] * 1920 / 1366, rel=0.01)
    window.view.text_scale = 2.0            # a property: the texts are placed again at the new size
    assert window.view.drawn_texts()[("node", "i1", "value")][1] == 24
    with pytest.raises(ValueError):
        window.view.text_scale = 0


def test_without_a_lecture_every_click_is_one_step(qtbot):
    s = Session(model=mazur_model())
    p = PresentationWindow(s)
    qtbot.addWidget(p)
    p.resize(1280, 720)
    p.show()
    assert not p.is_lecture and len(p.deck) == s.cycle_length + 1
    for k in range(1, 6):
        qtbot.keyClick(p, Qt.Key_PageDown)
        assert s.position == k
    assert "Forward" in p.view.texts()["step"]
    assert p.view.texts()["title"] == "Backpropagation, step by step: the 2-2-2 network"     # the file's title
    p.close()


def test_presenting_starts_at_the_step_shown_when_there_is_no_lecture(window, qtbot):
    window.session.document.lecture = None
    window.session.seek(5)
    p = start_presentation(window)
    assert p.view.frame.position == 5 and p.view.index == 5
    p.close()


def test_deck_flattens_slides_into_clicks_with_a_reveal_after_the_last_step():
    d = Deck([Slide(0, 0), Slide(2, 4, hide=(("value", "x"),)), Slide(5, 5)])
    assert [(f.slide, f.position, f.revealed) for f in d.frames] == [
        (0, 0, False), (1, 2, False), (1, 3, False), (1, 4, False), (1, 4, True), (2, 5, False)]
    assert d.hidden(2) == (("value", "x"),) and d.hidden(4) == ()
    assert d.first_at(4) == 3 and d.first_at(99) == 0


def test_caption_text_helpers():
    assert emphasis_html("a *b* **c** 2*3 <x>") == "a <i>b</i> <b>c</b> 2*3 &lt;x&gt;"
    assert mask_numbers("0.4 × 0.1385 = 0.0554, 10.0554", ["0.0554"]) == "0.4 × 0.1385 = ?, 10.0554"
    s = Session(model=mazur_model())
    st = s.seek(12)
    assert fill_caption("w5 {w5} g {grad:w5} n {out_h1}", st, 4) == "w5 0.4 g 0.0822 n 0.5933"
    assert fill_caption("{grad:w5}", st, 4, [("gradient", "w5")]) == "?"
    assert fill_caption("{out_o2}", s.seek(0), 4) == "…"


def test_help_lists_every_key_of_the_window_and_the_presentation_and_the_mouse(window, qtbot):
    from PySide6.QtGui import QAction, QKeySequence

    from visualnn.ui.help import KeysDialog
    assert window.keys_action in window.help_menu.actions()
    rows = KeysDialog(window).rows()
    listed = " ".join(k for k, _ in rows)
    for a in window.findChildren(QAction):
        for k in a.shortcuts():
            if not k.isEmpty():
                assert k.toString(QKeySequence.NativeText) in listed, a.text()
    words = " ".join(w for _, w in rows)
    assert "Presentation: black screen" in words and "Double-click" in " ".join(k for k, _ in rows)
    assert any("F5" in k for k, _ in rows) and any("Esc" in k for k, _ in rows)
