"""The training panel's two plots: the train and test loss curves, and (two inputs) the
decision map under the data points.

Mixed into ``TrainingPanel`` (``training.py``), which owns the run, its history and the
weights; it decides when the map is recomputed (``decision_grid``) and these methods draw it.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from ...engine.features import plane_inputs
from ...engine.plotting_data import label_range, shown_samples
from .style import BACKGROUND, BOUNDARY_CMAP, CLASS_CMAP, TEST_PEN, TRAIN_PEN, fmt, style_plot

SHOWN_MAX = 16384         # points a loss curve gets at most: a longer history is drawn every 2nd, 4th, ... epoch


class Series:
    """A curve's points in NumPy chunks: the first grows by doubling up to ``CHUNK``
    points, then whole chunks are added, so appending a batch costs the batch and
    never a copy of a long history (a 10-million-epoch run doubling one buffer
    copied 128 MB in one frame). Keeps the smallest and largest positive finite y,
    for the plot's frame."""

    CHUNK = 1 << 20

    def __init__(self):
        self._x: list[np.ndarray] = [np.empty(1024)]
        self._y: list[np.ndarray] = [np.empty(1024)]
        self._full = 0              # points in the chunks before the last
        self.n = 0
        self.y_lo = self.y_hi = np.nan

    def _room(self) -> tuple[np.ndarray, np.ndarray, int]:
        """The last chunk with free room (grown or added), and where its free room starts."""
        x, y = self._x[-1], self._y[-1]
        used = self.n - self._full
        if used < len(x):
            return x, y, used
        if len(x) < self.CHUNK:      # still small: double it (a copy of at most CHUNK / 2 points)
            for chunks, old in ((self._x, x), (self._y, y)):
                grown = np.empty(2 * len(old))
                grown[:used] = old
                chunks[-1] = grown
        else:
            self._full += used
            self._x.append(np.empty(self.CHUNK))
            self._y.append(np.empty(self.CHUNK))
        return self._room()

    def extend(self, xs, ys):
        xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
        done = 0
        while done < len(xs):
            x, y, at = self._room()
            k = min(len(xs) - done, len(x) - at)
            x[at:at + k] = xs[done:done + k]
            y[at:at + k] = ys[done:done + k]
            self.n += k
            done += k
        new = ys[np.isfinite(ys) & (ys > 0)]
        if len(new):
            self.y_lo = np.fmin(self.y_lo, new.min())
            self.y_hi = np.fmax(self.y_hi, new.max())

    def clear(self):
        self.__init__()

    def last(self) -> tuple[float, float]:
        """The last point (x, y); the series must not be empty."""
        k = self.n - self._full - 1
        return float(self._x[-1][k]), float(self._y[-1][k])

    def _take(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The points at the indices ``idx`` (sorted), gathered from their chunks."""
        starts = np.cumsum([0] + [len(c) for c in self._x[:-1]])
        which = np.searchsorted(starts, idx, side="right") - 1
        xs, ys = np.empty(len(idx)), np.empty(len(idx))
        for c in np.unique(which):
            sel = which == c
            xs[sel] = self._x[c][idx[sel] - starts[c]]
            ys[sel] = self._y[c][idx[sel] - starts[c]]
        return xs, ys

    def values(self) -> tuple[np.ndarray, np.ndarray]:
        return self._take(np.arange(self.n))

    def show_on(self, curve):
        """Give ``curve`` the points, at most about ``SHOWN_MAX`` of them (every ``stride``-th
        and the last), so a redraw costs the same after a million epochs as after ten thousand."""
        stride = 1
        while self.n > stride * SHOWN_MAX:
            stride *= 2             # a power of two: the points kept stay the same from one redraw to the next
        if stride == 1:
            curve.setData(*self.values())
            return
        keep = np.r_[np.arange(0, self.n - 1, stride), self.n - 1]
        curve.setData(*self._take(keep))


def _nice_above(v: float) -> float:
    """The first of 1, 2, 5, 10, 20, 50, ... at or above ``v``."""
    decade = 10.0 ** np.floor(np.log10(max(v, 1.0)))
    return next(m * decade for m in (1, 2, 5, 10) if m * decade >= v)


class LossCurves:
    """The train and test loss per epoch, on a log axis.  The history lives in the
    curves' ``Series`` (8 bytes a number: a 20-minute run's millions of epochs stay small)."""

    @property
    def history(self) -> list[float]:
        """The training loss after each epoch since the last reset."""
        return self._train_series.values()[1].tolist()

    @property
    def test_history(self) -> list[float]:
        """The test loss after each epoch since the last reset (empty: no test set)."""
        return self._test_series.values()[1].tolist()

    @property
    def epochs_axis(self) -> list[int]:
        """The epoch of each entry in ``history``."""
        return self._train_series.values()[0].astype(int).tolist()

    def _losses_text(self) -> str:
        """The latest train (and test) loss, as the status line shows them."""
        tr, te = self._train_series, self._test_series
        text = f"train loss {fmt(tr.last()[1]) if tr.n else '-'}"
        return text + (f", test {fmt(te.last()[1])}" if te.n else "")

    def _make_loss_plot(self):
        self.loss_plot = pg.PlotWidget(background=BACKGROUND)
        lp = self.loss_plot.getPlotItem()
        style_plot(lp, left="loss", bottom="epoch", log_y=True)
        lp.addLegend(offset=(-10, 10), labelTextColor=(30, 30, 30))
        self.train_curve = lp.plot(pen=TRAIN_PEN, name="train")
        self.test_curve = lp.plot(pen=TEST_PEN, name="test")
        # a long history is drawn at the plot's pixel resolution, and only what is in view
        lp.setDownsampling(auto=True, mode="peak")
        lp.setClipToView(True)
        # while training, the view moves in steps (epochs to the next 1-2-5, whole decades of
        # loss), not with every news: the axes are redrawn a few times a run, not each frame
        self._loss_frame: tuple | None = None
        self._loss_framed_by_user = False
        lp.getViewBox().sigRangeChangedManually.connect(self._on_loss_view_moved)
        lp.autoBtn.clicked.connect(self._on_loss_view_moved)

    def _on_loss_view_moved(self, *_):
        self._loss_framed_by_user = True          # the user's zoom, pan or auto-range stays

    def _frame_losses(self):
        if self._loss_framed_by_user or not self._train_series.n:
            return
        series = [s for s in (self._train_series, self._test_series) if s.n]
        lo = min(s.y_lo for s in series)
        hi = max(s.y_hi for s in series)
        x_hi = _nice_above(max(s.last()[0] for s in series))
        if np.isfinite(lo) and np.isfinite(hi):
            y = (float(np.floor(np.log10(lo))), float(np.ceil(np.log10(hi))))
            y = (y[0], y[1] + 1) if y[0] == y[1] else y
        else:
            y = (-1.0, 1.0)                       # no positive loss yet: a frame around 1
        frame = (0.0, x_hi) + y
        if frame != self._loss_frame:
            self._loss_frame = frame
            self.loss_plot.getPlotItem().getViewBox().setRange(xRange=frame[:2], yRange=frame[2:], padding=0.02)

    def _clear_history(self):
        self.epoch = 0
        self._train_series.clear()
        self._test_series.clear()
        self.train_curve.setData([], [])
        self.test_curve.setData([], [])
        self.progress.setValue(0)
        self._loss_frame = None
        self._loss_framed_by_user = False

    def _add_epochs(self, batch, params) -> bool:
        """Append a batch of (epoch, train, test) to the history and its curves (only the
        new points are converted); False when there was nothing new."""
        self.params = dict(params)
        if not batch:
            return False
        epochs = [self._run_offset + e for e, _, _ in batch]
        train = [tr for _, tr, _ in batch]
        tests = [(x, te) for x, (_, _, te) in zip(epochs, batch) if te is not None]
        self._train_series.extend(epochs, train)
        if tests:
            self._test_series.extend([x for x, _ in tests], [te for _, te in tests])
        self._train_series.show_on(self.train_curve)
        if tests:
            self._test_series.show_on(self.test_curve)
        self._frame_losses()
        self.epoch = epochs[-1]
        self.progress.setValue(self.epoch - self._run_offset)
        return True


class DecisionMap:
    """The network's output over its two inputs, shaded, under the training and test points."""

    def _make_boundary_plot(self):
        self.boundary_plot = pg.PlotWidget(background=BACKGROUND)
        bp = self.boundary_plot.getPlotItem()
        style_plot(bp)
        bp.setAspectLocked(True)
        self.boundary = pg.ImageItem()
        self._shown_grid: tuple | None = None        # the grid the map shades now, and its levels
        self.boundary.setColorMap(BOUNDARY_CMAP)
        bp.addItem(self.boundary)
        self.points = pg.ScatterPlotItem(size=10, pen=pg.mkPen((60, 60, 60), width=1.2))
        self.test_points = pg.ScatterPlotItem(size=10, symbol="s", pen=pg.mkPen((20, 20, 20), width=1.5))
        bp.addItem(self.points)
        bp.addItem(self.test_points)

    def _draw_points(self):
        g = self.model.graph
        t = g.targets[0] if g.targets else None
        plane = plane_inputs(self.model) or tuple(g.inputs)

        def spots(cols, outline):
            if not cols or plane[0] not in cols:
                return []
            keep = shown_samples(len(cols[plane[0]]))          # a few thousand symbols at most
            x, y = (np.asarray(cols[i], float)[keep] for i in plane[:2])
            if t is not None and t in cols:
                lo, hi = self.boundary_levels
                v = (np.asarray(cols[t], float)[keep] - lo) / (hi - lo)
            else:
                v = np.full(len(x), 0.5)
            colours = CLASS_CMAP.map(np.clip(v, 0, 1), mode="qcolor")
            return [{"pos": (a, b), "brush": c} for a, b, c in zip(x, y, colours)]

        self.boundary_levels = label_range(self.model)
        self.points.setData(spots(self.model.data.columns, "w"))
        self.test_points.setData(spots(self.model.data.test, "k"))

    def _show_grid(self, xs, ys, V, levels):
        """Shade the map with the output V on the grid xs × ys (not repainted when no
        cell changes by a colour step: late in training the map stands still)."""
        shown = self._shown_grid
        self.boundary_grid = (xs, ys, V)
        if shown is not None and shown[3] == tuple(levels) and np.array_equal(shown[0], xs) \
                and np.array_equal(shown[1], ys) and shown[2].shape == V.shape \
                and np.all(np.abs(V - shown[2]) < abs(levels[1] - levels[0]) / 512):
            return
        self._shown_grid = (xs, ys, V, tuple(levels))
        self.boundary.setImage(V, levels=levels, autoLevels=False)
        dx, dy = xs[1] - xs[0], ys[1] - ys[0]
        self.boundary.setRect(xs[0] - dx / 2, ys[0] - dy / 2, xs[-1] - xs[0] + dx, ys[-1] - ys[0] + dy)

    def boundary_value_at(self, x: float, y: float) -> float:
        """The shaded network output at the grid cell nearest (x, y)."""
        xs, ys, V = self.boundary_grid
        return float(V[np.abs(xs - x).argmin(), np.abs(ys - y).argmin()])
