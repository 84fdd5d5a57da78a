"""The trace and the stepper: the lecture's step list, one operation at a time."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nets import MAZUR_PARAMS, MAZUR_SAMPLE, mazur_model, mazur_spec
from visualnn.engine import Graph, Node, Stepper, compile_layered, record
from visualnn.engine.trace import apply_step


def mazur_trace():
    return record(compile_layered(mazur_spec()), MAZUR_PARAMS, MAZUR_SAMPLE)


def test_forward_steps_follow_topological_order_then_the_loss():
    g = compile_layered(mazur_spec())
    tr = mazur_trace()
    forward = [s for s in tr.steps if s.phase in ("forward", "loss")]
    assert [s.node for s in forward] == [n for n in g.order if not g.nodes[n].is_leaf]
    assert [s.phase for s in forward][-1] == "loss" and forward[-1].node == "E_total"
    assert all(s.phase == "forward" for s in forward[:-1])
    assert [s.index for s in tr.steps] == list(range(len(tr.steps)))


def test_backward_steps_follow_the_lecture_order():
    tr = mazur_trace()
    backward = [s.node for s in tr.steps if s.phase == "backward"]
    assert backward == ["E_total", "out_o1", "net_o1", "out_o2", "net_o2", "out_h1", "net_h1", "out_h2", "net_h2"]
    phases = [s.phase for s in tr.steps]
    assert phases.index("backward") == phases.index("loss") + 1


def test_backward_step_shows_local_times_upstream():
    tr = mazur_trace()
    step = next(s for s in tr.steps if s.phase == "backward" and s.node == "out_o1")
    (edge,) = step.edges
    assert round(edge.upstream, 8) == 0.74136507
    assert round(edge.local, 9) == 0.186815602
    assert edge.gradient == edge.local * edge.upstream
    w5 = next(e for s in tr.steps if s.node == "net_o1" and s.phase == "backward" for e in s.edges if e.param == "w5")
    assert round(w5.param_gradient, 9) == 0.082167041


def test_gradients_add_up_at_branches():
    tr = mazur_trace()
    edges = [e for s in tr.steps if s.phase == "backward" for e in s.edges]
    # out_h1 feeds o1 and o2: 0.055399425 + -0.019049119 = 0.036350306
    to_h1 = [e for e in edges if e.src == "out_h1"]
    assert [e.dst for e in to_h1] == ["net_o1", "net_o2"]
    assert round(to_h1[0].gradient, 9) == 0.055399425
    # the lecture prints -0.019049119 (rounded intermediates); exactly it is -0.01904911826
    assert to_h1[1].gradient == pytest.approx(-0.019049119, abs=1e-9)
    assert to_h1[0].accumulated == to_h1[0].gradient
    assert round(to_h1[1].accumulated, 9) == 0.036350306
    # b1 is shared by h1 and h2: its running sum ends at its full gradient
    b1 = [e for e in edges if e.src == "b1"]
    assert [e.dst for e in b1] == ["net_h1", "net_h2"]
    assert b1[0].accumulated == b1[0].gradient
    assert b1[1].accumulated == pytest.approx(b1[0].gradient + b1[1].gradient, rel=1e-15)
    assert b1[1].accumulated == pytest.approx(tr.param_gradients["b1"], rel=1e-15)
    assert tr.param_gradients["b1"] == pytest.approx(b1[0].param_gradient + b1[1].param_gradient, rel=1e-15)


def test_graph_without_a_loss_seeds_its_output_with_one():
    g = Graph([Node("x", "input"), Node("y", "input"), Node("z", "input"),
               Node("q", "add", ("x", "y")), Node("f", "mul", ("q", "z"))])
    tr = record(g, {}, {"x": -2.0, "y": 5.0, "z": -4.0})
    assert tr.loss is None
    assert [s.phase for s in tr.steps] == ["forward", "forward", "backward", "backward"]
    first = tr.steps[2]
    assert first.node == "f" and first.upstream == 1.0
    assert tr.gradients == {"f": 1.0, "q": -4.0, "z": 3.0, "x": -4.0, "y": -4.0}
    assert tr.result_json()["output"] == {"f": -12.0}


def test_trace_result_json_has_loss_outputs_and_parameter_gradients():
    res = mazur_trace().result_json()
    assert round(res["loss"], 9) == 0.298371109
    assert set(res["output"]) == {"out_o1", "out_o2"}
    assert res["params"]["w5"]["value"] == 0.4
    assert round(res["params"]["w5"]["gradient"], 9) == 0.082167041


def make_stepper(**kw):
    m = mazur_model()
    return Stepper(m.graph, m.params, m.samples(), **kw)


def test_update_step_applies_the_learning_rate_to_every_parameter():
    st_ = make_stepper(lr=0.5)
    state = st_.end()
    assert state.updated and state.step.phase == "update"
    new = {p: n for p, old, g, n in state.step.updates}
    assert round(new["w5"], 8) == 0.35891648
    assert round(new["w1"], 9) == 0.149780716
    assert round(new["w6"], 9) == 0.408666186
    for p, old, g, n in state.step.updates:
        assert n == old - 0.5 * g
        assert state.params[p] == n


def test_second_cycle_starts_from_the_updated_parameters():
    st_ = make_stepper(lr=0.5)
    L = st_.cycle_length
    after = st_.state(L)
    second = st_.trace(1)
    assert second.params == after.params
    assert second.loss < st_.trace(0).loss


def states_equal(a, b):
    assert (a.position, a.cycle, a.index, a.updated) == (b.position, b.cycle, b.index, b.updated)
    assert a.step == b.step
    assert a.params == b.params and a.values == b.values
    assert a.gradients == b.gradients and a.param_gradients == b.param_gradients
    assert a.edge_values == b.edge_values and a.edge_gradients == b.edge_gradients


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(["step", "back", "reset", "end"]),
                          st.integers(0, 70)), max_size=25))
def test_stepper_moves_give_exactly_the_state_of_a_fresh_replay(moves):
    st_ = make_stepper(optimizer="momentum", lr=0.5)
    for m in moves:
        state = st_.seek(m) if isinstance(m, int) else getattr(st_, m)()
        fresh = make_stepper(optimizer="momentum", lr=0.5)
        states_equal(state, fresh.seek(st_.position))


def test_stepping_incrementally_equals_rebuilding_the_state():
    st_ = make_stepper()
    state = st_.state(0)
    for p in range(1, 2 * st_.cycle_length + 1):
        nxt = st_.state(p)
        if nxt.cycle == state.cycle:
            apply_step(state, nxt.step)
            state.position = p
            states_equal(state, nxt)
        state = st_.state(p)


def test_reset_returns_to_the_start():
    st_ = make_stepper()
    start = st_.state()
    for _ in range(30):
        st_.step()
    states_equal(st_.reset(), start)
    assert start.step is None and start.phase == "start"
    assert start.values["i1"] == 0.05 and start.values["b1"] == 0.35 and start.params["w1"] == 0.15


def test_editing_a_parameter_replays_from_the_current_cycle():
    st_ = make_stepper()
    st_.seek(3)
    st_.set_param("w5", 1.0)
    assert st_.position == 3
    assert st_.trace(0).params["w5"] == 1.0
    fresh = Stepper(st_.graph, {**MAZUR_PARAMS, "w5": 1.0}, [MAZUR_SAMPLE])
    states_equal(st_.state(), fresh.seek(3))


def test_loss_step_value_equals_the_trace_loss():
    tr = mazur_trace()
    loss_step = next(s for s in tr.steps if s.phase == "loss")
    assert loss_step.value == tr.loss
    values = compile_layered(mazur_spec()).forward({k: np.array([v]) for k, v in MAZUR_PARAMS.items()},
                                                   {k: np.array([v]) for k, v in MAZUR_SAMPLE.items()})
    assert tr.loss == float(values["E_total"][0])


# -- moving cheaply: snapshots, a bulk fold, one cache bounded by bytes --------------------------
def _mlp_stepper(sizes, seed=0, **kw):
    from nets import mlp_model
    m = mlp_model(sizes)
    rng = np.random.default_rng(seed)
    params = {p: float(rng.normal(0, 0.5)) for p in m.graph.param_names}
    sample = {x: float(rng.uniform(-1, 1)) for x in m.graph.inputs}
    sample.update({t: float(rng.uniform(0, 1)) for t in m.graph.targets})
    return Stepper(m.graph, params, [sample], **kw)


def _bits(state):
    """Every number of a state as its exact bits (0.0 and -0.0 differ)."""
    return {name: {k: (repr(v) if isinstance(v, float) else v) for k, v in getattr(state, name).items()}
            for name in ("params", "values", "gradients", "param_gradients", "edge_values", "edge_gradients")}


def test_a_state_built_in_bulk_is_bit_for_bit_the_one_stepped_to():
    st_ = _mlp_stepper([5, 4, 3])
    L = st_.cycle_length
    state = st_.state(0)
    for p in range(1, 2 * L + 1):
        nxt = st_.state(p)
        if nxt.cycle == state.cycle:
            apply_step(state, nxt.step)
            assert _bits(state) == _bits(nxt)
        state = st_.state(p)


def test_left_and_end_fold_only_the_steps_after_a_nearby_snapshot(monkeypatch):
    from visualnn.engine import stepper as stepper_module
    st_ = _mlp_stepper([40, 16, 4])
    L = st_.cycle_length
    st_.seek(L - 1)                       # the first visit folds the pass once, leaving snapshots
    folded = []
    real = stepper_module.fold_steps
    monkeypatch.setattr(stepper_module, "fold_steps", lambda state, steps: (folded.append(steps),
                                                                            real(state, steps)))

    def edges():
        n = sum(len(s.input_values) + len(s.edges) for run in folded for s in run if s.phase != "update")
        folded.clear()
        return n

    whole = sum(len(s.input_values) + len(s.edges) for s in st_.steps_of_cycle(0))
    biggest = max(len(s.input_values) + len(s.edges) for s in st_.steps_of_cycle(0))
    budget = max(Stepper.MIN_SNAPSHOT_EDGES, whole // Stepper.SNAPSHOTS) + biggest
    for move in (st_.back, st_.back, st_.end, st_.back, st_.end):
        move()
        assert edges() <= budget < whole / 4
    fresh = _mlp_stepper([40, 16, 4])
    assert _bits(st_.state()) == _bits(fresh.seek(st_.position))


def test_the_cache_stays_under_its_byte_bound_over_many_passes():
    from visualnn.engine.cache import ByteCache
    cache = ByteCache(400_000)
    st_ = _mlp_stepper([8, 8, 8, 2], cache=cache)
    L = st_.cycle_length
    for c in range(300):
        st_.seek(c * L + L // 2)
        st_.back()
        assert cache.bytes <= cache.limit
    st_.seek(5 * L + 3)                   # far back: replayed from a checkpoint, exactly
    fresh = _mlp_stepper([8, 8, 8, 2])
    assert _bits(st_.state()) == _bits(fresh.seek(5 * L + 3))
    assert len(st_._checkpoints) <= Stepper.MAX_CHECKPOINTS + 1


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_the_cache_stays_under_its_byte_bound_after_1000_passes_of_64_64_64_10():
    st_ = _mlp_stepper([64, 64, 64, 10])
    L = st_.cycle_length
    limit = st_.cache.limit
    for c in range(1000):
        st_.seek(c * L + L - 1)            # into each pass, and back a step
        st_.back()
        assert st_.cache.bytes <= limit
    assert len(st_._checkpoints) <= Stepper.MAX_CHECKPOINTS + 1


def test_left_after_stepping_takes_the_step_back_in_place_exactly(monkeypatch):
    from visualnn.engine import stepper as stepper_module
    st_ = _mlp_stepper([6, 5, 3])
    L = st_.cycle_length
    st_.seek(L + 1)
    for _ in range(L - 1):                 # through the second pass, update included
        st_.step()
    folded = []
    real = stepper_module.fold_steps
    monkeypatch.setattr(stepper_module, "fold_steps", lambda state, steps: (folded.append(len(steps)),
                                                                            real(state, steps)))
    fresh = _mlp_stepper([6, 5, 3])
    for _ in range(L - 2):
        state = st_.back()
        assert sum(folded) == 0            # no rebuild: one step undone
        want = fresh.seek(st_.position)
        assert _bits(state) == _bits(want)
        assert state.step == want.step and state.updated == want.updated and state.index == want.index
        folded.clear()


def test_every_stepper_shares_one_cache_and_takes_its_entries_when_it_goes():
    import gc

    from visualnn.engine.stepper import SHARED_CACHE
    a, b = _mlp_stepper([3, 3, 2]), _mlp_stepper([3, 3, 2], seed=1)
    assert a.cache is b.cache is SHARED_CACHE
    a.seek(a.cycle_length + 3)
    b.seek(2)
    mine = [k for k in SHARED_CACHE.keys() if k[0] is a._token]
    assert mine and all(k in SHARED_CACHE for k in mine)
    del a
    gc.collect()
    assert not any(k in SHARED_CACHE for k in mine)
    assert any(k[0] is b._token for k in SHARED_CACHE.keys())
