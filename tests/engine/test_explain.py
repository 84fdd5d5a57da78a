"""Equations and captions of steps, with the lecture's numbers."""
from __future__ import annotations

import numpy as np
import pytest
from nets import mazur_model

from visualnn.engine import Layer, LayeredSpec, compile_layered
from visualnn.engine import explain as X
from visualnn.engine.graph import Graph, Node
from visualnn.engine.gradcheck import numerical_gradient
from visualnn.engine.ops import OPS
from visualnn.engine.trace import Stepper


def mazur():
    m = mazur_model()
    return m, Stepper(m.graph, m.params, m.samples(), lr=0.5)


def sigmoid_gates():
    """The lecture's sigmoid neuron as gates: f = 1 / (1 + exp(-(w0 x0 + w1 x1 + w2)))."""
    g = Graph([Node("w0", "param"), Node("x0", "input"), Node("w1", "param"), Node("x1", "input"),
               Node("w2", "param"), Node("a", "mul", ("w0", "x0")), Node("b", "mul", ("w1", "x1")),
               Node("s", "add", ("a", "b")), Node("dot", "add", ("s", "w2")),
               Node("neg", "mul_const", ("dot",), attrs={"c": -1.0}), Node("e", "exp", ("neg",)),
               Node("p1", "add_const", ("e",), attrs={"c": 1.0}), Node("f", "inv", ("p1",))])
    return g, {"w0": 2.0, "w1": -3.0, "w2": -3.0}, {"x0": -1.0, "x1": -2.0}


def at(stepper, phase, node):
    for s in stepper.steps_of_cycle(0):
        if s.phase == phase and s.node == node:
            return stepper.state(s.index + 1)
    raise AssertionError((phase, node))


@pytest.mark.parametrize("x, digits, text", [
    (0.082167041, 5, "0.08217"), (0.74136507, 9, "0.74136507"), (0.3775, 5, "0.3775"),
    (0.000438568, 5, "0.00044"), (0.000438568, 6, "0.000439"), (0.000438568, 9, "0.000438568"), (-0.0, 4, "0"), (0.15, 4, "0.15"),
    (-0.019049118258, 9, "-0.019049118"), (1234.5, 2, "1234.5"), (2e9, 4, "2e9"), (None, 4, "–"),
])
def test_numbers_print_as_the_lecture_prints_them(x, digits, text):
    assert X.fmt(x, digits) == text


def test_forward_weighted_sum_with_numbers_plugged_in():
    m, st = mazur()
    s = at(st, "forward", "net_h1")
    assert X.equations(s, m.graph, 5) == ["net_h1 = w1·i1 + w2·i2 + b1 = 0.15×0.05 + 0.2×0.1 + 0.35 = 0.3775"]
    s = at(st, "forward", "out_h1")
    assert X.equations(s, m.graph, 9) == ["out_h1 = σ(net_h1) = 1 / (1 + e^(-0.3775)) = 0.593269992"]


def test_loss_equation_writes_the_squared_errors():
    m, st = mazur()
    s = at(st, "loss", "E_total")
    assert X.equations(s, m.graph, 9) == [
        "E_total = ½(target_o1 - out_o1)² + ½(target_o2 - out_o2)² = "
        "½(0.01 - 0.75136507)² + ½(0.99 - 0.772928465)² = 0.298371109"]


def test_backward_w5_is_the_three_factor_chain():
    m, st = mazur()
    lines = X.equations(at(st, "backward", "net_o1"), m.graph, 5)
    assert ("∂E_total/∂w5 = ∂net_o1/∂w5 × ∂out_o1/∂net_o1 × ∂E_total/∂out_o1 = "
            "0.59327 × 0.18682 × 0.74137 = 0.08217") in lines
    assert "∂net_o1/∂out_h1 = w5 = 0.4" in lines
    assert "∂E_total/∂out_h1 = ∂net_o1/∂out_h1 × ∂E_total/∂net_o1 = 0.4 × 0.1385 = 0.0554" in lines


def test_backward_sigmoid_shows_its_local_derivative_with_numbers():
    m, st = mazur()
    lines = X.equations(at(st, "backward", "out_o1"), m.graph, 9)
    assert lines[0] == "∂out_o1/∂net_o1 = out_o1(1 - out_o1) = 0.75136507 × (1 - 0.75136507) = 0.186815602"
    assert lines[1] == ("∂E_total/∂net_o1 = ∂out_o1/∂net_o1 × ∂E_total/∂out_o1 = "
                        "0.186815602 × 0.74136507 = 0.138498562")


def test_gradients_meeting_at_a_branch_add_up():
    m, st = mazur()
    lines = X.equations(at(st, "backward", "net_o2"), m.graph, 9)
    assert ("∂E_total/∂out_h1 = ∂E_total/∂out_h1 via net_o1 + ∂E_total/∂out_h1 via net_o2 = "
            "0.055399425 + (-0.019049118) = 0.036350306") in lines


def test_update_writes_gradient_descent_for_every_parameter():
    m, st = mazur()
    st.seek(st.cycle_length)
    lines = X.equations(st.state(), m.graph, 8, lr=0.5)
    assert "w5 ← w5 - η·∂E_total/∂w5 = 0.4 - 0.5 × 0.08216704 = 0.35891648" in lines
    assert len(lines) == len(m.graph.param_names)


def test_captions_say_what_the_step_did():
    m, st = mazur()
    c = X.caption(at(st, "backward", "out_o1"), m.graph, 4)
    assert c == ("Backward through the sigmoid out_o1: local gradient out_o1(1 - out_o1) = 0.1868 "
                 "times upstream 0.7414 gives 0.1385 for net_o1.")
    assert "weighted sum of i1, i2 and b1: 0.3775" in X.caption(at(st, "forward", "net_h1"), m.graph, 4)
    assert X.caption(st.state(0), m.graph).startswith("Nothing computed yet")
    st.seek(st.cycle_length)
    assert "learning rate 0.5" in X.caption(st.state(), m.graph, 4)


def test_gate_captions_follow_the_lecture_sigmoid_circuit():
    g, params, sample = sigmoid_gates()
    st = Stepper(g, params, [sample])
    assert X.op_symbol(g, "neg") == "*-1" and X.op_symbol(g, "p1") == "+1"
    c = X.caption(at(st, "backward", "f"), g, 2)
    assert "local gradient -1 / p1² = -0.53" in c and "gives -0.53 for p1" in c
    assert "distributes the upstream 0.2" in X.caption(at(st, "backward", "dot"), g, 2)
    mul = X.caption(at(st, "backward", "a"), g, 2)
    assert "switches its inputs: w0 gets -1 × 0.2 = -0.2, x0 gets 2 × 0.2 = 0.39" in mul


def test_equations_and_captions_read_local_times_upstream_as_the_edges_do():
    m, st = mazur()
    s = at(st, "backward", "net_o1")
    assert "each input gets its weight times the upstream 0.1385" in X.caption(s, m.graph, 4)
    for line in X.equations(s, m.graph, 4):
        if line.startswith("∂E_total/∂out_h1 ="):
            assert line.split(" = ")[1] == "∂net_o1/∂out_h1 × ∂E_total/∂net_o1"


def test_a_difference_against_a_target_shows_the_minus_one_it_sends_back():
    g = Graph([Node("truth", "target"), Node("answer", "param"), Node("off", "sub", ("truth", "answer")),
               Node("error", "square", ("off",))])
    st = Stepper(g, {"answer": 0.5}, [{"truth": 1.0}])
    s = at(st, "backward", "off")
    lines = X.equations(s, g, 4)
    assert lines[0] == "∂off/∂answer = -1"
    assert "∂error/∂answer = ∂off/∂answer × ∂error/∂off = (-1) × 1 = -1" in lines
    assert "local gradient -1 times upstream 1 gives -1 for answer" in X.caption(s, g, 4)


def test_phase_text_counts_steps_of_the_pass():
    m, st = mazur()
    assert X.phase_text(st.state(3), st.cycle_length) == "pass 1 · forward — step 3 of 19"
    assert X.phase_text(st.state(19 + 10), st.cycle_length) == "pass 2 · backward — step 10 of 19"


def test_numerical_gradient_matches_backprop_for_parameters_inputs_and_inner_nodes():
    m, st = mazur()
    tr = st.trace(0)
    for name in ("w5", "b1", "i1", "out_h1", "net_o2"):
        back = tr.param_gradients[name] if name in tr.param_gradients else tr.gradients[name]
        num = float(np.ravel(numerical_gradient(m.graph, tr.params, tr.sample, name))[0])   # the one check
        assert num == pytest.approx(back, rel=1e-6, abs=1e-10), name


@pytest.mark.parametrize("op", sorted(n for n in OPS if n != "identity"))
def test_every_op_has_a_readable_forward_formula(op):
    o = OPS[op]
    n = 4 if o.pairs else (o.arity or max(2, o.min_inputs))
    names = [f"a{i}" for i in range(n)]
    text = X.forward_formula(op, names, dict(o.attrs), ["w"] * n if o.weighted else None)
    assert "a0" in text
    if o.kind == "loss" or o.weighted:        # written out, not just named
        assert not text.startswith(f"{op}(")


def test_a_long_sum_is_shortened():
    from visualnn.engine.network import auto_names
    inputs, layers = auto_names([20, 1])
    spec = LayeredSpec(inputs, [Layer(layers[0], "sigmoid", [[f"w{i}" for i in range(20)]], ["b"])])
    g = compile_layered(spec)
    st = Stepper(g, {**{f"w{i}": 0.5 for i in range(20)}, "b": 1.0}, [{x: 1.0 for x in inputs}])
    line = X.equations(st.state(1), g, 3)[0]
    assert line == "net_y1 = w0·x1 + w1·x2 + w2·x3 + … + b (21 terms) = 0.5×1 + 0.5×1 + 0.5×1 + … + 1 (21 terms) = 11"
