"""The window refuses what the command line refuses: small files asking for huge work
are turned away with the documented limit before anything is built, and the network
shown stays; a file whose input is 1e308 opens and steps through every panel without
an exception (pyqtgraph could not show a range padded past the largest float)."""
from __future__ import annotations

import json
import sys

import pytest
from PySide6.QtWidgets import QApplication

from visualnn.io import examples_dir


def mazur() -> dict:
    return json.loads((examples_dir() / "mazur_2_2_2.json").read_text())


HOSTILE = {
    "samples-1m": {"format": "visualnn", "version": 1,
                   "network": {"type": "layered", "sizes": [2, 4, 1], "activations": "sigmoid"},
                   "training": {"init": "random"}, "data": {"generator": "spiral", "n": 1_000_000}},
    "weights-5m": {"format": "visualnn", "version": 1,
                   "network": {"type": "layered", "sizes": [2237, 2237], "activations": "sigmoid"}},
    "clicks-190m": {**mazur(), "lecture": [{"step": [0, 19_000]}] * 10_000},
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_the_window_refuses_a_file_over_a_limit_and_keeps_its_network(window, dialogs, tmp_path, name):
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(HOSTILE[name]))
    before = window.session.document
    assert not window.open_file(path)
    (kind, title, text), = dialogs.shown
    assert title == "Cannot open file" and "(the documented limit" in text and str(path) in text
    assert window.session.document is before


def test_an_input_of_1e308_opens_and_steps_through_every_panel(window, qtbot, tmp_path):
    top = mazur()
    top["data"]["samples"][0]["i1"] = 1e308
    path = tmp_path / "big.json"
    path.write_text(json.dumps(top))
    for d in window.docks.values():
        d.show()
    for panel in window.plot_panels.values():
        panel.set_seen(True)                 # every panel draws, not only the front tab
    errors = []
    hook, sys.excepthook = sys.excepthook, lambda *e: errors.append(e[1])
    try:
        assert window.open_file(path)
        s = window.session
        for _ in range(s.cycle_length + 2):
            s.step()
            s.select([n for n in s.graph.nodes if n.startswith("out_")][:1])
            QApplication.processEvents()
        window.grab()
    finally:
        sys.excepthook = hook
    assert errors == []


def test_the_training_panel_draws_a_few_thousand_points_of_a_big_data_set(window, tmp_path):
    from visualnn.engine.plotting_data import MAX_SHOWN_SAMPLES
    top = {"format": "visualnn", "version": 1, "training": {"init": "random"},
           "network": {"type": "layered", "sizes": [2, 4, 1], "activations": ["tanh", "sigmoid"],
                       "loss": {"op": "binary_cross_entropy"}},
           "data": {"generator": "spiral", "n": 100_000, "test_fraction": 0.2}}
    path = tmp_path / "many.json"
    path.write_text(json.dumps(top))
    panel = window.plot_panels["Training"]
    window.docks["Training"].show()
    panel.set_seen(True)
    assert window.open_file(path)
    drawn = len(panel.points.data) + len(panel.test_points.data)
    assert 0 < drawn <= 2 * MAX_SHOWN_SAMPLES
