"""The loss-surface panel's collaborators: the current point with its downhill arrow and
readout, and the marbles rolled from a start point by the chosen optimizers.

Mixed into ``SurfacePanel`` (``surface.py``), which owns the widgets, the surface and the
signals these methods use.
"""
from __future__ import annotations

import math

import numpy as np

from ...engine.surface import ANALYTIC, Evaluator, parameter_functions
from ..text import escape
from .marble import roll_all
from .source import current_params
from .style import fmt

NETWORK = "network"


class CurrentPoint:
    """The current parameters' point on the surface: its loss, gradient and readout."""
    def point(self) -> tuple[float, float]:
        if self.kind != NETWORK:
            return ANALYTIC[self.kind].start
        params = current_params(self.session)
        return params[self.surface.p1], params[self.surface.p2]

    def point_loss_and_gradient(self):
        """(loss, d loss / d (p1, p2)) at the current point, from the engine."""
        x, y = self.point()
        if self.kind != NETWORK:
            a = ANALYTIC[self.kind]
            g = a.gradient(np.array([x, y]))
            return float(a.value(np.array([x, y]))), (float(g[0]), float(g[1]))
        model = self.session.model
        with np.errstate(all="ignore"):
            ev = Evaluator(model, current_params(self.session), self._samples(model))
            g = ev.gradient()
            loss = ev.value()
        return loss, (float(g[ev.index(self.surface.p1)]), float(g[ev.index(self.surface.p2)]))

    def _stale_surface(self) -> bool:
        """Another network's surface (or a formula's) still shown while the new one is computed."""
        return self.kind == NETWORK and not {self.surface.p1, self.surface.p2} <= set(current_params(self.session))

    def _update_point(self):
        if self.surface is None:
            return
        if self._stale_surface():
            return
        x, y = self.point()
        self._point_params = current_params(self.session) if self.kind == NETWORK else {}
        loss, g = self.point_loss_and_gradient()
        self.point_loss, self.point_gradient = loss, g
        self.map.set_point(x, y, (-g[0], -g[1]))
        if self._view3d is not None:
            self._view3d.set_point(x, y, loss)
        if self.kind == NETWORK:
            s = self.surface
            where = f"<b>{escape(s.p1)}</b> = {fmt(x)}, <b>{escape(s.p2)}</b> = {fmt(y)}"
            dnames = (escape(f"∂L/∂{s.p1}"), escape(f"∂L/∂{s.p2}"))
        else:
            where = f"start ({fmt(x)}, {fmt(y)})"
            dnames = ("∂f/∂x", "∂f/∂y")
        self.info.setText(f"<qt>{where}<br>loss = <b>{fmt(loss, 6)}</b><br>"
                          f"{dnames[0]} = {fmt(g[0])}, {dnames[1]} = {fmt(g[1])}<br>"
                          "<span style='color:#e61e1e'>red arrow</span>: the way downhill, −gradient "
                          f"(its direction; steepness |∇| = {fmt(math.hypot(*g))})</qt>")


class MarbleRolling:
    """Marbles rolled from the start point (clicked, or the current point) and animated."""
    def _on_map_clicked(self, x, y):
        self._start_clicked = True
        self.start = (x, y)
        self.map.set_start(x, y)
        self.paths = {}
        self.race.set_paths({})
        self.marble.clear_losses()
        self.map.marbles.show_ghosts({})

    def again(self):
        """Roll again from the same start with the settings now, this run's paths kept dashed."""
        self.map.marbles.show_ghosts(self.paths)
        if self.paths and self.start is None:
            first = next(iter(self.paths.values()))[0]
            self.start = (float(first[0][0]), float(first[0][1]))
        self.roll(keep=True)

    def roll(self, keep: bool = False):
        """Compute every chosen optimizer's path from the start point, then animate."""
        if self.surface is None or self._stale_surface():
            return
        self.race.stop()
        if not keep:
            self.map.marbles.show_ghosts({})
        start = np.array(self.start if self.start is not None else self.point(), float)
        runs = self.marble.runs()
        steps = self.marble.steps.value()
        decay = self.marble.decay.value()
        # in the worker, with progress and Cancel: a huge step count never blocks the window
        if self.kind != NETWORK:
            a = ANALYTIC[self.kind]

            def work(job):
                return roll_all(a, a.value, start, runs, steps, job, decay)
        else:
            model = self.session.model
            s = self.surface
            params = dict(self._surface_params)
            samples = self._surface_samples

            def work(job):
                with np.errstate(all="ignore"):
                    f, grad = parameter_functions(model, s.p1, s.p2, params, samples)
                    return roll_all(grad, f, start, runs, steps, job, decay)

        self.marble_jobs.start(work, self._start_race, self._on_failed)

    def _start_race(self, paths):
        if paths is None:
            return
        self.paths = paths
        self.race.set_paths(paths)
        self.sigMarblesReady.emit()
        self.race.start(self.marble.interval.value())

    def _on_frame(self, k):
        self.map.marbles.show(self.paths, k)
        self.map.fit_legend()
        view = self._view3d
        for name, run in self.paths.items():
            path, losses = run[0], run[1]
            j = min(k, len(path) - 1)
            if view is not None:
                view.set_path(name, path[:j + 1, 0], path[:j + 1, 1],
                              losses[:j + 1] if losses is not None else np.zeros(j + 1))
            done = j == len(path) - 1
            self.marble.show_loss(name, j, None if losses is None else float(losses[j]), done)
            self.marble.show_memory(name, run, j)
        if not self.paths and view is not None and view.available:
            view.clear_paths()
