"""Every activation shows on its neuron's σ half, readable (12 px and up): its name where
the name fits (σ, id), otherwise a picture of its curve (ReLU, GELU, softplus ...), in the
window, in the presentation and in the exported graph (drawn by the presentation's view)."""
import numpy as np
import pytest
from nets import mlp_model
from PySide6.QtCore import QPointF

from visualnn.engine.ops import ACTIVATIONS
from visualnn.engine.plotting_data import activation_curve
from visualnn.ui.graph_items import GLYPH_SPAN, activation_glyph
from visualnn.ui.present import PresentationView
from visualnn.ui.session import Session

MIN_PX = 12.0


def network(activation):
    return mlp_model([2, 3, 2], activation, loss="mse", random_seed=1, samples=2, title=activation)


def sigma_halves(view):
    halves = [item for item in view._nodes.values() if item.box.half == "right"]
    assert halves
    return halves


def shown_px(item) -> float:
    """How large the σ half's symbol is drawn: its name's size, or its curve's height."""
    if item.glyph_px():
        return item.glyph_px()
    return item.symbol.px if item.symbol.isVisible() and item.symbol_text() else 0.0


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_activation_has_a_picture_of_its_curve(activation):
    path = activation_glyph(activation)
    points = [path.elementAt(i) for i in range(path.elementCount())]
    assert len(points) == 41
    xs = np.array([p.x for p in points])
    ys = 0.5 - np.array([p.y for p in points])       # y up, 0..1
    f, _ = activation_curve(activation, xs * 2 * GLYPH_SPAN)
    span = f.max() - f.min()
    expected = (f - f.min()) / span if span > 0 else np.full_like(f, 0.5)
    np.testing.assert_allclose(ys, expected, atol=1e-12)          # the engine's own curve, nothing drawn by hand
    assert path.boundingRect().width() == pytest.approx(1.0)


def test_relu_picture_is_flat_then_rising():
    path = activation_glyph("relu")
    pts = [QPointF(path.elementAt(i).x, path.elementAt(i).y) for i in range(path.elementCount())]
    left = {round(p.y(), 12) for p in pts if p.x() < 0}
    assert left == {0.5}                                       # zero for x < 0, at the bottom
    right = [p.y() for p in pts if p.x() > 0]
    assert right == sorted(right, reverse=True) and right[-1] == pytest.approx(-0.5)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_activation_reads_on_its_sigma_half_in_the_window(qtbot, window, activation):
    window.resize(1366, 768)
    window.show_model(network(activation))
    qtbot.wait(20)
    for item in sigma_halves(window.view):
        assert shown_px(item) >= MIN_PX, (activation, item.name, item.symbol_text())
        assert not (item.glyph_px() and item.symbol.isVisible())   # the name or the curve, not both on top


@pytest.mark.parametrize("graph_only", [False, True], ids=["presentation", "export"])
@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "gelu", "softplus", "linear", "tanh"])
def test_every_activation_reads_in_the_presentation_and_exports(qtbot, shown, activation, graph_only):
    slide = shown(PresentationView(Session(model=network(activation)), graph_only=graph_only), 1366, 768)
    qtbot.wait(20)
    for item in sigma_halves(slide.graph):
        assert shown_px(item) >= MIN_PX, (activation, item.name)


def test_the_curve_is_drawn_in_the_colour_that_reads_on_the_node(qtbot, window):
    from visualnn.ui import theme as th
    window.resize(1366, 768)
    window.show_model(network("relu"))
    window.set_theme("dark")
    qtbot.wait(20)
    for item in sigma_halves(window.view):
        assert item.glyph.pen().color() == th.readable_on(item.brush().color())
        assert item.glyph.pen().widthF() * item.glyph.scale() == pytest.approx(1.6)
    window.set_theme("light")


@pytest.mark.parametrize("activation, below", [("relu", False), ("elu", True), ("gelu", True), ("tanh", True)])
def test_the_zero_line_tells_relu_from_curves_that_dip_below_it(activation, below):
    from visualnn.ui.graph_items import glyph_zero_line
    line = glyph_zero_line(activation).boundingRect()
    curve = activation_glyph(activation).boundingRect()
    assert line.width() == pytest.approx(1.0)
    assert (curve.bottom() > line.top() + 1e-9) == below        # y down: part of the curve lies under f = 0
