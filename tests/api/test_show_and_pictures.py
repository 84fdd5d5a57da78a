"""visualnn.show and the inline pictures: the window and the exporter on an expression."""
from __future__ import annotations

import sys
import time
import types
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

import visualnn as vn  # noqa: E402
from visualnn.api.show import ipython_qt_loop  # noqa: E402


def expression():
    x, y, z = (vn.Value(v, n, kind="input") for v, n in ((-2.0, "x"), (5.0, "y"), (-4.0, "z")))
    return ((x + y).named("q") * z).named("f")


def test_show_opens_the_window_on_an_expression_at_the_step_asked(qtbot):
    win = vn.show(expression(), block=False, position="backward:f")
    qtbot.addWidget(win)
    assert list(win.session.model.graph.nodes) == ["x", "y", "q", "z", "f"]
    assert win.session.position == 3
    assert win.session.state.gradients["q"] == -4.0
    assert win.isVisible()


def test_show_blocks_in_a_script_until_the_window_is_closed(qtbot, qapp):
    from PySide6.QtCore import QTimer

    from visualnn.ui.main_window import MainWindow
    seen = {}

    def close_it():
        wins = [w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen["open while blocked"] = len(wins)
        for w in wins:
            w.close()
        qapp.quit()
    QTimer.singleShot(300, close_it)
    win = vn.show(Path(__file__).resolve().parents[2] / "examples" / "add_mul.json")
    qtbot.addWidget(win)
    assert seen["open while blocked"] >= 1
    assert not win.isVisible()


def test_show_returns_at_once_when_ipython_runs_a_qt_event_loop(qtbot, monkeypatch):
    shell = types.SimpleNamespace(active_eventloop="qt")
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: shell))
    assert ipython_qt_loop()
    t = time.perf_counter()
    win = vn.show(expression())
    qtbot.addWidget(win)
    assert time.perf_counter() - t < 30 and win.isVisible()
    shell.active_eventloop = None
    assert not ipython_qt_loop()


def test_a_step_draws_inline_as_svg_from_the_exporter():
    tr = vn.trace(expression())
    bundle = tr.at("backward:f")._repr_mimebundle_()
    svg = bundle["image/svg+xml"]
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and ">q<" in svg
    assert "image/png" not in bundle and tr.at(3)._repr_png_() is None      # one format stored per picture
    assert "mul gate f" in bundle["text/plain"]
    assert tr.at(0).svg() != svg                    # another step, another picture


def test_a_step_draws_as_png_when_the_notebook_asks_for_png(monkeypatch):
    from visualnn.api import notebook
    monkeypatch.setattr(notebook, "INLINE_FORMATS", ["png"])
    tr = vn.trace(expression())
    png = tr.at("backward:f")._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert tr.at("backward:f")._repr_mimebundle_()["image/png"] == png
    assert tr.at(3)._repr_svg_() is None


def test_handout_tables_render_as_html_with_names_escaped():
    x = vn.Value(3.0, "<b>x</b>")
    table = vn.trace((x * x).named("y")).table()._repr_html_()
    assert "&lt;b&gt;x&lt;/b&gt;" in table and "<b>x</b>" not in table
    assert "<h5>Forward</h5>" in table and "<td>9</td>" in table


def test_a_step_of_a_later_pass_draws_after_the_update():
    tr = vn.trace(Path(__file__).resolve().parents[2] / "examples" / "mazur_2_2_2.json")
    later = tr.at(len(tr) + 3)
    assert repr(later).startswith("pass 2 · forward — step 3 of 19")
    assert ">0.3925<" in tr.at(3).svg()          # net_h2 in the first pass
    assert ">0.3831<" in later.svg()              # and after the update
