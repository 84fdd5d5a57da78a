"""Left and Right back onto a step shown just before show its equations again without
writing them out again; a changed weight or number of digits writes them anew (issue 10)."""
from __future__ import annotations

from nets import mazur_model

from visualnn.engine import explain
from visualnn.ui.equation_panel import EquationPanel
from visualnn.ui.session import Session


def _counting(monkeypatch):
    calls = []
    real = explain.equations
    monkeypatch.setattr(explain, "equations", lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def test_left_and_right_back_onto_a_step_show_it_again_without_writing_it_again(qtbot, monkeypatch):
    s = Session()
    s.set_model(mazur_model())
    panel = EquationPanel(s)
    qtbot.addWidget(panel)
    for _ in range(16):                  # into the backward pass
        s.step()
    here = panel.text(), panel.lines()
    s.step()
    there = panel.text(), panel.lines()
    calls = _counting(monkeypatch)
    s.back()
    assert (panel.text(), panel.lines()) == here
    s.step()
    assert (panel.text(), panel.lines()) == there
    assert calls == []


def test_a_changed_weight_or_number_of_digits_writes_the_equations_anew(qtbot, monkeypatch):
    s = Session()
    s.set_model(mazur_model())
    panel = EquationPanel(s)
    qtbot.addWidget(panel)
    s.step()
    assert "net_h1 = w1·i1 + w2·i2 + b1 = 0.15×0.05 + 0.2×0.1 + 0.35 = 0.3775" in panel.lines()
    s.set_params({"w1": 0.25})
    assert "net_h1 = w1·i1 + w2·i2 + b1 = 0.25×0.05 + 0.2×0.1 + 0.35 = 0.3825" in panel.lines()
    calls = _counting(monkeypatch)
    s.set_digits(6)
    assert calls == [1]
    s.set_digits(4)                       # written at 4 digits just before: shown again as it was
    assert calls == [1] and "net_h1 = w1·i1 + w2·i2 + b1 = 0.25×0.05 + 0.2×0.1 + 0.35 = 0.3825" in panel.lines()
