"""The equation panel says, in a warning colour, which operation made an
infinite or NaN number (issue 12: non-finite numbers are data)."""
import json

from visualnn.io import loads
from visualnn.ui.equation_panel import WARNING_COLOUR, EquationPanel
from visualnn.ui.session import Session

LOG0 = {"format": "visualnn", "version": 1, "title": "log of zero",
        "network": {"type": "graph", "nodes": [
            {"name": "x", "op": "input"}, {"name": "w", "op": "param"},
            {"name": "z", "op": "mul", "inputs": ["w", "x"]}, {"name": "f", "op": "log", "inputs": ["z"]}]},
        "params": {"w": 2.0}, "data": {"columns": {"x": [0.0]}}}


def test_a_step_that_makes_an_infinity_names_its_operation_in_the_warning_colour(qtbot):
    s = Session(document=loads(json.dumps(LOG0)))
    panel = EquationPanel(s)
    qtbot.addWidget(panel)
    panel.show()
    s.seek(1)                                         # z = w·x = 0: finite
    assert panel.warning.isHidden()
    s.seek(2)                                         # f = log(0)
    assert not panel.warning.isHidden() and panel.warning.text() == "⚠ log(0) = -∞ at f"
    assert panel.warning.palette().windowText().color().name() == WARNING_COLOUR
    s.seek(3)                                         # backward through log: its slope at 0 is ∞
    assert panel.warning.text() == "⚠ the local gradient ∂f/∂z of log(0) = ∞ at f"
    s.seek(0)
    assert panel.warning.isHidden()
    s.mark_saved()
