"""Loss surfaces evaluated in cache-sized blocks, separably, among threads: the
same numbers as evaluating every grid point on its own."""
import numpy as np
import pytest

from visualnn.engine import surface
from visualnn.engine.surface import Evaluator, loss_surface
from visualnn.io import examples_dir, load


def _spiral():
    return load(examples_dir() / "spiral.json").model


def _every_point(ev, p1, p2, xs, ys):
    X, Y = np.meshgrid(xs, ys, indexing="ij")
    return ev.along([p1, p2], np.stack([X.ravel(), Y.ravel()], axis=1)).reshape(len(xs), len(ys))


@pytest.mark.parametrize("p1, p2", [("w_h2_1_y1", "w_h2_2_y1"),        # two output weights
                                    ("w_x1_h1_3", "w_x2_h1_3"),        # two weights into one hidden neuron
                                    ("w_h1_2_h2_5", "b_h2_1"),         # a weight and another neuron's bias
                                    ("b_y1", "w_h2_8_y1")])
def test_a_surface_over_two_parameters_of_one_layer_has_the_numbers_of_every_point_alone(p1, p2):
    m = _spiral()
    ev = Evaluator(m)
    assert ev._entries(p1)[0] == ev._entries(p2)[0]
    xs = ev.base[ev.index(p1)] + np.linspace(-2, 2, 19)
    ys = ev.base[ev.index(p2)] + np.linspace(-3, 1, 13)
    np.testing.assert_array_equal(ev.grid(p1, p2, xs, ys), _every_point(ev, p1, p2, xs, ys))


def test_a_surface_shared_among_threads_in_small_blocks_is_the_same_surface(monkeypatch):
    m = _spiral()
    whole = loss_surface(m, "w_x1_h1_1", "w_h2_8_y1", n=41).Z
    monkeypatch.setattr(surface, "CACHE_ELEMENTS", 700)            # blocks of two grid points
    for threads in (1, 2, 3):
        monkeypatch.setattr(surface, "MAX_THREADS", threads)
        np.testing.assert_array_equal(loss_surface(m, "w_x1_h1_1", "w_h2_8_y1", n=41).Z, whole)
        np.testing.assert_array_equal(loss_surface(m, "w_h2_8_y1", "w_x1_h1_1", n=41).Z, whole.T)
