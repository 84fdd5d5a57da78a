"""Wide layers: the equation panel writes only what it shows, and writes it
exactly as the whole text shortened would read (every example, 4 and 9 digits)."""
from __future__ import annotations

import dataclasses
import random

import pytest
from nets import mlp_model

from visualnn.engine import explain as X
from visualnn.engine.trace import Stepper
from visualnn.io import examples_dir, load

EXAMPLES = sorted(p.name for p in examples_dir().glob("*.json"))


class _Scan:
    """The arrivals the slow way: a scan of every gradient the pass has sent so far."""

    def __init__(self, state, graph):
        self.state = state

    def of(self, node):
        return [e for (s, _), e in self.state.edge_gradients.items() if s == node]


def _whole_then_shortened(step, attrs, digits, max_terms):
    ws = list(step.weight_values) if step.weight_values else None
    return X._shorten(X.forward_numbers(step.op, list(step.input_values), attrs, ws, digits), max_terms)


def _texts(model, positions, digits):
    st = Stepper(model.graph, model.params, model.samples(), optimizer=model.training.optimizer,
                 lr=model.training.learning_rate)
    out = []
    for move in positions:
        s = move(st)
        out.append(X.equations(s, model.graph, digits, st.lr_for(s.cycle), st.optimizer_name))
    return out


def _walk(length, seed):
    """Two passes step by step, then jumps: Left, End, seeks (the states a window asks for)."""
    rng = random.Random(seed)
    moves = [Stepper.step] * (2 * length)
    for _ in range(40):
        r = rng.random()
        k = rng.randrange(0, 3 * length)
        moves.append(Stepper.step if r < .4 else Stepper.back if r < .6 else Stepper.end if r < .7
                     else (lambda st, k=k: st.seek(k)))
    return moves


def _models():
    for name in EXAMPLES:
        yield name, load(examples_dir() / name).model
    yield "[12,9,3] three samples", mlp_model([12, 9, 3], random_seed=1, samples=3)
    yield "[20,13,13,2] relu", mlp_model([20, 13, 13, 2], activation="relu", random_seed=4, samples=2)


@pytest.mark.parametrize("name, model", list(_models()), ids=lambda x: x if isinstance(x, str) else "")
def test_every_example_reads_as_the_whole_text_shortened_at_4_and_9_digits(name, model, monkeypatch):
    length = Stepper(model.graph, model.params, model.samples()).cycle_length
    moves = _walk(length, seed=len(name))
    fast = {d: _texts(model, moves, d) for d in (4, 9)}
    monkeypatch.setattr(X, "_Arrivals", _Scan)
    monkeypatch.setattr(X, "_sum_numbers", _whole_then_shortened)
    assert any(fast[4]), name
    for d in (4, 9):
        assert fast[d] == _texts(model, moves, d), (name, d)


def test_a_784_input_neuron_formats_only_the_terms_it_shows():
    m = mlp_model([784, 2, 1], random_seed=0, samples=1)
    st = Stepper(m.graph, m.params, m.samples())
    s = st.step()
    assert s.step.op == "weighted_sum" and len(s.step.input_values) == 785
    # a number in the middle that cannot be formatted: only the first three terms and the last are
    values = list(s.step.input_values)
    values[400] = "not a number"
    s.step = dataclasses.replace(s.step, input_values=tuple(values))
    line = X.equations(s, m.graph, 4)[0]
    assert line.count(" + … + ") == 2 and line.count("(785 terms)") == 2


def test_a_wide_backward_step_lists_its_first_inputs_and_counts_the_rest():
    m = mlp_model([30, 3, 2], random_seed=0, samples=1)
    st = Stepper(m.graph, m.params, m.samples())
    s = st.step()
    while s.step.phase != "backward" or len(s.step.edges) < 31:
        s = st.step()
    lines = X.equations(s, m.graph, 4)
    assert lines[-1] == "… and 19 more inputs, each the same way"
    assert sum(line.startswith("∂net_") and "= w" in line for line in lines) == 12
