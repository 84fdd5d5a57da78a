"""The Python API: micrograd's values and MLP, stepped by the engine the app uses."""
from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

import visualnn as vn
from visualnn.engine import record
from visualnn.io import load
from visualnn.state.session import SessionModel

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
RTOL = 1e-12


def readme_expression(Value):
    """micrograd's README example, verbatim."""
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return a, b, g


def test_micrograd_readme_example_gives_micrograds_numbers():
    a, b, g = readme_expression(vn.Value)
    g.backward()
    assert f"{g.data:.4f}" == "24.7041"
    assert f"{a.grad:.4f}" == "138.8338"
    assert f"{b.grad:.4f}" == "645.5773"
    engine = pytest.importorskip("micrograd.engine")
    ma, mb, mg = readme_expression(engine.Value)
    mg.backward()
    assert g.data == pytest.approx(mg.data, rel=RTOL)
    assert a.grad == pytest.approx(ma.grad, rel=RTOL)
    assert b.grad == pytest.approx(mb.grad, rel=RTOL)


def sanity_check(Value):
    """micrograd's test_sanity_check."""
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    return x, y


def test_micrograd_sanity_check_gives_micrograds_value_and_gradient():
    x, y = sanity_check(vn.Value)
    y.backward()
    assert y.data == -20.0 and x.grad == 46.0       # the numbers micrograd checks against PyTorch
    engine = pytest.importorskip("micrograd.engine")
    mx, my = sanity_check(engine.Value)
    my.backward()
    assert (y.data, x.grad) == (my.data, mx.grad)


def test_every_named_op_agrees_with_python_math():
    import math
    x = vn.Value(0.7, "x")
    for v, want, grad in [(x.exp(), math.exp(0.7), math.exp(0.7)), (x.log(), math.log(0.7), 1 / 0.7),
                          (x.tanh(), math.tanh(0.7), 1 - math.tanh(0.7) ** 2),
                          (x.sigmoid(), 1 / (1 + math.exp(-0.7)), math.exp(-0.7) / (1 + math.exp(-0.7)) ** 2),
                          ((-x).relu(), 0.0, 0.0), (x.sqrt(), math.sqrt(0.7), 0.5 / math.sqrt(0.7)),
                          (2 ** x, 2 ** 0.7, math.log(2) * 2 ** 0.7), (1 - x, 0.3, -1.0), (3 / x, 3 / 0.7, -3 / 0.49)]:
        x.grad = 0.0
        v.backward()
        assert v.data == pytest.approx(want, rel=RTOL) and x.grad == pytest.approx(grad, rel=1e-9), v


def test_a_value_raised_to_a_value_is_refused_with_the_way_to_write_it():
    with pytest.raises(TypeError, match=r"\(b \* a.log\(\)\).exp\(\)"):
        vn.Value(2.0) ** vn.Value(3.0)


def test_micrograd_mlp_with_the_same_seed_has_the_same_weights_gradients_and_training():
    nn = pytest.importorskip("micrograd.nn")
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    random.seed(1337)
    mm = nn.MLP(3, [4, 4, 1])
    random.seed(1337)
    vm = vn.MLP([3, 4, 4, 1])
    assert [p.data for p in vm.parameters()] == [p.data for p in mm.parameters()]
    for _ in range(5):                    # micrograd's README training loop, on both
        losses = []
        for m in (mm, vm):
            loss = sum((m(x) - y) ** 2 for x, y in zip(xs, ys))
            m.zero_grad()
            loss.backward()
            for p in m.parameters():
                p.data -= 0.05 * p.grad
            losses.append(loss.data)
        assert losses[1] == pytest.approx(losses[0], rel=RTOL)
        for p, q in zip(vm.parameters(), mm.parameters()):
            assert p.data == pytest.approx(q.data, rel=1e-10, abs=1e-12)


def test_the_trace_is_the_graph_and_the_steps_the_app_steps():
    x, y, z = (vn.Value(v, n, kind="input") for v, n in ((-2.0, "x"), (5.0, "y"), (-4.0, "z")))
    f = ((x + y).named("q") * z).named("f")
    tr = vn.trace(f)
    app = SessionModel(document=tr.document)
    assert app.stepper.steps_of_cycle(0) == tr.steps
    assert [(s.phase, s.node) for s in tr.steps] == [("forward", "q"), ("forward", "f"), ("backward", "f"),
                                                      ("backward", "q")]
    assert tr.gradients["x"] == tr.gradients["y"] == -4.0 and tr.gradients["z"] == 3.0
    lecture = load(EXAMPLES / "add_mul.json")        # the lecture's own file gives the same steps
    assert record(lecture.model.graph, lecture.model.params, lecture.model.samples()[0]).steps == tr.steps
    assert tr.at("backward:f").state.gradients == {"f": 1.0, "q": -4.0, "z": 3.0}


def test_a_saved_expression_loads_back_with_the_same_trace(tmp_path):
    a, b, g = readme_expression(vn.Value)
    path = vn.save(g, tmp_path / "g.json", title="micrograd's README")
    doc = load(path)
    assert doc.title == "micrograd's README"
    assert vn.trace(doc).steps == vn.trace(g).steps
    assert vn.trace(path).values == vn.trace(g).values


def two_two_two():
    """The lecture's 2-2-2 network written with values: shared biases, weights on the edges."""
    V = vn.Value
    i1, i2 = V(0.05, "i1", kind="input"), V(0.10, "i2", kind="input")
    w = {k: V(v, k) for k, v in dict(w1=.15, w2=.2, w3=.25, w4=.3, w5=.4, w6=.45, w7=.5, w8=.55).items()}
    b1, b2 = V(0.35, "b1"), V(0.60, "b2")

    def neuron(name, xs, ws, b):
        return vn.weighted_sum(xs + [b], ws + [None], f"net_{name}").sigmoid().named(f"out_{name}")
    h1 = neuron("h1", [i1, i2], [w["w1"], w["w2"]], b1)
    h2 = neuron("h2", [i1, i2], [w["w3"], w["w4"]], b1)
    o1 = neuron("o1", [h1, h2], [w["w5"], w["w6"]], b2)
    o2 = neuron("o2", [h1, h2], [w["w7"], w["w8"]], b2)
    return w, vn.squared_error([o1, o2], [0.01, 0.99], "E_total")


def test_the_two_two_two_network_written_with_values_steps_as_the_lecture_file():
    w, E = two_two_two()
    E.backward()
    assert f"{E.data:.9f}" == "0.298371109"
    assert f"{w['w5'].grad:.9f}" == "0.082167041"
    tr = vn.trace(E, learning_rate=0.5)
    lecture = load(EXAMPLES / "mazur_2_2_2.json")
    assert vn.trace(lecture).steps == tr.steps            # forward, backward and the update step
    new = {p: n for p, _, _, n in tr.steps[-1].updates}
    assert f"{new['w5']:.8f}" == "0.35891648"


def test_mlp_expression_steps_as_its_layered_network_file():
    net = vn.MLP([2, 3, 1], activation="tanh", output="sigmoid", seed=4)
    loss = vn.squared_error(net([0.5, -1.0]), [1.0])
    doc = net.document([[0.5, -1.0]], [[1.0]], learning_rate=0.1)
    assert doc.model.spec is not None and doc.model.spec.sizes == [2, 3, 1]
    assert vn.trace(doc).steps == vn.trace(loss, learning_rate=0.1).steps


def test_the_python_api_loads_no_qt():
    code = ("import sys, visualnn as vn\n"
            "x = vn.Value(2.0, 'x'); y = (x * x + 1).tanh(); y.backward()\n"
            "tr = vn.trace(y); tr.at(2).caption; str(tr.table()); tr.table()._repr_html_()\n"
            "net = vn.MLP([2, 2, 1]); vn.trace(vn.mse(net([1.0, 2.0]), [0.5]))\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_an_unknown_step_name_says_which_steps_there_are():
    x = vn.Value(1.0, "x")
    tr = vn.trace((x * 2).named("y"))
    with pytest.raises(ValueError, match="no node named 'z'.*backward steps are: y"):
        tr.at("backward:z")


def test_settings_for_building_are_refused_for_a_file():
    with pytest.raises(TypeError, match="learning_rate: settings for building a network"):
        vn.trace(EXAMPLES / "add_mul.json", learning_rate=0.1)


def test_micrograd_lecture_code_with_labels_names_the_graph():
    a = vn.Value(2.0, label="a")
    b = vn.Value(-3.0, label="b")
    c = vn.Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = vn.Value(-2.0, label="f")
    L = d * f
    L.label = "L"
    L.backward()
    assert (a.grad, b.grad, c.grad, f.grad) == (6.0, -4.0, -2.0, 4.0)     # the lecture's numbers
    assert list(vn.trace(L).graph.nodes) == ["a", "b", "e", "c", "d", "f", "L"]


def test_the_readmes_python_example_runs_and_gives_the_numbers_it_states(tmp_path, monkeypatch):
    readme = (EXAMPLES.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("## From Python", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    shown = []
    monkeypatch.setattr(vn.api, "show", lambda obj, **kw: shown.append(obj))    # the window: not in a test
    monkeypatch.chdir(tmp_path)
    ns: dict = {}
    exec(compile(block.replace("import visualnn as vn", "vn = __import__('visualnn').api"), "README", "exec"), ns)
    assert ns["x1"].grad == pytest.approx(-1.5) and ns["w1"].grad == pytest.approx(1.0)
    assert ns["x2"].grad == pytest.approx(0.5) and ns["w2"].grad == 0.0
    assert shown == [ns["o"]]
    assert vn.trace(tmp_path / "neuron.json").steps == ns["tr"].steps
