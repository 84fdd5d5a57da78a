"""Do the stuck-unit flags and the neuron pictures slow a step?

    python benchmarks/inside.py          # offscreen; DISPLAY=:99 for a real X server

The step timing of ``benchmarks/view.py`` (the real window, from
``session.step()`` to the repainted viewport, two whole passes with an update
each), run with the graph's overlays (``InsideOverlays``: flags and neuron
pictures) on and off.  The overlays recompute only when the weights in effect
change (an update step), debounced and off the GUI thread for the pictures, so
the steady pass should match.  Target: the median step within one 60 Hz frame
(16.7 ms) with the overlays on, as view.py asks of the window.  Also: one
overlay refresh (flags + picture grids) timed alone.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from view import FRAME_MS, _mazur, layered_model, time_steps  # noqa: E402


def _overlays(on: bool):
    from visualnn.ui import inside_items
    init = inside_items.InsideOverlays.__init__

    def patched(self, view):
        init(self, view)
        self.flags_shown = self.pictures_shown = on
    inside_items.InsideOverlays.__init__ = patched
    return lambda: setattr(inside_items.InsideOverlays, "__init__", init)


def refresh_cost(model, repeat: int = 30) -> list[float]:
    """ms of one diagnosis plus the picture grids of every neuron (what a refresh computes)."""
    from visualnn.engine.diagnosis import diagnose
    from visualnn.engine.inside import neuron_grids
    from visualnn.ui.inside_items import PICTURE_N
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        diagnose(model, model.params)
        neuron_grids(model, model.params, n=PICTURE_N)
        out.append((time.perf_counter() - t) * 1000)
    return out


def _p90(xs):
    return sorted(xs)[int(0.9 * (len(xs) - 1))]


def main() -> int:
    ok = True
    print(f"{'network':>14} {'overlays':>8} {'median ms':>10} {'p90 ms':>8} {'max ms':>8}  target {FRAME_MS:.1f} ms")
    for name, make in (("2-2-2", _mazur), ("2-16-16-1", lambda: layered_model([2, 16, 16, 1]))):
        for on in (False, True):
            restore = _overlays(on)
            try:
                runs, _ = time_steps(make(), plots=True)
            finally:
                restore()
            wall = runs[-1][0]
            med = statistics.median(wall)
            print(f"{name:>14} {'on' if on else 'off':>8} {med:10.2f} {_p90(wall):8.2f} {max(wall):8.2f}")
            ok = ok and med <= FRAME_MS
        cost = refresh_cost(make())
        print(f"{name:>14} refresh (flags + pictures, worker side): median {statistics.median(cost):.2f} ms, "
              f"p90 {_p90(cost):.2f} ms")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
