"""A pass's update step is made when it is first read (issue 10), and gives exactly the
parameters the pass's own trace and optimizer state give: whenever it is read, after
whatever edit, step, seek or undo came in between."""
from __future__ import annotations

import numpy as np
import pytest

from visualnn.engine.cache import ByteCache
from visualnn.engine.optimizers import make_optimizer
from visualnn.engine.pass_update import LazyUpdates
from visualnn.engine.trace import Stepper, record

OPTIMIZERS = ("sgd", "momentum", "adam")
LR = 0.3


def _mazur():
    from nets import mazur_model
    m = mazur_model()
    return m.graph, dict(m.params), m.samples()[0]


def _xor():
    from visualnn.io import examples_dir, load
    m = load(examples_dir() / "xor.json").model
    return m.graph, dict(m.params), m.samples()[0]


def _random_8_6_3():
    from nets import mlp_model
    m = mlp_model([8, 6, 3])
    rng = np.random.default_rng(0)
    params = {p: float(rng.normal(0, 0.5)) for p in m.graph.param_names}
    sample = {x: float(rng.uniform(-1, 1)) for x in m.graph.inputs}
    sample.update({t: float(rng.uniform(0, 1)) for t in m.graph.targets})
    return m.graph, params, sample


NETS = {"2-2-2": _mazur, "xor": _xor, "random [8,6,3]": _random_8_6_3}


def eager_passes(graph, params, sample, optimizer, passes, edits=None, lr=LR):
    """Each pass's (start parameters, update records), the eager way: record the pass, step
    the optimizer at once.  ``edits``: {pass: values} set as that pass starts."""
    opt = make_optimizer(optimizer, lr)
    names = graph.param_names
    start, out = dict(params), []
    for c in range(passes):
        start.update((edits or {}).get(c, {}))
        tr = record(graph, start, sample)
        theta = np.array([tr.params[p] for p in names])
        new = opt.step(theta, np.array([tr.param_gradients[p] for p in names]))
        after = dict(zip(names, map(float, new)))
        out.append((dict(start), tuple((p, tr.params[p], tr.param_gradients[p], after[p]) for p in names)))
        start = after
    return out


def _bits(x):
    """Every float to its last bit (a dict in any order)."""
    return repr(sorted(x.items(), key=repr) if isinstance(x, dict) else x)


@pytest.mark.parametrize("net", NETS)
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_twenty_passes_give_the_eager_parameters_bit_for_bit(net, optimizer):
    graph, params, sample = NETS[net]()
    want = eager_passes(graph, params, sample, optimizer, 20)
    st = Stepper(graph, params, [sample], optimizer=optimizer, lr=LR)
    L = st.cycle_length
    for c, (start, updates) in enumerate(want):
        assert _bits(st.seek(c * L + 1).params) == _bits(start)
        st.end()
        assert _bits(tuple(st.steps_of_cycle(c)[-1].updates)) == _bits(updates)
        assert _bits(st.state().params) == _bits({p: n for p, _, _, n in updates})


def test_a_new_pass_does_not_make_its_update_until_it_is_read():
    graph, params, sample = _random_8_6_3()
    st = Stepper(graph, params, [sample], lr=LR)
    st.seek(3 * st.cycle_length + 1)              # the first step of pass 3
    update = st.steps_of_cycle(3)[-1].updates
    assert isinstance(update, LazyUpdates) and update._items is None
    assert len(update) == len(graph.param_names)    # its length is known without making it
    assert not st.cache.get(st._key("update", 3)).done


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_a_step_list_held_across_an_edit_keeps_its_own_update(optimizer):
    graph, params, sample = _xor()
    st = Stepper(graph, params, [sample], optimizer=optimizer, lr=LR)
    L = st.cycle_length
    st.seek(2 * L + 1)
    held_before = st.steps_of_cycle(1)            # pass 1, its update not made yet
    held_now = st.steps_of_cycle(2)
    edit = {graph.param_names[0]: 0.125, graph.param_names[-1]: -0.5}
    st.set_params(edit)                           # pass 2 starts from edited parameters
    want = eager_passes(graph, params, sample, optimizer, 4)
    edited = eager_passes(graph, params, sample, optimizer, 4, edits={2: edit})
    # read only now: what those passes were when the lists were made
    assert _bits(tuple(held_before[-1].updates)) == _bits(want[1][1])
    assert _bits(tuple(held_now[-1].updates)) == _bits(want[2][1])
    # and the stepper's own lists follow the edit: pass 1 ends at the edited parameters
    assert {p: n for p, _, _, n in st.steps_of_cycle(1)[-1].updates} == edited[2][0]
    assert _bits(tuple(st.steps_of_cycle(2)[-1].updates)) == _bits(edited[2][1])
    assert _bits(st.seek(4 * L).params) == _bits({p: n for p, _, _, n in edited[3][1]})


def test_edit_then_step_into_the_next_pass_uses_the_edited_parameters():
    graph, params, sample = _mazur()
    st = Stepper(graph, params, [sample], optimizer="momentum", lr=LR)
    L = st.cycle_length
    st.seek(L + 2)
    edit = {"w1": 0.25}
    st.set_params(edit)
    want = eager_passes(graph, params, sample, "momentum", 3, edits={1: edit})
    for _ in range(L - 2):
        st.step()
    assert st.state().updated
    assert _bits(st.state().params) == _bits({p: n for p, _, _, n in want[1][1]})
    nxt = st.step()                               # the first step of pass 2
    assert nxt.cycle == 2 and _bits(nxt.params) == _bits(want[2][0])


@pytest.mark.parametrize("net", NETS)
def test_left_and_right_across_the_update_give_the_same_states_as_a_fresh_stepper(net):
    graph, params, sample = NETS[net]()
    st = Stepper(graph, params, [sample], optimizer="adam", lr=LR)
    L = st.cycle_length
    st.seek(2 * L - 2)
    got = []
    for move in (st.step, st.step, st.step, st.back, st.back, st.back, st.step, st.step):
        m = move()                                # a State is current until the next move: read it now
        got.append((m.position, _bits(m.params), _bits(m.values)))
    want = [2 * L - 1, 2 * L, 2 * L + 1, 2 * L, 2 * L - 1, 2 * L - 2, 2 * L - 1, 2 * L]
    for (pos, p, v), w in zip(got, want):
        fresh = Stepper(graph, params, [sample], optimizer="adam", lr=LR).seek(w)
        assert (pos, p, v) == (w, _bits(fresh.params), _bits(fresh.values))


def test_end_home_and_seek_give_the_eager_parameters():
    graph, params, sample = _random_8_6_3()
    want = eager_passes(graph, params, sample, "adam", 6)
    st = Stepper(graph, params, [sample], optimizer="adam", lr=LR)
    L = st.cycle_length
    st.seek(5 * L + 3)
    assert _bits(st.end().params) == _bits({p: n for p, _, _, n in want[5][1]})
    assert _bits(st.reset().params) == _bits(params)
    for c in (4, 2, 5, 0, 3):
        assert _bits(st.seek(c * L + 1).params) == _bits(want[c][0])
        assert _bits(st.seek((c + 1) * L).params) == _bits({p: n for p, _, _, n in want[c][1]})


def test_an_update_read_after_its_trace_left_a_small_cache_is_still_exact():
    graph, params, sample = _random_8_6_3()
    st = Stepper(graph, params, [sample], optimizer="momentum", lr=LR, cache=ByteCache(40_000))
    L = st.cycle_length
    held = [st.steps_of_cycle(c) for c in range(6)]     # the cache keeps only the last few
    want = eager_passes(graph, params, sample, "momentum", 6)
    for c in reversed(range(6)):
        assert _bits(tuple(held[c][-1].updates)) == _bits(want[c][1])
    assert _bits(st.seek(6 * L).params) == _bits({p: n for p, _, _, n in want[5][1]})


def test_undo_and_redo_of_an_edit_give_back_each_pass_exactly():
    from nets import mazur_model

    from visualnn.state import SessionModel
    session = SessionModel(mazur_model())
    graph, params, sample = _mazur()
    L = session.cycle_length
    session.seek(L + 3)
    held = session.steps_of_cycle(1)              # made before the edit, read after
    session.edit_value("w5", 0.75)
    opt, lr = session.stepper.optimizer_name, session.stepper.lr
    edited = eager_passes(graph, params, sample, opt, 4, edits={1: {"w5": 0.75}}, lr=lr)
    plain = eager_passes(graph, params, sample, opt, 4, lr=lr)
    session.seek(4 * L)
    assert _bits(session.state.params) == _bits({p: n for p, _, _, n in edited[3][1]})
    session.undo_stack.undo()
    assert _bits(tuple(held[-1].updates)) == _bits(plain[1][1])
    session.seek(4 * L)
    assert _bits(session.state.params) == _bits({p: n for p, _, _, n in plain[3][1]})
    session.undo_stack.redo()
    session.seek(3 * L)
    assert _bits(session.state.params) == _bits({p: n for p, _, _, n in edited[2][1]})
