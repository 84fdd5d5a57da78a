"""Speed of the stepper window: from a step command to the repainted window.

    python benchmarks/view.py            # offscreen; DISPLAY=:99 for a real X server

For each network the real MainWindow (graph, equation panel, inspector,
controls) steps through one whole pass (forward, loss, backward, update);
each step is timed from ``session.step()`` until the graph's viewport has
repainted and every posted paint of the window is done
(``viewport().repaint()`` then ``QApplication.processEvents()``).
Targets: the median step of the 2-2-2 and [2,16,16,1] networks within one
60 Hz frame (16.7 ms); [64,64,64,10] (~8,900 edges) reported against the
same frame.  Also: time from launching ``visualnn`` to its first painted
window.  ``results()`` returns the rows.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

FRAME_MS = 1000 / 60
LAUNCH_TARGET_S = 3.0


def layered_model(sizes, seed=0):
    """A fully connected sigmoid network of ``sizes`` with seeded random weights."""
    from visualnn.engine import Dataset, Layer, LayeredSpec, Model, TrainingSettings, compile_layered
    from visualnn.engine.network import auto_names
    rng = np.random.default_rng(seed)
    inputs, layers = auto_names(sizes)
    spec_layers, prev, params = [], inputs, {}
    for li, neurons in enumerate(layers, start=1):
        rows = []
        for n in neurons:
            row = [f"w{li}_{n}_{j}" for j in range(len(prev))]
            rows.append(row)
            params.update({w: float(rng.normal(0, 1 / np.sqrt(len(prev)))) for w in row})
            params[f"b_{n}"] = float(rng.normal(0, 0.1))
        spec_layers.append(Layer(neurons, "sigmoid", rows, [f"b_{n}" for n in neurons]))
        prev = neurons
    targets = [f"t_{n}" for n in layers[-1]]
    spec = LayeredSpec(inputs, spec_layers, "squared_error", targets)
    cols = {x: rng.uniform(-1, 1, 1) for x in inputs}
    cols.update({t: rng.uniform(0, 1, 1) for t in targets})
    return Model("-".join(map(str, sizes)), compile_layered(spec), params, spec, Dataset(cols),
                 TrainingSettings(learning_rate=0.5))


def _mazur():
    from visualnn.io import examples_dir, load
    return load(examples_dir() / "mazur_2_2_2.json").model


def _app():
    from PySide6.QtWidgets import QApplication
    return QApplication.instance() or QApplication([])


def time_steps(model, max_steps=None):
    """Milliseconds per step over one whole pass, in the real window."""
    import tempfile

    from PySide6.QtCore import QSettings
    app = _app()
    from visualnn.ui.main_window import MainWindow
    with tempfile.TemporaryDirectory() as tmp:
        win = MainWindow(settings=QSettings(str(Path(tmp) / "bench.ini"), QSettings.IniFormat))
        win.resize(1600, 1000)
        win.show()
        win.show_model(model)
        app.processEvents()
        s, vp = win.session, win.view.viewport()
        n = s.cycle_length if max_steps is None else min(max_steps, s.cycle_length)
        times = []
        for _ in range(n):
            t = time.perf_counter()
            s.step()
            vp.repaint()
            app.processEvents()
            times.append((time.perf_counter() - t) * 1000)
        edges = sum(1 for _ in s.graph.edges())
        win.session.mark_saved()
        win.close()
        win.deleteLater()
        app.processEvents()
    return times, edges


def time_to_first_paint() -> float:
    """Seconds from starting the ``visualnn`` process to its first painted graph."""
    code = (
        "import time, sys\n"
        "from PySide6.QtCore import QObject, QEvent, QTimer, QSettings\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "import tempfile\n"
        "QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, tempfile.mkdtemp())\n"
        "from visualnn.app import create_window\n"
        "class F(QObject):\n"
        "    def eventFilter(self, o, e):\n"
        "        if e.type() == QEvent.Paint:\n"
        "            QTimer.singleShot(0, lambda: (print(time.time(), flush=True), app.quit()))\n"
        "        return False\n"
        "w = create_window(None)\n"
        "f = F(); w.view.viewport().installEventFilter(f)\n"
        "w.show()\n"
        "app.exec()\n"
    )
    t0 = time.time()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=str(ROOT), env=dict(os.environ))
    lines = [l for l in out.stdout.split() if l.strip()]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"the app did not paint: {out.stderr[-2000:]}")
    return float(lines[-1]) - t0


NETWORKS = [("2-2-2 (mazur)", _mazur, True), ("2-16-16-1", lambda: layered_model([2, 16, 16, 1]), True),
            ("64-64-64-10", lambda: layered_model([64, 64, 64, 10]), False)]


def results() -> list[dict]:
    rows = []
    for name, make, strict in NETWORKS:
        times, edges = time_steps(make())
        med = statistics.median(times)
        rows.append({"network": name, "edges": edges, "steps": len(times), "median_ms": med,
                     "p90_ms": float(np.percentile(times, 90)), "max_ms": max(times),
                     "target_ms": FRAME_MS, "strict": strict, "pass": med <= FRAME_MS})
    launch = time_to_first_paint()
    rows.append({"network": "launch to first paint", "edges": None, "steps": None, "median_ms": launch * 1000,
                 "p90_ms": None, "max_ms": None, "target_ms": LAUNCH_TARGET_S * 1000, "strict": False,
                 "pass": launch <= LAUNCH_TARGET_S})
    return rows


def main() -> int:
    rows = results()
    print(f"platform: {os.environ.get('QT_QPA_PLATFORM') or 'default'}"
          f"{' DISPLAY=' + os.environ['DISPLAY'] if os.environ.get('DISPLAY') else ''}")
    print(f"{'network':<24}{'edges':>7}{'steps':>7}{'median ms':>11}{'p90 ms':>9}{'max ms':>9}{'target':>9}  result")
    for r in rows:
        f = lambda v: "" if v is None else f"{v:.1f}"
        verdict = "PASS" if r["pass"] else ("MISS" if r["strict"] else "MISS (reported)")
        print(f"{r['network']:<24}{f(r['edges'] if r['edges'] is None else float(r['edges'])).replace('.0', ''):>7}"
              f"{'' if r['steps'] is None else r['steps']:>7}{f(r['median_ms']):>11}{f(r['p90_ms']):>9}"
              f"{f(r['max_ms']):>9}{r['target_ms']:>9.1f}  {verdict}")
    return 0 if all(r["pass"] for r in rows if r["strict"]) else 1


if __name__ == "__main__":
    sys.exit(main())
