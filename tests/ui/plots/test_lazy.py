"""What is not on screen costs nothing: plot panels, the 3-D view and their
imports are made when first shown (structure, not timing)."""
import json
import os
import subprocess
import sys
from pathlib import Path

from visualnn.ui.plots.adaptive import LazyPanel
from visualnn.ui.plots.surface3d import Surface3DView
from visualnn.ui.plots.worker import stop_all

ROOT = Path(__file__).resolve().parents[3]


def _run(script: str) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120,
                         cwd=str(ROOT))
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_closed_plot_panel_is_not_built_until_its_dock_is_shown(qtbot, window):
    assert window.plot_panels.created() == {}
    assert window.findChildren(LazyPanel) == []
    dock = window.docks["Training"]
    dock.toggleViewAction().trigger()
    qtbot.waitUntil(lambda: "Training" in window.plot_panels.created())
    panel = window.plot_panels.created()["Training"]
    assert dock.widget() is panel and set(window.plot_panels.created()) == {"Training"}
    stop_all()


def test_the_3d_view_does_not_exist_until_its_tab_is_shown(qtbot, window):
    dock = window.docks["Loss surface"]
    dock.toggleViewAction().trigger()
    dock.raise_()
    panel = window.plot_panels["Loss surface"]
    qtbot.waitUntil(lambda: panel.surface is not None and not panel.busy, timeout=10000)
    assert window.findChildren(Surface3DView) == []
    panel.tabs.setCurrentIndex(1)
    views = window.findChildren(Surface3DView)
    assert len(views) == 1 and views[0] is panel.view3d
    stop_all()


def test_importing_the_command_line_loads_no_qt_pyqtgraph_or_networkx():
    loaded = _run("import sys, json, visualnn, visualnn.cli\n"
                  "print(json.dumps([m for m in ('PySide6', 'pyqtgraph', 'networkx') if m in sys.modules]))")
    assert loaded == []


def test_checking_a_file_from_the_command_line_loads_no_qt():
    loaded = _run("import sys, json, contextlib, io\n"
                  "from visualnn.cli import main\n"
                  "with contextlib.redirect_stdout(io.StringIO()):\n"
                  "    code = main(['check', 'examples/mazur_2_2_2.json'])\n"
                  "print(json.dumps([code] + [m for m in ('PySide6', 'pyqtgraph') if m in sys.modules]))")
    assert loaded == [0]


def test_the_window_with_its_panels_closed_loads_no_plot_panel_pyqtgraph_networkx_or_opengl():
    loaded = _run("import sys, json\n"
                  "from PySide6.QtWidgets import QApplication\n"
                  "app = QApplication([])\n"
                  "from visualnn.app import create_window\n"
                  "from PySide6.QtCore import QSettings\n"
                  "import tempfile\n"
                  "QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, tempfile.mkdtemp())\n"
                  "win = create_window()\n"
                  "win.show()\n"
                  "for _ in range(5): app.processEvents()\n"
                  "win.session.step()\n"
                  "app.processEvents()\n"
                  "mods = ('pyqtgraph', 'networkx', 'OpenGL', 'visualnn.ui.plots.surface', 'visualnn.ui.plots.training',\n"
                  "        'visualnn.ui.plots.activation', 'visualnn.ui.plots.oned')\n"
                  "print(json.dumps([m for m in mods if m in sys.modules]))")
    assert loaded == []


def test_the_window_shown_again_keeps_the_panel_just_opened(qtbot, window):
    """Qt shows the window again when the 3-D view's OpenGL first joins it: the
    panel the user opened stays open."""
    from PySide6.QtGui import QShowEvent
    dock = window.docks["Loss surface"]
    dock.toggleViewAction().trigger()
    qtbot.waitUntil(dock.isVisible)
    window.showEvent(QShowEvent())
    qtbot.wait(50)
    assert dock.isVisible()
    stop_all()
