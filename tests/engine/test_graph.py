"""The computational graph: structure, the lecture's numbers, and backprop
against finite differences on random expression graphs and random layered
networks."""
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from nets import MAZUR_PARAMS, MAZUR_SAMPLE, mazur_spec
from visualnn.engine import DenseModel, Graph, GraphError, Layer, LayeredSpec, Node, compile_layered
from visualnn.engine.gradcheck import kink_distances, numerical_gradient
from visualnn.engine.ops import ACTIVATIONS, LOSSES

B = 2
H = 2e-4
GAP = 0.01


def feeds_of(sample):
    return {k: np.array([v]) for k, v in sample.items()}


def params_of(params):
    return {k: np.array([v]) for k, v in params.items()}


def f_graph():
    """The lecture's f = (x + y) z."""
    return Graph([Node("x", "input"), Node("y", "input"), Node("z", "input"),
                  Node("q", "add", ("x", "y")), Node("f", "mul", ("q", "z"))])


# --- structure -------------------------------------------------------------------
def test_forward_order_is_topological_and_keeps_insertion_order_on_ties():
    g = Graph([Node("f", "mul", ("q", "z")), Node("x", "input"), Node("y", "input"), Node("z", "input"),
               Node("q", "add", ("x", "y"))])
    assert g.order == ["x", "y", "z", "q", "f"]


def test_backward_order_follows_the_lecture_o1_before_o2_then_hidden():
    g = compile_layered(mazur_spec())
    ops = [n for n in g.backward_order if not g.nodes[n].is_leaf]
    assert ops == ["E_total", "out_o1", "net_o1", "out_o2", "net_o2", "out_h1", "net_h1", "out_h2", "net_h2"]


@pytest.mark.parametrize("nodes, message", [
    ([Node("a", "input"), Node("a", "input")], "duplicate node name 'a'"),
    ([Node("a", "input"), Node("b", "frobnicate", ("a",))], "unknown op 'frobnicate'"),
    ([Node("a", "input"), Node("b", "sub", ("a",))], "op sub takes 2 input(s), got 1"),
    ([Node("a", "input"), Node("b", "add", ("a",))], "at least 2 input(s), got 1"),
    ([Node("a", "input"), Node("b", "mse", ("a", "a", "a"))], "an even number of inputs, got 3"),
    ([Node("a", "input"), Node("b", "tanh", ("a",), weights=("w",))], "op tanh takes no edge weights"),
    ([Node("a", "input"), Node("b", "weighted_sum", ("a", "a"), weights=("w",))], "2 inputs but 1 weights"),
])
def test_bad_graph_is_refused_naming_the_node(nodes, message):
    with pytest.raises(GraphError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Graph(nodes)


def test_cycle_and_missing_input_are_reported_when_ordering():
    g = Graph([Node("a", "tanh", ("b",)), Node("b", "tanh", ("a",))])
    with pytest.raises(GraphError, match="cycle through a, b"):
        g.order
    g = Graph([Node("a", "tanh", ("nowhere",))])
    with pytest.raises(GraphError, match="input 'nowhere' is not a node"):
        g.order


def test_missing_feed_is_named():
    with pytest.raises(GraphError, match="no value given for input 'z'"):
        f_graph().forward({}, {"x": np.array([1.0]), "y": np.array([1.0])})


def test_mazur_network_has_the_lecture_names():
    g = compile_layered(mazur_spec())
    assert g.inputs == ["i1", "i2"]
    assert g.targets == ["target_o1", "target_o2"]
    assert g.loss == "E_total"
    assert g.outputs == ["out_o1", "out_o2"]
    assert sorted(g.param_names) == sorted(MAZUR_PARAMS)
    assert ("out_h1", "net_o1", "w5") in set(g.edges())
    assert ("b1", "net_h1", None) in set(g.edges())
    nxg = g.nx()
    assert nxg.number_of_nodes() == len(g.nodes) and nxg.number_of_edges() == len(list(g.edges()))


# --- the lecture's numbers ---------------------------------------------------------
def test_add_mul_example_forward_and_gradients():
    g = f_graph()
    values = g.forward({}, feeds_of({"x": -2.0, "y": 5.0, "z": -4.0}))
    assert values["q"][0] == 3.0 and values["f"][0] == -12.0
    grads, _ = g.backward({}, values)
    assert (grads["x"][0], grads["y"][0], grads["z"][0], grads["q"][0]) == (-4.0, -4.0, 3.0, -4.0)


def test_mazur_forward_values_match_the_lecture():
    g = compile_layered(mazur_spec())
    v = g.forward(params_of(MAZUR_PARAMS), feeds_of(MAZUR_SAMPLE))
    assert round(float(v["out_h1"][0]), 9) == 0.593269992
    assert round(float(v["out_h2"][0]), 9) == 0.596884378
    assert round(float(v["out_o1"][0]), 8) == 0.75136507
    assert round(float(v["out_o2"][0]), 9) == 0.772928465
    assert round(float(v["E_total"][0]), 9) == 0.298371109


def test_mazur_gradients_match_the_lecture():
    g = compile_layered(mazur_spec())
    P = params_of(MAZUR_PARAMS)
    grads, pg = g.backward(P, g.forward(P, feeds_of(MAZUR_SAMPLE)))
    assert round(float(grads["out_o1"][0]), 8) == 0.74136507
    assert round(float(grads["net_o1"][0]), 9) == 0.138498562
    assert round(float(grads["out_h1"][0]), 9) == 0.036350306
    assert round(float(pg["w5"]), 9) == 0.082167041
    assert round(float(pg["w1"]), 9) == 0.000438568


def test_gate_view_computes_the_same_loss_and_gradients():
    spec = mazur_spec()
    neuron, gates = compile_layered(spec), compile_layered(spec, gates=True)
    assert "w5*out_h1" in gates.nodes and gates.nodes["w5*out_h1"].op == "mul"
    P, F = params_of(MAZUR_PARAMS), feeds_of(MAZUR_SAMPLE)
    vn, vg = neuron.forward(P, F), gates.forward(P, F)
    assert vn["E_total"][0] == pytest.approx(vg["E_total"][0], rel=1e-15)
    _, pn = neuron.backward(P, vn)
    _, pgate = gates.backward(P, vg)
    for p in MAZUR_PARAMS:
        assert float(pn[p]) == pytest.approx(float(pgate[p]), rel=1e-12)


def test_parameter_used_twice_by_one_node_gets_both_contributions():
    # d(p * p)/dp = 2p: the same source on two edges of one node
    g = Graph([Node("p", "param"), Node("sq", "mul", ("p", "p"))])
    P = {"p": np.array([3.0])}
    _, pg = g.backward(P, g.forward(P, {}))
    assert float(pg["p"]) == 6.0


# --- property tests: backprop equals finite differences -----------------------------------
def vec(lo, hi):
    return st.lists(st.floats(lo, hi, allow_nan=False, allow_infinity=False), min_size=B, max_size=B).map(np.array)


UNARY = ["neg", "mul_const", "add_const", "square", "exp", "exp_base", "log", "sqrt", "inv", "pow", "abs",
         "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "step", "linear"]
NARY = ["add", "sub", "mul", "div", "max", "min", "weighted_sum", "softmax"]
POSITIVE = {"log", "sqrt", "inv", "pow"}


@st.composite
def expression_graphs(draw):
    """A random DAG over every non-loss op, maybe ending in a loss, with
    feeds and parameter values."""
    nodes, pool = [], []
    n_in, n_par = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    for i in range(n_in):
        nodes.append(Node(f"x{i}", "input"))
    for i in range(n_par):
        nodes.append(Node(f"p{i}", "param"))
    pool = [n.name for n in nodes]
    if draw(st.booleans()):
        nodes.append(Node("c", "const", value=draw(st.floats(-2, 2))))
        pool.append("c")
    params = {f"p{i}": draw(st.floats(-1.5, 1.5)) for i in range(n_par)}

    def add(name, op, inputs, **kw):
        nodes.append(Node(name, op, tuple(inputs), **kw))
        pool.append(name)
        return name

    def positive(src, k):
        # keep log, sqrt, 1/x away from their singular points
        return add(f"pos{k}", "add_const", [add(f"sp{k}", "softplus", [src])], attrs={"c": 0.3})

    for k in range(draw(st.integers(1, 7))):
        op = draw(st.sampled_from(UNARY + NARY))
        pick = st.sampled_from(list(pool))
        if op in UNARY:
            src = draw(pick)
            attrs = {}
            if op in POSITIVE:
                src = positive(src, k)
            if op == "pow":
                attrs["p"] = draw(st.sampled_from([2.0, 3.0, 0.5, -1.5]))
            if op in ("mul_const", "add_const"):
                attrs["c"] = draw(st.floats(-2, 2))
            if op == "exp_base":
                attrs["base"] = draw(st.floats(0.5, 5.0))
            if op == "leaky_relu":
                attrs["alpha"] = draw(st.floats(0.0, 0.5))
            if op == "elu":
                attrs["alpha"] = draw(st.floats(0.1, 2.0))
            add(f"n{k}", op, [src], attrs=attrs)
        else:
            arity = 2 if op in ("sub", "div") else draw(st.integers(2, 3))
            srcs = [draw(pick) for _ in range(arity)]   # repeats allowed: the same node on two edges
            kw = {}
            if op == "div":
                srcs[1] = positive(srcs[1], k)
            if op == "weighted_sum":
                names = [None, "v0", "v1"] + [f"p{i}" for i in range(n_par)]
                kw["weights"] = tuple(draw(st.sampled_from(names)) for _ in srcs)
                for w in kw["weights"]:
                    if w is not None and w not in params:
                        params[w] = draw(st.floats(-1.5, 1.5))
            if op == "softmax":
                kw["attrs"] = {"index": draw(st.integers(0, arity - 1))}
            add(f"n{k}", op, srcs, **kw)
    feeds = {f"x{i}": draw(vec(-2, 2)) for i in range(n_in)}
    if draw(st.booleans()):
        loss = draw(st.sampled_from(LOSSES))
        ops = [n.name for n in nodes if not n.is_leaf]
        outs = draw(st.lists(st.sampled_from(ops), min_size=1, max_size=2))
        k = len(outs)
        if loss in ("binary_cross_entropy", "cross_entropy"):
            outs = [add(f"prob{j}", "sigmoid", [o]) for j, o in enumerate(outs)]
        targets = [f"t{j}" for j in range(k)]
        for j, t in enumerate(targets):
            nodes.append(Node(t, "target"))
            if loss == "hinge":
                feeds[t] = np.array([float(draw(st.integers(0, k - 1)) == j) for _ in range(B)])
            elif loss in ("binary_cross_entropy", "cross_entropy", "softmax_cross_entropy"):
                feeds[t] = draw(vec(0, 1))
            else:
                feeds[t] = draw(vec(-2, 2))
        if loss == "hinge":   # one-hot per sample
            T = np.stack([feeds[t] for t in targets])
            T[:, T.sum(axis=0) != 1] = 0.0
            T[0, T.sum(axis=0) == 0] = 1.0
            feeds.update(zip(targets, T))
        attrs = {"margin": draw(st.floats(0.5, 1.5))} if loss == "hinge" else {}
        nodes.append(Node("L", loss, tuple(outs) + tuple(targets), attrs=attrs))
    return Graph(nodes), params, feeds


def well_conditioned(graph, params, feeds):
    """Finite values of moderate size, no op near a kink: where finite
    differences are a fair judge."""
    P = {k: np.array([v]) for k, v in params.items()}
    with np.errstate(all="ignore"):
        values = graph.forward(P, feeds)
    if not all(np.all(np.isfinite(v)) and np.all(np.abs(v) < 100) for v in values.values()):
        return None
    if any(d < GAP for d in kink_distances(graph, values).values()):
        return None
    return P, values


def assert_gradient(backprop, numerical, scale, what):
    """Relative error below 1e-6 (against a floor of 1e-3 of the function's size)."""
    backprop, numerical = np.broadcast_arrays(np.asarray(backprop, float), np.asarray(numerical, float))
    floor = 1e-3 * max(1.0, scale)
    err = np.abs(backprop - numerical) / np.maximum(np.maximum(np.abs(backprop), np.abs(numerical)), floor)
    assert np.all(err < 1e-6), f"{what}: backprop {backprop} numerical {numerical} (relative error {err.max():.1e})"


def check_backprop(graph, params, feeds):
    ok = well_conditioned(graph, params, feeds)
    assume(ok is not None)
    P, values = ok
    grads, pgrads = graph.backward(P, values)
    scale = max(float(np.max(np.abs(v))) for v in values.values())
    for name in graph.param_names:
        num = numerical_gradient(graph, params, feeds, name, eps=H, stencil=4)
        assert_gradient(pgrads[name], num, scale, f"d objective / d {name}")
    for name in graph.inputs:
        num = numerical_gradient(graph, params, feeds, name, eps=H, stencil=4)
        assert_gradient(grads.get(name, 0.0), num, scale, f"d objective / d {name}")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(expression_graphs())
def test_backprop_equals_finite_differences_on_random_expression_graphs(case):
    check_backprop(*case)


# --- random layered networks ----------------------------------------------------------
@st.composite
def layered_networks(draw):
    n_in = draw(st.integers(1, 3))
    sizes = [n_in] + draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    loss = draw(st.sampled_from(LOSSES))
    inputs = [f"x{i}" for i in range(n_in)]
    names: list[str] = []

    def param():
        # mostly fresh, sometimes shared with an earlier one, sometimes no connection
        kind = draw(st.sampled_from(["new"] * 6 + ["shared", "none"]))
        if kind == "shared" and names:
            return draw(st.sampled_from(names))
        if kind == "none":
            return None
        names.append(f"q{len(names)}")
        return names[-1]

    layers, prev = [], inputs
    for l, n in enumerate(sizes[1:], start=1):
        last = l == len(sizes) - 1
        choices = ACTIVATIONS + ["softmax"]
        if last and loss in ("binary_cross_entropy", "cross_entropy"):
            choices = ["sigmoid", "softmax"]
        act = draw(st.sampled_from(choices))
        neurons = [f"n{l}_{j}" for j in range(n)]
        weights = []
        biases = []
        for j in range(n):
            row = [param() for _ in prev]
            b = param()
            if all(w is None for w in row) and b is None:
                row[0] = f"q{len(names)}"
                names.append(row[0])
            weights.append(row)
            biases.append(b)
        attrs = {}
        if act == "leaky_relu":
            attrs["alpha"] = draw(st.floats(0.0, 0.5))
        if act == "elu":
            attrs["alpha"] = draw(st.floats(0.1, 2.0))
        layers.append(Layer(neurons, act, weights, biases, attrs))
        prev = neurons
    k = sizes[-1]
    targets = [f"t{j}" for j in range(k)]
    spec = LayeredSpec(inputs, layers, loss, targets,
                       loss_attrs={"margin": draw(st.floats(0.5, 1.5))} if loss == "hinge" else {})
    params = {p: draw(st.floats(-1.5, 1.5)) for p in names}
    X = np.stack([draw(vec(-2, 2)) for _ in inputs], axis=1)
    if loss == "hinge" or (loss == "softmax_cross_entropy" and draw(st.booleans())):
        T = np.eye(k)[draw(st.lists(st.integers(0, k - 1), min_size=B, max_size=B))]
    elif loss in ("binary_cross_entropy", "cross_entropy", "softmax_cross_entropy"):
        T = np.stack([draw(vec(0, 1)) for _ in targets], axis=1)
    else:
        T = np.stack([draw(vec(-2, 2)) for _ in targets], axis=1)
    return spec, params, X, T


def layered_feeds(spec, X, T):
    feeds = {n: X[:, i] for i, n in enumerate(spec.inputs)}
    feeds.update({n: T[:, j] for j, n in enumerate(spec.targets)})
    return feeds


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(layered_networks())
def test_backprop_equals_finite_differences_on_random_layered_networks(case):
    spec, params, X, T = case
    check_backprop(compile_layered(spec), params, layered_feeds(spec, X, T))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(layered_networks())
def test_matrix_form_gradient_equals_graph_backward(case):
    spec, params, X, T = case
    g = compile_layered(spec)
    feeds = layered_feeds(spec, X, T)
    ok = well_conditioned(g, params, feeds)
    assume(ok is not None)
    P, values = ok
    _, pgrads = g.backward(P, values)
    dense = DenseModel(spec, g.param_names)
    loss, grad = dense.gradient(dense.theta(params), X, T)
    assert loss == pytest.approx(float(np.mean(values[g.loss])), rel=1e-12, abs=1e-15)
    expected = np.array([float(pgrads[p]) for p in g.param_names])
    np.testing.assert_allclose(grad, expected, rtol=1e-9, atol=1e-13)
    # and the gate view agrees with the neuron view
    gates = compile_layered(spec, gates=True)
    _, gate_grads = gates.backward(P, gates.forward(P, feeds))
    np.testing.assert_allclose([float(gate_grads[p]) for p in g.param_names], expected, rtol=1e-9, atol=1e-13)
