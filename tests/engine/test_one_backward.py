"""One backward pass: the graph walk adds the gradients up itself (``graph.send``), and
the trace, ``Graph.backward`` and the stepper's State all read the same running sums."""
import numpy as np

from nets import mazur_model
from visualnn.engine import Graph, Node, Stepper, record
from visualnn.engine.trace import State, _record, apply_step


def shared_graph() -> Graph:
    """A parameter leaf ``p`` feeding two nodes, a weight ``w`` on two edges, a frozen one."""
    g = Graph([Node("x", "input"), Node("t", "target"), Node("p", "param"), Node("v", "param"),
               Node("a", "weighted_sum", ("x", "p"), ("w", None)),
               Node("b", "weighted_sum", ("x", "p", "v"), ("w", "u", "f")),
               Node("c", "tanh", ("b",)), Node("s", "mul", ("a", "c")),
               Node("E", "squared_error", ("s", "t"))])
    g.frozen = frozenset({"f"})
    return g


PARAMS = {"p": 0.3, "v": -0.7, "w": 1.5, "u": -0.25, "f": 2.0}
SAMPLE = {"x": 0.8, "t": 0.1}


def test_the_walk_adds_the_gradients_up_without_help_from_its_caller():
    m = mazur_model()
    P = {k: np.array([v]) for k, v in m.params.items()}
    values = m.graph.forward(P, {k: np.array([v]) for k, v in m.samples()[0].items()})
    grads, pgrads = m.graph.backward(P, values)
    steps = list(m.graph.walk_backward(P, values))       # nothing passed in, nothing filled by hand
    assert [b.node for b in steps][:3] == ["E_total", "out_o1", "net_o1"]
    last = {}
    for b in steps:
        assert b.upstream is grads[b.node] or np.array_equal(b.upstream, grads[b.node])
        for s in b.sent:
            last[s.src] = s.accumulated
            if s.weight is not None:
                last[s.weight] = s.weight_total
    assert all(np.array_equal(last[k], grads[k]) for k in grads if k in last)
    assert round(float(last["w5"]), 9) == 0.082167041 and np.array_equal(last["w5"], pgrads["w5"])


def test_the_trace_and_graph_backward_give_one_set_of_parameter_gradients():
    g = shared_graph()
    tr = record(g, PARAMS, SAMPLE)
    P = {k: np.array([v]) for k, v in PARAMS.items()}
    _, pgrads = g.backward(P, g.forward(P, {k: np.array([v]) for k, v in SAMPLE.items()}))
    for p in g.param_names:
        want = 0.0 if p in g.frozen else float(np.asarray(pgrads[p]).reshape(-1)[0])
        assert tr.param_gradients[p] == want, p
    assert tr.param_gradients["w"] != 0.0 and tr.param_gradients["p"] != 0.0


def test_the_state_reads_each_parameters_running_sum_from_the_records():
    for graph, params, sample in [(shared_graph(), PARAMS, SAMPLE),
                                  (mazur_model().graph, mazur_model().params, mazur_model().samples()[0])]:
        tr = _record(graph, params, sample)
        st = State(0, 0, 0, None, dict(tr.params), {}, {}, {}, {}, {})
        for s in tr.steps:
            apply_step(st, s)
        assert st.param_gradients == {p: v for p, v in tr.param_gradients.items() if p in st.param_gradients}
        assert set(tr.param_gradients) - set(st.param_gradients) <= graph.frozen


def test_stepping_a_pass_ends_with_the_traces_gradients():
    m = mazur_model()
    st = Stepper(m.graph, m.params, m.samples())
    tr = st.trace(0)
    for _ in range(len(tr.steps)):
        state = st.step()
    assert state.param_gradients == tr.param_gradients
    targets = set(m.graph.targets)       # nothing is sent back to a target, so the State leaves them out
    assert state.gradients == {k: v for k, v in tr.gradients.items() if k not in targets}
