import numpy as np
import pytest

from visualnn.engine import OPS, Stepper
from visualnn.engine.ops import ACTIVATIONS
from visualnn.ui.plots.activation import ActivationPanel
from visualnn.ui.plots.source import ModelSource


def test_every_engine_activation_is_listed_and_plotted_from_ops(qtbot, mazur):
    panel = ActivationPanel(mazur)
    qtbot.addWidget(panel)
    listed = [panel.combo.itemData(i) for i in range(panel.combo.count())]
    assert listed == ACTIVATIONS
    for name in ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "step", "linear"):
        assert name in listed
        panel.set_activation(name)
        x, f = panel.curve_f.getData()
        _, d = panel.curve_d.getData()
        a = dict(OPS[name].attrs)
        out = OPS[name].forward([x], [], a)
        np.testing.assert_allclose(f, out)
        np.testing.assert_allclose(d, OPS[name].local([x], [], out, a)[0][0] * np.ones_like(x))


def test_activation_marker_sits_at_the_stepped_neurons_pre_activation(qtbot, mazur):
    source = ModelSource(mazur)
    panel = ActivationPanel(source)
    qtbot.addWidget(panel)
    stepper = Stepper(mazur.graph, mazur.params, mazur.samples())
    state = stepper.state()
    while state.step is None or state.step.node != "out_h1":
        state = stepper.step()
        source.set_state(state)
    assert panel.node == "out_h1"
    x, f, d = panel.marker()
    assert x == pytest.approx(0.3775)                      # net_h1 in the lecture
    assert f == pytest.approx(0.593269992, abs=1e-9)       # out_h1 in the lecture
    assert d == pytest.approx(f * (1 - f))
    # editing a weight and re-stepping moves the marker
    stepper.set_param("w1", -40.0)
    source.set_state(stepper.state())
    x2, f2, d2 = panel.marker()
    assert x2 == pytest.approx(-40 * 0.05 + 0.2 * 0.1 + 0.35)
    assert d2 == pytest.approx(f2 * (1 - f2))


def test_saturated_sigmoid_and_dead_relu_show_their_local_gradient(qtbot, mazur):
    source = ModelSource(mazur)
    panel = ActivationPanel(source)
    qtbot.addWidget(panel)
    mazur.params["b1"] = 12.0
    stepper = Stepper(mazur.graph, mazur.params, mazur.samples())
    source.set_state(stepper.seek(2))                      # net_h1, out_h1 done
    x, f, d = panel.marker()
    assert x > 12 and d < 1e-5
    assert "almost no gradient" in panel.info.text()
    panel.set_activation("relu")
    assert panel.marker() is None
    panel.follow.setChecked(True)
    mazur.graph.nodes["out_h1"].op = "relu"  # same graph, a ReLU neuron with negative input
    stepper.set_param("b1", -5.0)
    source.set_state(stepper.seek(2))
    x, f, d = panel.marker()
    assert x < 0 and f == 0 and d == 0
    assert "no gradient passes" in panel.info.text()


def test_selecting_a_neuron_follows_it_and_hover_reads_off_f_and_slope(qtbot, mazur):
    source = ModelSource(mazur)
    panel = ActivationPanel(source)
    qtbot.addWidget(panel)
    panel.resize(400, 400)
    panel.show()
    source.select(["net_o2"])
    assert panel.node == "out_o2"
    vb = panel.plot_f.vb
    scene_pos = vb.mapViewToScene(pg_point(2.0, 0.5))
    panel._on_mouse_moved(scene_pos)
    text = panel.hover.text()
    f, d = 1 / (1 + np.exp(-2.0)), None
    assert f"f(x) = {f:.4g}" in text and f"f'(x) = {f * (1 - f):.4g}" in text


def pg_point(x, y):
    from PySide6.QtCore import QPointF
    return QPointF(x, y)


def test_stepping_through_neurons_of_one_kind_moves_only_the_marker(qtbot, mazur):
    from visualnn.ui.session import Session
    s = Session(model=mazur)
    panel = ActivationPanel(s)
    qtbot.addWidget(panel)
    drawn = []
    panel.curve_f.sigPlotChanged.connect(lambda *_: drawn.append(1))
    marks = set()
    for _ in range(s.cycle_length):
        s.step()
        m = panel.marker()
        if m is not None:
            marks.add(round(m[0], 12))
    assert len(marks) >= 4               # the marker followed h1, h2, o1, o2 ...
    assert drawn == []                   # ... over the same sigmoid curve, never redrawn
