"""After a jump (End, Home, a seek) the first Left is one step undone in place, exactly (issue 10)."""
from __future__ import annotations

import numpy as np

from visualnn.engine import stepper as stepper_module
from visualnn.engine.trace import Stepper


def _mlp_stepper(sizes, seed=0):
    from nets import mlp_model
    m = mlp_model(sizes)
    rng = np.random.default_rng(seed)
    params = {p: float(rng.normal(0, 0.5)) for p in m.graph.param_names}
    sample = {x: float(rng.uniform(-1, 1)) for x in m.graph.inputs}
    sample.update({t: float(rng.uniform(0, 1)) for t in m.graph.targets})
    return Stepper(m.graph, params, [sample])


def _bits(state):
    return {name: {k: (repr(v) if isinstance(v, float) else v) for k, v in getattr(state, name).items()}
            for name in ("params", "values", "gradients", "param_gradients", "edge_values", "edge_gradients")}


def _counting_folds(monkeypatch) -> list:
    folded: list = []
    real = stepper_module.fold_steps
    monkeypatch.setattr(stepper_module, "fold_steps", lambda state, steps: (folded.append(len(steps)),
                                                                            real(state, steps)))
    return folded


def test_left_after_end_takes_the_update_back_in_place_exactly(monkeypatch):
    st = _mlp_stepper([12, 6, 3])
    L = st.cycle_length
    st.seek(L + 4)                              # mid-way through the second pass
    after_end = st.end()
    assert after_end.updated and after_end.position == 2 * L
    folded = _counting_folds(monkeypatch)
    before = st.back()
    assert folded == []                         # nothing rebuilt: the update undone in place
    want = _mlp_stepper([12, 6, 3]).seek(2 * L - 1)
    assert _bits(before) == _bits(want)
    assert (before.step, before.updated, before.index) == (want.step, want.updated, want.index)
    again = st.step()                           # and forward onto the update again, exactly
    assert _bits(again) == _bits(_mlp_stepper([12, 6, 3]).seek(2 * L))


def test_left_after_any_seek_is_one_step_undone_exactly(monkeypatch):
    st = _mlp_stepper([7, 5, 2])
    L = st.cycle_length
    fresh = _mlp_stepper([7, 5, 2])
    for p in (3, L - 1, L, L + 2, 2 * L - 1, 2 * L + 5):
        st.seek(p)
        folded = _counting_folds(monkeypatch)
        state = st.back()
        if p % L > 1 or (p and p % L == 0):
            assert folded == [], p
        assert _bits(state) == _bits(fresh.seek(p - 1)), p
        monkeypatch.undo()


def test_the_update_steps_undo_keeps_one_copy_of_the_parameters_not_one_record_each():
    st = _mlp_stepper([30, 20, 4])
    L = st.cycle_length
    st.seek(L - 1)
    update = st.steps_of_cycle(0)[L - 1]
    state = st.state()
    record = stepper_module.undo_record(state, update)
    assert update.phase == "update" and len(update.updates) == len(st.graph.param_names) == 704
    leaves = state.values.keys() & state.params.keys()          # the biases, drawn as nodes
    assert len(record) == 2 + len(leaves) == 26                 # the flag, the whole dict, each leaf
