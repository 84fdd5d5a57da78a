"""Do the stuck-unit flags and the neuron pictures slow a step?

    python benchmarks/inside.py      # uses $DISPLAY, or starts Xvfb when there is none

The window as shipped (``realwin``), key press to repaint (``view.measure``:
steady Right, the update step among them), with the graph's overlays
(``InsideOverlays``: flags and neuron pictures, on by default) on and off,
for the 2-2-2 example and a two-input [2,16,16,1] network (the pictures of
33 neurons).  The overlays recompute only when the weights in effect change
(an update step), debounced, the pictures off the GUI thread and only for the
neurons in view.  Targets (issue 10's, with the overlays on): Right median
≤ 16.7 ms, 2-2-2 p90 ≤ 25 ms.  Also: what one refresh computes (diagnosis and
every neuron's picture grid), timed alone; reported as median and p90.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import realwin  # noqa: E402
from view import FRAME_MS, layered_model, measure  # noqa: E402


def _overlays(on: bool):
    """Windows made from now on start with the overlays ``on`` (or off); returns the undo."""
    from visualnn.ui import inside_items
    init = inside_items.InsideOverlays.__init__

    def patched(self, view):
        init(self, view)
        self.flags_shown = self.pictures_shown = on
    inside_items.InsideOverlays.__init__ = patched
    return lambda: setattr(inside_items.InsideOverlays, "__init__", init)


def refresh_ms(model, repeat: int = 30) -> list[float]:
    """ms of one diagnosis plus every neuron's picture grid (what a refresh computes)."""
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


def results() -> list[dict]:
    realwin.ensure_display()
    from visualnn.io import examples_dir
    rows = []
    nets = (("2-2-2", lambda: {"path": examples_dir() / "mazur_2_2_2.json"}, (FRAME_MS, 25.0)),
            ("[2,16,16,1]", lambda: {"model": layered_model([2, 16, 16, 1])}, (FRAME_MS, None)))
    for label, kw, (median, p90) in nets:
        for on in (False, True):
            restore = _overlays(on)
            try:
                win = realwin.open_window(**kw())
            finally:
                restore()
            r = {"what": f"{label}: Right → repainted, overlays {'on' if on else 'off'}",
                 **realwin.stats(measure(win)["Right"])}
            if on:
                r["target_ms"], r["target_p90_ms"] = median, p90
                r["ok"] = r["median_ms"] <= median and (p90 is None or r["p90_ms"] <= p90)
            rows.append(r)
            model = win.session.model
            realwin.close(win)
        rows.append({"what": f"{label}: one overlay refresh (diagnosis + every picture), worker side",
                     **realwin.stats(refresh_ms(model))})
    for r in rows:
        r["conditions"] = realwin.conditions()
    return rows


def main() -> int:
    return realwin.report(results())


if __name__ == "__main__":
    sys.exit(main())
