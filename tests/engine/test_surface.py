"""Loss surfaces, curves, direction planes, analytic surfaces and the marble."""
import numpy as np
import pytest

from nets import MAZUR_PARAMS, mazur_model, mlp_model
from visualnn.engine import make_optimizer, record
from visualnn.engine.datasets import as_dataset, generate
from visualnn.engine.surface import (ANALYTIC, direction_surface, gradient_at, loss_curve, loss_surface,
                                     marble_path, parameter_functions, random_directions)
from visualnn.engine.training import Objective, initial_params


def xor_model():
    m = mlp_model([2, 3, 1], "tanh", out_activation="sigmoid", loss="binary_cross_entropy",
                  data=as_dataset(*generate("xor", n=8, noise=0.1), ["x1", "x2"], ["t1"]))
    m.params = initial_params(m, seed=2)
    return m


def engine_loss(model, params, samples=None):
    """The mean loss by recording one trace per sample: the stepper's own numbers."""
    chosen = model.samples() if samples is None else [model.samples()[i] for i in np.atleast_1d(samples)]
    return np.mean([record(model.graph, params, s).loss for s in chosen])


def test_surface_value_at_a_point_equals_the_engine_loss():
    m = mazur_model()
    s = loss_surface(m, "w5", "w1", span1=(-1.0, 2.0), span2=(0.0, 0.5), n=31)
    assert s.Z.shape == (31, 31)
    assert s.center == (0.4, 0.15) and s.center_loss == pytest.approx(0.298371109, abs=5e-10)
    rng = np.random.default_rng(0)
    for i, j in rng.integers(0, 31, size=(6, 2)):
        p = {**MAZUR_PARAMS, "w5": s.xs[i], "w1": s.ys[j]}
        assert s.Z[i, j] == pytest.approx(engine_loss(m, p), rel=1e-12)


def test_surface_at_the_current_parameters_is_the_training_loss():
    m = xor_model()
    c1, c2 = m.params["w_h1_2_y1"], m.params["b_h1_3"]
    s = loss_surface(m, "w_h1_2_y1", "b_h1_3", span1=(c1 - 1, c1 + 1), span2=(c2 - 3, c2 + 1), n=5)
    obj = Objective(m)
    assert s.center_loss == pytest.approx(obj.value(obj.theta(m.params)), rel=1e-14)
    assert s.Z[2, 3] == pytest.approx(engine_loss(m, {**m.params, "w_h1_2_y1": s.xs[2], "b_h1_3": s.ys[3]}), rel=1e-12)
    assert s.xs[2] == pytest.approx(c1) and s.ys[3] == pytest.approx(c2)
    assert s.Z[2, 3] == pytest.approx(s.center_loss, rel=1e-12)


@pytest.mark.parametrize("p1, p2", [("w5", "w6"), ("w1", "w8"), ("b1", "b2"), ("w2", "w3")])
def test_matrix_and_graph_surfaces_agree(p1, p2):
    a = loss_surface(mazur_model(), p1, p2, n=40)
    b = loss_surface(mazur_model(layered=False), p1, p2, n=40)
    np.testing.assert_allclose(a.Z, b.Z, rtol=1e-12)


def test_chunked_evaluation_gives_the_same_surface():
    m = xor_model()
    whole = loss_surface(m, "w_x1_h1_1", "w_h1_3_y1", n=30)
    tiny = loss_surface(m, "w_x1_h1_1", "w_h1_3_y1", n=30, max_bytes=1)
    np.testing.assert_allclose(whole.Z, tiny.Z, rtol=1e-13)
    g = xor_model()
    g.spec = None
    np.testing.assert_allclose(loss_surface(g, "w_x1_h1_1", "w_h1_3_y1", n=30, max_bytes=1).Z, whole.Z, rtol=1e-12)


def test_surface_over_one_selected_sample():
    m = xor_model()
    s = loss_surface(m, "w_x1_h1_2", "b_y1", n=7, samples=3)
    p = {**m.params, "w_x1_h1_2": s.xs[1], "b_y1": s.ys[5]}
    assert s.Z[1, 5] == pytest.approx(engine_loss(m, p, samples=3), rel=1e-12)
    several = loss_surface(m, "w_x1_h1_2", "b_y1", n=7, samples=[0, 3])
    assert several.Z[1, 5] == pytest.approx(engine_loss(m, p, samples=[0, 3]), rel=1e-12)
    with pytest.raises(IndexError, match="sample 8 out of range 0..7"):
        loss_surface(m, "w_x1_h1_2", "b_y1", samples=8)


def test_loss_curve_follows_one_parameter():
    m = mazur_model()
    c = loss_curve(m, "w7", span=(-2, 2), n=9)
    assert c.p == "w7" and c.center == 0.5
    for x, y in zip(c.xs, c.losses):
        assert y == pytest.approx(engine_loss(m, {**MAZUR_PARAMS, "w7": x}), rel=1e-12)
    g = loss_curve(mazur_model(layered=False), "w7", span=(-2, 2), n=9)
    np.testing.assert_allclose(g.losses, c.losses, rtol=1e-12)


def test_direction_surface_is_centred_on_the_current_parameters():
    m = xor_model()
    s = direction_surface(m, n=21, span1=(-1, 1), span2=(-2, 2))
    assert s.Z[10, 10] == pytest.approx(s.center_loss, rel=1e-12)
    d1, d2 = s.directions
    assert np.linalg.norm(d1) == pytest.approx(1) and np.linalg.norm(d2) == pytest.approx(1)
    assert abs(d1 @ d2) < 1e-12
    names = m.graph.param_names
    theta = np.array([m.params[n] for n in names]) + s.xs[3] * d1 + s.ys[17] * d2
    assert s.Z[3, 17] == pytest.approx(engine_loss(m, dict(zip(names, theta))), rel=1e-12)
    same = direction_surface(m, n=21, span1=(-1, 1), span2=(-2, 2))
    np.testing.assert_array_equal(same.Z, s.Z)
    other = random_directions(len(names), seed=1)
    assert not np.allclose(other[0], d1)


def test_direction_along_one_parameter_is_that_parameter_s_curve():
    m = mazur_model()
    s = direction_surface(m, {"w5": 1.0}, {"w6": 1.0}, span1=(-1, 1), span2=(-1, 1), n=11)
    plane = loss_surface(m, "w5", "w6", span1=(-0.6, 1.4), span2=(-0.55, 1.45), n=11)
    np.testing.assert_allclose(s.Z, plane.Z, rtol=1e-12)
    g = direction_surface(mazur_model(layered=False), {"w5": 1.0}, {"w6": 1.0}, n=11)
    np.testing.assert_allclose(g.Z, s.Z, rtol=1e-12)


def test_gradient_at_gives_the_backprop_gradient():
    g = gradient_at(mazur_model())
    assert round(g["w5"], 9) == 0.082167041
    assert round(g["w1"], 9) == 0.000438568
    tr = record(mazur_model().graph, MAZUR_PARAMS, mazur_model().samples()[0])
    for k in MAZUR_PARAMS:
        assert g[k] == pytest.approx(tr.param_gradients[k], rel=1e-12)


def test_marble_rolls_downhill_on_a_network_surface():
    m = mazur_model()
    f, grad = parameter_functions(m, "w5", "w6")
    assert f(np.array([0.4, 0.45])) == pytest.approx(0.298371109, abs=5e-10)
    g = gradient_at(m)
    np.testing.assert_allclose(grad(np.array([0.4, 0.45])), [g["w5"], g["w6"]], rtol=1e-12)
    path, losses = marble_path(grad, [0.4, 0.45], "sgd", 0.5, 20, f=f)
    assert path.shape == (21, 2) and np.all(np.diff(losses) < 0)


@pytest.mark.parametrize("name", sorted(ANALYTIC))
def test_analytic_gradient_matches_central_differences(name):
    s = ANALYTIC[name]
    rng = np.random.default_rng(0)
    pts = np.stack([rng.uniform(*s.xrange, 20), rng.uniform(*s.yrange, 20)], axis=1)
    h = 1e-6
    num = np.stack([(s.value(pts + [h, 0]) - s.value(pts - [h, 0])) / (2 * h),
                    (s.value(pts + [0, h]) - s.value(pts - [0, h])) / (2 * h)], axis=1)
    np.testing.assert_allclose(s.gradient(pts), num, rtol=1e-6, atol=1e-6 * max(1, np.abs(s.value(pts)).max()))
    for mn in s.minima:
        np.testing.assert_allclose(s.gradient(np.array(mn)), [0, 0], atol=1e-4)
    assert s.xrange[0] < s.start[0] < s.xrange[1] and s.yrange[0] < s.start[1] < s.yrange[1]
    surf = s.surface(50)
    assert surf.Z.shape == (50, 50) and surf.Z[7, 31] == s.f(surf.xs[7], surf.ys[31])


@pytest.mark.parametrize("name", sorted(ANALYTIC))
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_marble_path_is_exactly_the_optimizer_s_steps(name, optimizer):
    s = ANALYTIC[name]
    path, losses = marble_path(s, s.start, optimizer, 1e-3, 30)
    opt = make_optimizer(optimizer, 1e-3)
    p = np.array(s.start)
    expected = [p]
    for _ in range(30):
        p = opt.step(p, s.gradient(p))
        expected.append(p)
    np.testing.assert_array_equal(path, np.stack(expected))
    np.testing.assert_array_equal(losses, s.value(path))
    if optimizer == "sgd":
        np.testing.assert_array_equal(path[1:], path[:-1] - 1e-3 * s.gradient(path[:-1]))


def test_several_marbles_roll_at_once():
    s = ANALYTIC["himmelblau"]
    starts = np.array([[2.0, 1.0], [-2.0, 2.0], [-3.0, -2.0], [3.0, -1.0]])
    path, losses = marble_path(s, starts, "adam", 0.1, 400)
    assert path.shape == (401, 4, 2) and losses.shape == (401, 4)
    assert np.all(losses[-1] < 1e-6)
    # four marbles in four valleys: each ends in its own minimum
    np.testing.assert_allclose(path[-1], s.minima, atol=1e-3)


def test_marble_that_flies_off_stops_at_its_last_finite_point():
    path, losses = marble_path(ANALYTIC["rosenbrock"], (-1.2, 1.0), "sgd", 0.1, 100)
    assert len(path) < 101 and np.all(np.isfinite(path))


def test_bowl_marble_with_sgd_converges_geometrically():
    path, _ = marble_path(ANALYTIC["bowl"], (1.0, -2.0), "sgd", 0.25, 5)
    np.testing.assert_allclose(path[:, 0], 0.5 ** np.arange(6), rtol=1e-15)


def test_bad_surface_requests_are_explained():
    m = mazur_model()
    with pytest.raises(ValueError, match="choose two different parameters"):
        loss_surface(m, "w1", "w1")
    with pytest.raises(ValueError, match="'i1' is not a parameter; expected one of"):
        loss_surface(m, "i1", "w1")
    with pytest.raises(ValueError, match=r"a span goes from low to high, got \(1, 0\)"):
        loss_surface(m, "w2", "w1", span1=(1, 0))
    with pytest.raises(ValueError, match="a direction needs 10 numbers"):
        direction_surface(m, [1.0, 2.0], [0.0] * 10)


def _spiral():
    from visualnn.io import examples_dir, load
    return load(examples_dir() / "spiral.json").model


def test_a_surface_over_weights_in_two_layers_is_computed_separably_with_the_same_numbers():
    from visualnn.engine.surface import Evaluator
    m = _spiral()
    weights = [w for _, _, w in m.graph.edges() if w is not None]
    ev = Evaluator(m)
    for p1, p2 in ((weights[0], weights[-1]), (weights[-1], weights[0]),
                   (weights[3], m.spec.layers[1].biases[2])):
        assert ev._entries(p1)[0] != ev._entries(p2)[0]         # the separable path
        xs = ev.base[ev.index(p1)] + np.linspace(-2, 2, 23)
        ys = ev.base[ev.index(p2)] + np.linspace(-3, 1, 17)
        X, Y = np.meshgrid(xs, ys, indexing="ij")
        every_point = ev.along([p1, p2], np.stack([X.ravel(), Y.ravel()], axis=1)).reshape(23, 17)
        np.testing.assert_array_equal(ev.grid(p1, p2, xs, ys), every_point)


def test_sigmoid_is_exact_and_safe_from_overflow():
    from visualnn.engine.ops.base import sigmoid as _sigmoid
    x = np.array([-1000.0, -745.5, -720.0, -709.0, -30.0, -1.0, -0.0, 0.0, 1.0, 30.0, 800.0, np.inf, -np.inf])
    with np.errstate(over="raise", invalid="raise"):    # no overflow, no invalid operation
        got = _sigmoid(x)
    ex = np.exp(np.minimum(x, 0))
    want = np.where(x >= 0, 1 / (1 + np.exp(-np.maximum(x, 0))), ex / (1 + ex))
    np.testing.assert_allclose(got, want, rtol=4.5e-16, atol=0)
    assert got[0] == 0.0 and got[2] > 0 and got[-2] == 1.0 and got[-1] == 0.0
    assert np.isnan(_sigmoid(np.array([np.nan])))[0] and _sigmoid(np.array(0.25)).shape == ()
