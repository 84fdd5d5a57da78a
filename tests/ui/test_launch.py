"""Launch does only what the first window shows (structure, not timing: the
times are in benchmarks/launch.py)."""
import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from visualnn.ui.graph_view import GraphView
from visualnn.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
DIALOG_MODULES = ("visualnn.ui.export", "visualnn.ui.export_dialog", "visualnn.ui.present", "visualnn.ui.help",
                  "visualnn.ui.new_network", "visualnn.ui.data_choices", "visualnn.ui.import_data",
                  "visualnn.ui.model_files", "visualnn.convert", "visualnn.engine.handout")


def _after_launch(then: str = "", report: str = f"[m for m in {DIALOG_MODULES!r} if m in sys.modules]"):
    """``report`` (a Python expression) once ``visualnn`` has painted its first window and ``then`` ran;
    ``before`` in it: the modules loaded once the window's modules were imported, as ``visualnn`` imports them."""
    script = ("import sys, json, tempfile\n"
              "import visualnn.cli, visualnn.app\n"
              "before = set(sys.modules)\n"
              "from PySide6.QtCore import QSettings, QTimer\n"
              "from PySide6.QtWidgets import QApplication\n"
              "QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, tempfile.mkdtemp())\n"
              "def after_first_paint():\n"
              "    win = next(w for w in QApplication.topLevelWidgets() if hasattr(w, 'session'))\n"
              f"    {then or 'pass'}\n"
              f"    print(json.dumps({report}))\n"
              "    win.session.mark_saved()\n"
              "    QApplication.instance().quit()\n"
              "QApplication.exec_first = QApplication.exec\n"
              "QApplication.exec = lambda *a: (QTimer.singleShot(200, after_first_paint), "
              "QApplication.exec_first())[1]\n"
              "sys.exit(visualnn.cli.main([]))\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120,
                         cwd=str(ROOT))
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_launching_loads_none_of_the_dialogs_behind_the_menus():
    assert _after_launch() == []


def test_nothing_is_imported_between_the_window_modules_and_the_first_paint():
    """(PySide6 reads the source of every module imported after it: numpy.ma, which NumPy
    loads while the first window is drawn, comes before Qt.)"""
    assert _after_launch(report="sorted(set(sys.modules) - before)") == []


def test_a_menu_dialog_is_loaded_when_its_item_is_first_used():
    loaded = _after_launch("win.keys_action.trigger(); [d.close() for d in QApplication.topLevelWidgets() "
                                  "if d.isVisible() and d is not win]")
    assert "visualnn.ui.help" in loaded and "visualnn.ui.export" not in loaded and "visualnn.convert" not in loaded


def test_launching_lays_the_graph_out_once_at_the_size_it_is_shown(qtbot, dialogs, monkeypatch):
    from visualnn import app as vapp
    built = []
    rebuild = GraphView.rebuild

    def counted(view):
        if view.session.model is not None:
            built.append(view.viewport().size().toTuple())
        rebuild(view)
    monkeypatch.setattr(GraphView, "rebuild", counted)
    windows = []
    monkeypatch.setattr(QApplication, "exec", lambda *a: windows.extend(
        w for w in QApplication.topLevelWidgets() if w.isVisible() and isinstance(w, MainWindow)) or 0)
    assert vapp.run() == 0
    win = windows[0]
    qtbot.addWidget(win)
    qtbot.waitExposed(win)
    for _ in range(5):
        QApplication.processEvents()
    # once (not first at the unshown window's size and again when shown), at about its final size
    # (the Network toolbar grows a few pixels when its combo boxes come)
    (w, h), = built
    final = win.view.viewport().size()
    assert w == final.width() and abs(h - final.height()) <= 0.02 * final.height()
    assert win.session.path.name == "mazur_2_2_2.json" and win.isVisible()
    assert not win.testAttribute(Qt.WA_DontShowOnScreen)          # laid out off screen, then put on it
    win.session.mark_saved()
