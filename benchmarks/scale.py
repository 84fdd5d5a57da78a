"""A big network in the stepper: [784, 64, 10] (about 51,000 edges).

    python benchmarks/scale.py           # offscreen; DISPLAY=:99 for a real X server

Measures, with seeded random weights:

- engine: ``trace.record`` of one sample, a fresh ``Stepper.state()`` (what
  opening a network costs the engine), and the step into the next pass;
- the graph view alone (``Session`` + ``GraphView``): from ``set_model`` to
  the first painted view, and to the edge image complete (edges of a big
  graph are drawn between events, a slice at a time);
- the whole stepper window (graph, equations, inspector, plot panels):
  ``show_model`` to the first painted window, and launching ``visualnn FILE``
  on the network saved as a file, to its first painted window;
- per step, from ``session.step()`` to the repainted view: a forward step
  of a hidden neuron (784 inputs), its activation, its backward step (785
  gradients), the update (recolours every edge; the edge image completes
  later, reported apart), and the first step of the next pass; at the zoom
  that fits the window and zoomed in so that labels show.

Targets: the graph view opens within 2 s; a step (to the repainted view)
within 100 ms.  ``results()`` returns the rows (``what``, ``ms``,
``target_ms`` where there is one).
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

SIZES = [784, 64, 10]
OPEN_TARGET_MS = 2000.0
STEP_TARGET_MS = 100.0
REPEAT = 3


def big_model(seed: int = 0):
    from view import layered_model
    return layered_model(SIZES, seed=seed)


def _app():
    from PySide6.QtWidgets import QApplication
    return QApplication.instance() or QApplication([])


def _ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000


# -- engine ------------------------------------------------------------------------------------
def engine_rows(model) -> list[dict]:
    from visualnn.engine.trace import Stepper, record
    sample = model.samples()[0]
    rec = []
    for _ in range(REPEAT):
        t = time.perf_counter()
        record(model.graph, model.params, sample)
        rec.append(_ms(t))
    fresh = []
    for _ in range(REPEAT):
        st = Stepper(model.graph, model.params, model.samples())
        t = time.perf_counter()
        st.state()
        fresh.append(_ms(t))
    st.seek(st.cycle_length)
    t = time.perf_counter()
    st.step()
    nxt = _ms(t)
    return [{"what": "engine: trace.record, one sample", "ms": statistics.median(rec)},
            {"what": "engine: Stepper(...).state(), fresh (opening)", "ms": statistics.median(fresh)},
            {"what": "engine: Stepper.step() into the next pass", "ms": nxt}]


# -- the graph view --------------------------------------------------------------------------------
def _settle(app, view, t0: float | None = None):
    """Repaint the view now and run the posted events; with ``t0`` also wait
    for the edge image, returning ms since ``t0`` when it is complete."""
    view.viewport().repaint()
    app.processEvents()
    if t0 is None:
        return None
    while view.edges_pending:
        app.processEvents()
    return _ms(t0)


def _step_index(session, phase: str, node: str) -> int:
    for s in session.steps_of_cycle(0):
        if s.phase == phase and s.node == node:
            return s.index
    raise LookupError(f"no {phase} step of {node}")


def time_step(app, session, view, position: int) -> tuple[float, float]:
    """(ms to the repainted view, ms until the edge image is complete) for the step after ``position``."""
    session.seek(position)
    _settle(app, view, time.perf_counter())
    t = time.perf_counter()
    session.step()
    _settle(app, view)
    first = _ms(t)
    done = _settle(app, view, t)
    return first, done


def view_rows(model) -> list[dict]:
    from visualnn.ui.graph_view import GraphView
    from visualnn.ui.session import Session
    app = _app()
    import pyqtgraph  # noqa: F401  (imported by the window anyway; not part of opening a network)
    rows = []
    opens, completes = [], []
    for _ in range(REPEAT):
        t = time.perf_counter()
        s = Session()
        s.set_model(model.copy())
        v = GraphView(s)
        v.resize(1400, 800)
        v.show()
        _settle(app, v)
        opens.append(_ms(t))
        completes.append(_settle(app, v, t))
        v.close()
        v.deleteLater()
        app.processEvents()
    rows.append({"what": "graph view: open to first paint", "ms": statistics.median(opens),
                 "target_ms": OPEN_TARGET_MS})
    rows.append({"what": "graph view: open to every edge drawn", "ms": statistics.median(completes)})

    s = Session()
    s.set_model(model.copy())
    v = GraphView(s)
    v.resize(1400, 800)
    v.show()
    _settle(app, v, time.perf_counter())
    L = s.cycle_length
    cases = [("forward, hidden neuron (784 inputs)", _step_index(s, "forward", "net_h1_7")),
             ("forward, its activation", _step_index(s, "forward", "out_h1_7")),
             ("backward, hidden neuron (785 gradients)", _step_index(s, "backward", "net_h1_7")),
             ("update (recolours every edge)", L - 1),
             ("first step of the next pass", L)]
    for zoom in ("fit", "zoomed in"):
        if zoom == "zoomed in":
            v.zoom(1.0 / v.transform().m11())
            box = v.layout_info.boxes["net_h1_7"]
            v.centerOn(box.x - 300, box.y)
            _settle(app, v, time.perf_counter())
        for name, pos in cases:
            # warm once (the pass's steps are cached after their first use), then measure
            time_step(app, s, v, pos)
            runs = [time_step(app, s, v, pos) for _ in range(REPEAT)]
            rows.append({"what": f"step ({zoom}): {name}", "ms": statistics.median(r[0] for r in runs),
                         "target_ms": STEP_TARGET_MS})
            if name.startswith("update"):
                rows.append({"what": f"step ({zoom}): update, until the recoloured edges are drawn",
                             "ms": statistics.median(r[1] for r in runs)})
    v.close()
    v.deleteLater()
    app.processEvents()
    return rows


# -- the whole window ----------------------------------------------------------------------------------
def window_rows(model) -> list[dict]:
    from PySide6.QtCore import QSettings
    from visualnn.ui.main_window import MainWindow
    app = _app()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        win = MainWindow(settings=QSettings(str(Path(tmp) / "bench.ini"), QSettings.IniFormat))
        win.resize(1600, 1000)
        win.show()
        app.processEvents()
        t = time.perf_counter()
        win.show_model(model.copy())
        win.view.viewport().repaint()
        app.processEvents()
        rows.append({"what": "stepper window (with plot panels): show_model to first paint", "ms": _ms(t)})
        s = win.session
        for name, phase, node in (("forward, hidden neuron", "forward", "net_h1_7"),
                                  ("backward, hidden neuron", "backward", "net_h1_7")):
            pos = _step_index(s, phase, node)
            time_step(app, s, win.view, pos)
            runs = [time_step(app, s, win.view, pos)[0] for _ in range(REPEAT)]
            rows.append({"what": f"stepper window step: {name}", "ms": statistics.median(runs)})
        pos = s.cycle_length - 1
        time_step(app, s, win.view, pos)
        runs = [time_step(app, s, win.view, pos)[0] for _ in range(REPEAT)]
        rows.append({"what": "stepper window step: update", "ms": statistics.median(runs)})
        s.mark_saved()
        win.close()
        win.deleteLater()
        app.processEvents()
    return rows


def launch_ms(model) -> float:
    """ms from starting ``visualnn FILE`` (the network saved as a file) to its first painted window."""
    from visualnn.io import Document, save
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.json"
        save(Document(model=model.copy()), path)
        code = (
            "import sys, time, tempfile\n"
            "from PySide6.QtCore import QObject, QEvent, QTimer, QSettings\n"
            "from PySide6.QtWidgets import QApplication\n"
            "app = QApplication([])\n"
            "QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, tempfile.mkdtemp())\n"
            "from visualnn.app import create_window\n"
            "class F(QObject):\n"
            "    def eventFilter(self, o, e):\n"
            "        if e.type() == QEvent.Paint:\n"
            "            QTimer.singleShot(0, lambda: (print(time.time(), flush=True), app.quit()))\n"
            "        return False\n"
            "w = create_window(sys.argv[1])\n"
            "f = F(); w.view.viewport().installEventFilter(f)\n"
            "w.show()\n"
            "app.exec()\n"
        )
        t0 = time.time()
        out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=600,
                             cwd=str(ROOT), env=dict(os.environ))
        lines = [x for x in out.stdout.split() if x.strip()]
        if out.returncode != 0 or not lines:
            raise RuntimeError(f"the app did not paint: {out.stderr[-2000:]}")
        return (float(lines[-1]) - t0) * 1000


def results(window: bool = True) -> list[dict]:
    """Every row: engine, graph view, steps, and (``window``) the whole window and a launch."""
    model = big_model()
    edges = sum(1 for _ in model.graph.edges())
    rows = [{"what": f"network: {SIZES}, {len(model.graph.nodes):,} nodes, {edges:,} edges", "ms": None}]
    rows += engine_rows(model)
    rows += view_rows(model)
    if window:
        rows += window_rows(model)
        rows.append({"what": "launch `visualnn FILE` to first painted window", "ms": launch_ms(model)})
    return rows


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    rows = results(window="--view-only" not in argv)
    print(f"platform: {os.environ.get('QT_QPA_PLATFORM') or 'default'}"
          f"{'  DISPLAY=' + os.environ['DISPLAY'] if os.environ.get('DISPLAY') else ''}"
          f"  load average: {os.getloadavg()[0]:.2f}")
    print(f"{'what':<66}{'ms':>10}{'target':>10}")
    ok = True
    for r in rows:
        ms, target = r.get("ms"), r.get("target_ms")
        verdict = ""
        if target is not None:
            verdict = "PASS" if ms <= target else "MISS"
            ok = ok and ms <= target
        print(f"{r['what']:<66}{'' if ms is None else f'{ms:10.1f}':>10}"
              f"{'' if target is None else f'{target:10.0f}':>10}  {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
