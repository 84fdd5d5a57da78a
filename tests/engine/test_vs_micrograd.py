"""visualnn against micrograd, the engine the lecture's style follows.

The expressions of micrograd's own engine tests (test_sanity_check and
test_more_ops in karpathy/micrograd test/test_engine.py) are rebuilt as
visualnn graphs, op for op as micrograd decomposes them (``a - b`` is
``a + (-b)``, ``a / b`` is ``a * b**-1``, ``2 * x`` a constant factor), and
give the values and gradients micrograd's ``Value`` computes.  micrograd's
own MLP (ReLU neurons) trained on a few samples gives the same parameter
gradients as the same network declared as layers.
"""
from __future__ import annotations

import random

import numpy as np
import pytest

micrograd = pytest.importorskip("micrograd.engine", reason="micrograd is the reference here: pip install 'visualnn[bench]'")
Value = micrograd.Value
from micrograd.nn import MLP  # noqa: E402

from visualnn.engine import Graph, Layer, LayeredSpec, Node, compile_layered  # noqa: E402

RTOL = 1e-12


class Builder:
    """Builds a visualnn graph from micrograd-style Python expressions."""

    def __init__(self):
        self.nodes: list[Node] = []
        self.params: dict[str, float] = {}

    def param(self, name, value):
        self.params[name] = float(value)
        self.nodes.append(Node(name, "param"))
        return Expr(self, name)

    def op(self, op, inputs, **attrs):
        name = f"{op}{len(self.nodes)}"
        self.nodes.append(Node(name, op, tuple(e.name for e in inputs), attrs=attrs))
        return Expr(self, name)

    def graph(self):
        return Graph(list(self.nodes))


class Expr:
    """A node of a Builder's graph, with micrograd's operators."""

    def __init__(self, b: Builder, name: str):
        self.b, self.name = b, name

    def __add__(self, other):
        if isinstance(other, Expr):
            return self.b.op("add", [self, other])
        return self.b.op("add_const", [self], c=float(other))

    __radd__ = __add__

    def __mul__(self, other):
        if isinstance(other, Expr):
            return self.b.op("mul", [self, other])
        return self.b.op("mul_const", [self], c=float(other))

    __rmul__ = __mul__

    def __pow__(self, p):
        return self.b.op("pow", [self], p=float(p))

    def __neg__(self):                       # micrograd: self * -1
        return self * -1

    def __sub__(self, other):                # micrograd: self + (-other)
        return self + (-other)

    def __rsub__(self, other):               # micrograd: other + (-self)
        return (-self) + other

    def __truediv__(self, other):            # micrograd: self * other**-1
        return self * other ** -1

    def __rtruediv__(self, other):           # micrograd: other * self**-1
        return (self ** -1) * other

    def relu(self):
        return self.b.op("relu", [self])


def _run(build, leaves):
    """Evaluate ``build`` in micrograd and in visualnn: (micrograd out, leaves),
    (visualnn values, param gradients, output name)."""
    mg = {k: Value(v) for k, v in leaves.items()}
    out_mg = build(**mg)
    out_mg.backward()
    b = Builder()
    vn = {k: b.param(k, v) for k, v in leaves.items()}
    out = build(**vn)
    g = b.graph()
    values = g.forward(b.params, {})
    _, pgrads = g.backward(b.params, values)
    assert g.outputs == [out.name]
    return out_mg, mg, values[out.name], pgrads


def sanity_check(x):
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    return y


def more_ops(a, b):
    c = a + b
    d = a * b + b**3
    c = c + (c + 1)                      # micrograd's `c += c + 1`
    c = c + (1 + c + (-a))               # `c += 1 + c + (-a)`
    d = d + (d * 2 + (b + a).relu())     # `d += d * 2 + (b + a).relu()`
    d = d + (3 * d + (b - a).relu())     # `d += 3 * d + (b - a).relu()`
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f                     # `g += 10.0 / f`
    return g


def test_micrograd_sanity_check_expression_gives_micrograds_value_and_gradient():
    y_mg, leaves, y, pgrads = _run(sanity_check, {"x": -4.0})
    assert float(np.asarray(y).reshape(-1)[0]) == pytest.approx(y_mg.data, rel=RTOL)
    assert float(pgrads["x"]) == pytest.approx(leaves["x"].grad, rel=RTOL)
    # the numbers micrograd's test checks against PyTorch
    assert y_mg.data == -20.0 and leaves["x"].grad == 46.0


def test_micrograd_more_ops_expression_gives_micrograds_value_and_gradients():
    g_mg, leaves, g, pgrads = _run(more_ops, {"a": -4.0, "b": 2.0})
    assert float(np.asarray(g).reshape(-1)[0]) == pytest.approx(g_mg.data, rel=RTOL)
    assert float(pgrads["a"]) == pytest.approx(leaves["a"].grad, rel=RTOL)
    assert float(pgrads["b"]) == pytest.approx(leaves["b"].grad, rel=RTOL)
    # micrograd's README numbers
    assert round(g_mg.data, 4) == 24.7041
    assert round(leaves["a"].grad, 4) == 138.8338 and round(leaves["b"].grad, 4) == 645.5773


@pytest.mark.parametrize("x", [-4.0, -0.5, 0.3, 1.7, 3.0])
@pytest.mark.parametrize("y", [-2.5, 0.8, 2.0])
def test_micrograd_expressions_agree_at_other_points(x, y):
    """The same two expressions away from micrograd's test points (including
    where the relus switch on)."""
    s_mg, s_leaves, s, s_grads = _run(sanity_check, {"x": x})
    assert float(np.asarray(s).reshape(-1)[0]) == pytest.approx(s_mg.data, rel=RTOL)
    assert float(s_grads["x"]) == pytest.approx(s_leaves["x"].grad, rel=RTOL, abs=1e-12)
    g_mg, leaves, g, pgrads = _run(more_ops, {"a": x, "b": y})
    assert float(np.asarray(g).reshape(-1)[0]) == pytest.approx(g_mg.data, rel=RTOL)
    for k in ("a", "b"):
        assert float(pgrads[k]) == pytest.approx(leaves[k].grad, rel=RTOL, abs=1e-12)


def test_micrograd_mlp_gives_the_gradients_of_the_same_layered_network():
    """micrograd's MLP(3, [4, 4, 1]) (ReLU hidden neurons, a linear output),
    mean squared error over four samples, against the network declared as
    layers with micrograd's weights."""
    random.seed(1337)
    mlp = MLP(3, [4, 4, 1])
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    loss = sum(((mlp(x) - y) ** 2 for x, y in zip(xs, ys)), Value(0.0)) * (1.0 / len(xs))
    mlp.zero_grad()
    loss.backward()

    params: dict[str, float] = {}
    grads_mg: dict[str, float] = {}
    layers = []
    prev = ["x1", "x2", "x3"]
    for l, layer in enumerate(mlp.layers, start=1):
        last = l == len(mlp.layers)
        neurons = [f"y{j + 1}" if last else f"h{l}_{j + 1}" for j in range(len(layer.neurons))]
        weights, biases = [], []
        for j, n in enumerate(layer.neurons):
            row = []
            for i, w in enumerate(n.w):
                name = f"w{l}_{j + 1}_{i + 1}"
                params[name], grads_mg[name] = w.data, w.grad
                row.append(name)
            name = f"b{l}_{j + 1}"
            params[name], grads_mg[name] = n.b.data, n.b.grad
            weights.append(row)
            biases.append(name)
        layers.append(Layer(neurons, "relu" if n.nonlin else "linear", weights, biases))
        prev = neurons
    spec = LayeredSpec(["x1", "x2", "x3"], layers, "mse", ["t1"], "L")
    g = compile_layered(spec)
    X = np.array(xs)
    feeds = {"x1": X[:, 0], "x2": X[:, 1], "x3": X[:, 2], "t1": np.array(ys)}
    values = g.forward(params, feeds)
    _, pgrads = g.backward(params, values)
    assert float(values["L"].mean()) == pytest.approx(loss.data, rel=RTOL)
    for name in params:
        assert float(pgrads[name]) == pytest.approx(grads_mg[name], rel=1e-10, abs=1e-12), name
