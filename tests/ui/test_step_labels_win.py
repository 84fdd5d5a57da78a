"""The labels of the current operation always win: drawn whole, never shortened with "…" or left out.

Checked at every step of the first pass of every bundled example, at 4 and 9
digits, in the window and in the presentation at 1366x768.  Some labels of
the two 8x8 playgrounds have no room at all (through a neuron with eight
inputs: eight labels of up to three lines, at 9 digits each over 400 pixels
wide in the presentation's type), so they are shortened: their number is
pinned so that it cannot grow unnoticed."""
from __future__ import annotations

import pytest

from visualnn.io import examples_dir, load

pytestmark = pytest.mark.usefixtures("qapp")
SIZE = (1366, 768)
EXAMPLES = sorted(p.name for p in examples_dir().glob("*.json"))
# (example, "window" | "presentation", digits) -> step labels shortened or left out over the pass
NO_ROOM = {
    ("circles.json", "window", 9): 2, ("circles.json", "presentation", 4): 1, ("circles.json", "presentation", 9): 51,
    ("spiral.json", "window", 9): 2, ("spiral.json", "presentation", 4): 2, ("spiral.json", "presentation", 9): 53,
}


def step_labels_not_whole(view) -> list:
    """The current step's texts (its node's name, value and gradient, its edges' labels)
    drawn shortened or not drawn."""
    placer = view._placer
    keys = set(view.current_edges()) & set(view._labels)
    node = view._current_node
    if node is not None:
        keys |= {("node", node, part) for part in ("label", "value", "grad")}
    return sorted(keys & (placer.shortened | placer.dropped), key=str)


def _in_window(name: str, digits: int) -> list:
    from PySide6.QtWidgets import QApplication

    from visualnn.app import create_window
    from visualnn.ui.main_window import default_settings
    win = create_window(None, settings=default_settings())
    win.resize(*SIZE)
    win.show()
    QApplication.processEvents()
    win.open_file(str(examples_dir() / name))
    win.view.set_motion(False)              # where the labels stay, not where they travel
    s = win.session
    s.set_digits(digits)
    lost = []
    try:
        for pos in range(s.cycle_length + 1):
            s.seek(pos)
            win.view.inside.wait()          # the neuron pictures, which labels keep off
            QApplication.processEvents()
            lost += [(pos, key) for key in step_labels_not_whole(win.view)]
    finally:
        s.mark_saved()
        win.close()
        win.deleteLater()
    return lost


def _in_presentation(name: str, digits: int) -> list:
    from visualnn.io.lecture import Slide
    from visualnn.ui.export import FrameRenderer
    from visualnn.ui.present import Deck
    from visualnn.ui.session import Session
    s = Session(document=load(examples_dir() / name))
    s.set_digits(digits)
    r = FrameRenderer(s, Deck([Slide(0, s.cycle_length)]), "window", SIZE)
    lost = []
    try:
        for k in range(len(r)):
            r.show(k)
            lost += [(s.position, key) for key in step_labels_not_whole(r.slide.graph)]
    finally:
        r.close()
    return lost


@pytest.mark.parametrize("digits", (4, 9))
def test_every_label_of_the_2_2_2_networks_current_step_is_drawn_whole(digits):
    assert _in_window("mazur_2_2_2.json", digits) == []
    assert _in_presentation("mazur_2_2_2.json", digits) == []


def test_the_o2_neurons_backward_step_shows_its_product_in_full_at_9_digits():
    from visualnn.io.lecture import Slide
    from visualnn.ui.export import FrameRenderer
    from visualnn.ui.present import Deck
    from visualnn.ui.session import Session
    s = Session(document=load(examples_dir() / "mazur_2_2_2.json"))
    s.set_digits(9)
    r = FrameRenderer(s, Deck([Slide(13, 13)]), "window", SIZE)
    try:
        r.show(0)
        assert (s.position, s.state.step.phase) == (13, "backward")
        item = r.slide.graph.edge_label_item("net_o2", "out_o2")
        assert "…" not in item.text() and item.isVisible()
        assert item.text() == r.slide.graph.edge_label("net_o2", "out_o2")
    finally:
        r.close()


@pytest.mark.slow
@pytest.mark.parametrize("name", EXAMPLES)
def test_every_label_of_the_current_step_is_drawn_whole_in_every_example(name):
    for digits in (4, 9):
        for where, lost in (("window", _in_window(name, digits)),
                            ("presentation", _in_presentation(name, digits))):
            assert len(lost) == NO_ROOM.get((name, where, digits), 0), (where, digits, lost[:8])
