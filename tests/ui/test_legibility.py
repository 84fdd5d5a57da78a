"""Every text on exported frames is readable: measured on the SVG with the font's metrics.

The fast tests cover the 2-2-2 network at every step (the start frame included)
in the graph and the whole presentation screen, at 1366x768 and 1920x1080, at 4
and 9 digits, and three steps of every other example; the slow test every step
of every example in all those ways (``pytest -m slow``)."""
from __future__ import annotations

import pytest

from visualnn.io import examples_dir
from visualnn.ui.legibility import collisions, measure_example

pytestmark = pytest.mark.usefixtures("qapp")
SIZES = ((1366, 768), (1920, 1080))
MIN_PX = 12.0
EXAMPLES = sorted(p.name for p in examples_dir().glob("*.json"))


def _check(name, size, view, digits, steps):
    frames = measure_example(examples_dir() / name, size, view, digits, steps)
    assert frames
    for step, texts in frames:
        hits = collisions(texts)
        assert not hits, f"{name} step {step} {size} {view} {digits} digits: " + "; ".join(
            f"{a.text!r} on {b.text!r}" for a, b in hits[:5])
        small = [t for t in texts if t.px < MIN_PX - 1e-6]
        assert not small, f"{name} step {step}: {[(t.text, round(t.px, 1)) for t in small[:5]]} below {MIN_PX} px"


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("view", ("graph", "window"))
@pytest.mark.parametrize("digits", (4, 9))
def test_no_text_of_the_2_2_2_network_collides_or_is_small_at_any_step(size, view, digits):
    _check("mazur_2_2_2.json", size, view, digits, "0-19")


@pytest.mark.parametrize("name", [n for n in EXAMPLES if n != "mazur_2_2_2.json"])
def test_no_text_of_an_example_collides_at_its_start_middle_and_update(name):
    from visualnn.io import load
    from visualnn.ui.session import Session
    L = Session(document=load(examples_dir() / name)).cycle_length
    for step in sorted({0, L // 2, L}):
        _check(name, (1366, 768), "window", 9, str(step))


@pytest.mark.slow
@pytest.mark.parametrize("name", EXAMPLES)
def test_no_text_of_any_example_collides_at_any_step_size_view_or_digits(name):
    for size in SIZES:
        for view in ("graph", "window"):
            for digits in (4, 9):
                _check(name, size, view, digits, "all")


def test_the_current_step_is_drawn_at_least_18_pixels_in_a_presentation_at_1366x768():
    from visualnn.io import load
    from visualnn.ui.export import FrameRenderer
    from visualnn.io.lecture import Slide
    from visualnn.ui.present import Deck
    from visualnn.ui.session import Session
    s = Session(document=load(examples_dir() / "mazur_2_2_2.json"))
    s.set_digits(9)
    r = FrameRenderer(s, Deck([Slide(0, s.cycle_length)]), "window", (1366, 768))
    try:
        for k in range(1, len(r)):
            r.show(k)
            g = r.slide.graph
            st = s.state.step
            drawn = g.drawn_texts()
            current = [px for key, (_, px) in drawn.items()
                       if key in g.current_edges() or (key[0] == "node" and key[1] == st.node)]
            assert all(px >= 18 for px in current)
            assert all(px >= 12 for _, px in drawn.values())
            if st.node is not None and st.phase in ("forward", "loss") and not g.node_item(st.node).box.quiet:
                assert drawn.get(("node", st.node, "value"), (None, 0))[1] >= 18, (k, st.node)
    finally:
        r.close()
