"""Screenshots of building a network in the app (issue 13), at 1366x768:

    python docs/screenshots_build.py      # offscreen; DISPLAY=:N for a real X server

Writes docs/screenshot-new-network.png (File > New network…),
docs/screenshot-edited-network.png (a neuron and a ReLU layer added on the
graph, its right-click menu open) and docs/screenshot-import-data.png
(File > Import data… with a bad row named by its line).
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
SIZE = (1366, 768)
CSV = ("petal_length,petal_width,species,is_virginica\n5.1,1.9,virginica,1\n1.4,0.2,setosa,0\n"
       "4.7,1.4,versicolor,0\n6.0,2.5,virginica,1\n5.5,n/a,virginica,1\n1.3,0.3,setosa,0\n4.5,1.5,versicolor,0\n")


def _settle(app, n=30):
    for _ in range(n):
        app.processEvents()


def main() -> int:
    from PySide6.QtCore import QPoint, QSettings
    from PySide6.QtGui import QPainter
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from visualnn.app import create_window
    from visualnn.ui.import_data import import_data_file
    settings = QSettings(str(ROOT / "docs" / ".screenshots.ini"), QSettings.IniFormat)
    settings.clear()
    w = create_window(None, settings=settings)
    w.resize(*SIZE)
    w.show()
    _settle(app)
    d = w.new_network()
    d.data.dataset.setCurrentIndex(d.data.dataset.findData("circles"))
    d.data.samples.setValue(200)
    d.data.noise.setValue(0.05)
    d.data.test_ratio.setValue(0.2)
    d.data.features["x1²"].setChecked(True)
    d.data.features["x2²"].setChecked(True)
    d.hidden.add_layer(2, "relu")
    d.init.setCurrentIndex(d.init.findData("he"))
    d.adjustSize()
    _settle(app)
    d.grab().save(str(ROOT / "docs" / "screenshot-new-network.png"))
    d.reject()

    d = w.new_network()
    d.accept()
    core = w.session.core
    core.edit_architecture("add_neuron", 0)
    core.edit_architecture("add_layer", 1, 2, "relu")
    core.set_frozen("w_x1_h1_1", True)
    for _ in range(12):
        w.session.step()
    w.view.fit()
    _settle(app)
    shot = w.grab()
    menu = w.graph_menu("out_h1_3")
    at = w.view.mapTo(w, w.view.view_pos_of("out_h1_3")) + QPoint(30, 10)
    menu.popup(w.mapToGlobal(at))
    _settle(app)
    painter = QPainter(shot)
    painter.drawPixmap(at, menu.grab())
    painter.end()
    menu.close()
    shot.save(str(ROOT / "docs" / "screenshot-edited-network.png"))

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "iris_petals.csv"
        path.write_text(CSV, encoding="utf-8")
        dialog = import_data_file(w, str(path))
        dialog.roles[2].setCurrentText("ignore")
        _settle(app)
        dialog.grab().save(str(ROOT / "docs" / "screenshot-import-data.png"))
        dialog.reject()
    w.session.mark_saved()
    w.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
