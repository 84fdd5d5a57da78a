"""The training panel's stop message names the operation that made a NaN or an
infinity, and blames the learning rate only when it is the cause (issue 12)."""
import json

from visualnn.io import loads
from visualnn.ui.plots.source import ModelSource
from visualnn.ui.plots.training import TrainingPanel

LOG0 = {"format": "visualnn", "version": 1, "title": "log of zero",
        "network": {"type": "graph", "nodes": [
            {"name": "x", "op": "input"}, {"name": "w", "op": "param"}, {"name": "t", "op": "target"},
            {"name": "z", "op": "mul", "inputs": ["w", "x"]}, {"name": "f", "op": "log", "inputs": ["z"]},
            {"name": "L", "op": "mse", "inputs": ["f", "t"]}]},
        "params": {"w": 1.0}, "data": {"columns": {"x": [1.0, 0.0], "t": [0.0, 0.0]}},
        "training": {"epochs": 50, "learning_rate": 0.1}}


def test_a_run_stopped_by_log_of_zero_names_it_and_not_the_learning_rate(qtbot):
    panel = TrainingPanel(ModelSource(loads(json.dumps(LOG0)).model))
    qtbot.addWidget(panel)
    panel.play()
    qtbot.waitUntil(lambda: panel.thread is None and panel.state != "running", timeout=20000)
    text = panel.status.text()
    assert panel.state == "paused" and "log(0) = -∞ at f (sample 1)" in text
    assert "the learning rate is not the cause" in text and "Lower the learning rate" not in text
