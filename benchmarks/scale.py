"""A big network in the app: [784, 64, 10] (50,890 weights and biases).

    python benchmarks/scale.py           # uses $DISPLAY, or starts Xvfb (with GLX) when there is none
    python benchmarks/scale.py --engine-only

With seeded random weights:

- engine alone: ``trace.record`` of one sample; a fresh ``Stepper.state()``
  (what opening costs the engine); the states Left, End and Home ask for,
  each the first time (cold);
- the window a user starts (``MainWindow`` as shipped, on a real X server,
  ``realwin``) on the network saved as a file: open to first paint and to
  every edge drawn; then, from key press to repainted window
  (``view.measure``), Right over at least 20 steps (median, p90) and the
  cold paths: the first step of a new pass, Left after stepping, Left after
  End, End from mid-pass, Home.

Targets (issue 10): Right ≤ 25 ms; Left ≤ 33 ms, End ≤ 50 ms, the first
step of a new pass ≤ 100 ms.  ``results()`` returns the rows.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

SIZES = [784, 64, 10]
STEP_TARGET_MS = 25.0
LEFT_TARGET_MS = 33.0
END_TARGET_MS = 50.0
NEW_PASS_TARGET_MS = 100.0
REPEAT = 3


def big_model(seed: int = 0):
    from view import layered_model
    return layered_model(SIZES, seed=seed)


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
    fresh, left, end, home = [], [], [], []
    for _ in range(REPEAT):
        st = Stepper(model.graph, model.params, model.samples())
        t = time.perf_counter()
        st.state()
        fresh.append(_ms(t))
        L = st.cycle_length
        for _ in range(L - 2):
            st.step()
        t = time.perf_counter()
        st.back()                       # after stepping: undone in place
        left.append(_ms(t))
        t = time.perf_counter()
        st.end()                        # never ended: folded from a snapshot
        end.append(_ms(t))
        t = time.perf_counter()
        st.reset()
        home.append(_ms(t))
    label = "[784,64,10] engine alone"
    return [{"what": f"{label}: trace.record, one sample", "ms": statistics.median(rec)},
            {"what": f"{label}: Stepper(...).state(), fresh (opening)", "ms": statistics.median(fresh)},
            {"what": f"{label}: Stepper.back() after stepping (cold)", "ms": statistics.median(left)},
            {"what": f"{label}: Stepper.end() from the pass's second-to-last step (cold)",
             "ms": statistics.median(end)},
            {"what": f"{label}: Stepper.reset() (cold)", "ms": statistics.median(home)}]


# -- the window ---------------------------------------------------------------------------------
def window_rows(model) -> list[dict]:
    """The window a user starts on the network saved as a file: open to first paint, then
    ``view.measure`` (steady Right, cold paths), key press to repainted window."""
    import realwin
    from view import measure, rows_for

    from visualnn.io import Document, save
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.json"
        save(Document(model=model.copy()), path)
        realwin.app()
        t = time.perf_counter()
        win = realwin.open_window(path=path)
        opened = _ms(t)
        realwin.settle(win)
        drawn = _ms(t)
    edges = sum(1 for _ in win.session.graph.edges())
    rows = [{"what": f"[784,64,10], {edges:,} edges: open FILE in the window to first paint", "ms": opened},
            {"what": f"[784,64,10], {edges:,} edges: open FILE to every edge drawn", "ms": drawn}]
    rows += rows_for("[784,64,10]", edges, measure(win), {
        "Right": (STEP_TARGET_MS, None), "Left after stepping": (LEFT_TARGET_MS, None),
        "Left after End": (LEFT_TARGET_MS, None), "End (cold)": (END_TARGET_MS, None),
        "first step of a new pass": (NEW_PASS_TARGET_MS, None)})
    realwin.close(win)
    for r in rows:
        r["conditions"] = realwin.conditions()
    return rows


def results(window: bool = True) -> list[dict]:
    """Every row: the engine alone, and (``window``) the window a user starts."""
    model = big_model()
    rows = engine_rows(model)
    if window:
        rows += window_rows(model)
    return rows


def main(argv=None) -> int:
    import realwin
    argv = sys.argv[1:] if argv is None else argv
    return realwin.report(results(window="--engine-only" not in argv))


if __name__ == "__main__":
    sys.exit(main())
