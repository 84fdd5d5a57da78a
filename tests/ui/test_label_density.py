"""A graph that fits shows its texts: the four-pixel camera, beside the plot panels on a laptop screen."""
from __future__ import annotations

import pytest

from visualnn.io import examples_dir

pytestmark = pytest.mark.usefixtures("qapp")


def test_the_four_pixel_camera_beside_the_plot_panels_at_1366x768_names_every_unit(window):
    from PySide6.QtWidgets import QApplication
    win = window
    win.resize(1366, 768)
    win.open_file(str(examples_dir() / "four_pixel_camera.json"))
    for name in ("Activation", "Loss surface", "Training"):
        win.docks[name].show()
    QApplication.processEvents()
    v = win.view
    assert v.width() < 1000                    # the panels take their share of the window
    named = {key[1] for key in v.drawn_texts() if key[0] == "node" and key[2] == "label"}
    units = {n for n in v.node_names() if v.node_item(n).box.label}
    assert len(units) > 20 and named == units
    win.session.seek(49)                        # backward through a tanh: its numbers are drawn too
    drawn = v.drawn_texts()
    assert ("net_all_white", "out_all_white") in drawn
    assert all(px >= 12 for _, px in drawn.values())
