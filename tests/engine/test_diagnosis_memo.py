"""Stepping back and forth across an update asks the diagnosis for the same two sets
of weights: found once each, not per key press; any change is diagnosed anew (issue 10)."""
from __future__ import annotations

import numpy as np
import pytest
from nets import mlp_model

from visualnn.engine import diagnosis
from visualnn.engine.diagnosis import diagnose

XOR = {"x1": np.array([0.0, 0, 1, 1]), "x2": np.array([0.0, 1, 0, 1]), "t1": np.array([0.0, 1, 1, 0])}


def _dead_relu():
    m = mlp_model([2, 1, 1], "relu", out_activation="sigmoid", loss="squared_error", data=dict(XOR))
    m.params.update({"w_x1_h1_1": -1.0, "w_x2_h1_1": -2.0, "b_h1_1": -0.5, "w_h1_1_y1": 0.5, "b_y1": 0.1})
    return m


def _no_computing(monkeypatch):
    def refuse(*_):
        raise AssertionError("diagnosed again")
    monkeypatch.setattr(diagnosis, "_flags", refuse)


def test_back_and_forth_across_an_update_finds_the_flags_of_both_weights_without_computing_again(monkeypatch):
    m = _dead_relu()
    before = dict(m.params)
    after = {**before, "w_h1_1_y1": 0.4, "b_y1": 0.2}           # an update of the output weights
    flags_before, flags_after = diagnose(m, before), diagnose(m, after)
    assert [f.kind for f in flags_before["h1_1"]] == ["dead"]
    _no_computing(monkeypatch)
    assert diagnose(m, dict(before)) == flags_before
    assert diagnose(m, dict(after)) == flags_after
    diagnose(m, before)["h1_1"].clear()                         # what a caller does to its answer stays its own
    assert diagnose(m, before) == flags_before
    with pytest.raises(AssertionError, match="diagnosed again"):
        diagnose(m, {**before, "b_h1_1": 3.0})                   # a weight never seen


def test_a_revived_unit_or_another_activation_is_diagnosed_anew():
    m = _dead_relu()
    assert "h1_1" in diagnose(m)
    assert diagnose(m, {**m.params, "b_h1_1": 3.0}) == {}         # positive on every sample now
    m.spec.layers[0].activation = "tanh"                         # the same spec object, changed in place
    assert diagnose(m) == {}
