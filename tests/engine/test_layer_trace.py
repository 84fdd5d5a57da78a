"""A layered network's trace, computed a layer at a time, is the graph walk's trace to the
last bit: every step, every edge record, every value and gradient, in the same order."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nets import mazur_model, mlp_model
from visualnn.engine import Layer, LayeredSpec, compile_layered, record
from visualnn.engine.layer_trace import LazyEdges, plan_of
from visualnn.engine.trace import _record


def walk_trace(graph, params, sample):
    """The graph walk's trace (what record computed for every network before)."""
    with np.errstate(all="ignore"):
        return _record(graph, params, sample)


def same_trace(graph, params, sample):
    """record's trace equals the walk's, compared by repr (so -0.0 and nan count)."""
    assert plan_of(graph) is not None, "the layered path should take this network"
    got, want = record(graph, params, sample), walk_trace(graph, params, sample)
    assert repr(got.steps) == repr(want.steps)
    for field in ("params", "sample", "values", "gradients", "param_gradients"):
        assert repr(list(getattr(got, field).items())) == repr(list(getattr(want, field).items())), field
    return got


def test_the_2_2_2_lecture_trace_is_the_walks_bit_for_bit():
    m = mazur_model()
    tr = same_trace(m.graph, m.params, m.samples()[0])
    assert tr.steps == walk_trace(m.graph, m.params, m.samples()[0]).steps     # lazy edges compare as tuples
    assert round(tr.param_gradients["w5"], 9) == 0.082167041
    assert round(tr.loss, 9) == 0.298371109


@pytest.mark.parametrize("act,loss", [("sigmoid", "squared_error"), ("tanh", "mse"), ("relu", "mae"),
                                      ("leaky_relu", "huber"), ("elu", "binary_cross_entropy_with_logits"),
                                      ("softplus", "binary_hinge"), ("linear", "squared_error"),
                                      ("gelu", "mse")])
def test_every_activation_and_loss_traces_the_same(act, loss):
    m = mlp_model([3, 5, 4, 2], act, out_activation="linear" if "logits" in loss or "hinge" in loss else None,
                  loss=loss, random_seed=3, samples=2)
    for sample in m.samples():
        same_trace(m.graph, m.params, sample)


def test_frozen_parameters_zero_inputs_and_overflow_trace_the_same():
    m = mlp_model([4, 3, 2], "sigmoid", random_seed=1, samples=1)
    sample = dict(m.samples()[0], x1=0.0, x2=-0.0)       # zeros make d/dw exactly ±0
    params = dict(m.params, w_x3_h1_1=1e308, w_x1_h1_2=float("inf"))  # inf × 0: nan flows through
    m.graph.frozen = frozenset({"w_x4_h1_2", "b_h1_3", "w_h1_1_y2"})
    tr = same_trace(m.graph, params, sample)
    assert math.isnan(tr.values["net_h1_2"]) and math.isnan(tr.gradients["x3"])
    assert tr.param_gradients["b_h1_3"] == 0.0


def test_shared_biases_and_no_biases_trace_the_same():
    spec = LayeredSpec(["a", "b"], [Layer(["h", "k"], "tanh", [["w1", "w2"], ["w3", "w4"]], ["c", "c"]),
                                    Layer(["o"], "sigmoid", [["w5", "w6"]], [None])],
                       "squared_error", ["t"])
    g = compile_layered(spec)
    params = {"w1": .3, "w2": -.2, "w3": .7, "w4": .1, "w5": -1.1, "w6": .4, "c": .05}
    same_trace(g, params, {"a": .5, "b": -1.5, "t": .25})


def test_networks_the_layers_do_not_cover_are_walked():
    softmax = mlp_model([2, 3], "softmax", loss="cross_entropy", random_seed=0)
    assert plan_of(softmax.graph) is None
    gates = compile_layered(mazur_model().spec, gates=True)
    assert plan_of(gates) is None
    sparse = LayeredSpec(["a", "b"], [Layer(["o"], "sigmoid", [["w1", None]], ["c"])], "squared_error", ["t"])
    assert plan_of(compile_layered(sparse)) is None
    shared = LayeredSpec(["a", "b"], [Layer(["o"], "sigmoid", [["w", "w"]], ["c"])], "squared_error", ["t"])
    assert plan_of(compile_layered(shared)) is None
    named = mazur_model()
    named.graph.output = "out_o1"            # the backward pass starts elsewhere
    assert plan_of(named.graph) is None


def test_a_big_networks_edge_records_are_made_when_a_step_is_read():
    m = mlp_model([30, 8, 2], "tanh", random_seed=2, samples=1)
    tr = record(m.graph, m.params, m.samples()[0])
    step = next(s for s in tr.steps if s.phase == "backward" and s.node == "net_h1_1")
    assert isinstance(step.edges, LazyEdges) and step.edges._items is None
    assert len(step.edges) == 31 and step.edges._items is None      # counting makes nothing
    assert [e.src for e in step.edges][-1] == "b_h1_1" and step.edges[0].dst == "net_h1_1"


ACTS = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "linear", "step"]
LOSSES = ["squared_error", "mse", "mae", "huber", "binary_cross_entropy_with_logits"]


@settings(max_examples=40, deadline=None)
@given(sizes=st.lists(st.integers(1, 5), min_size=2, max_size=4), act=st.sampled_from(ACTS),
       loss=st.sampled_from(LOSSES), seed=st.integers(0, 10_000), scale=st.sampled_from([1e-3, 1.0, 30.0, 1e200]),
       frozen=st.integers(0, 3))
def test_random_dense_networks_trace_the_same_as_the_walk(sizes, act, loss, seed, scale, frozen):
    m = mlp_model(sizes, act, loss=loss, random_seed=seed, samples=1)
    rng = np.random.default_rng(seed)
    params = {p: float(v) * scale for p, v in m.params.items()}
    names = sorted(params)
    m.graph.frozen = frozenset(rng.choice(names, size=min(frozen, len(names)), replace=False).tolist())
    same_trace(m.graph, params, m.samples()[0])
