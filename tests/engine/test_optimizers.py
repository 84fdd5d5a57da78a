"""Each update rule against a sequence worked out by hand (the comparison
with torch.optim is in test_optimizers_vs_torch.py)."""
import numpy as np
import pytest

from visualnn.engine.optimizers import OPTIMIZERS, make_optimizer

GRADS = [0.5, 0.2, -0.1]


def run(name, lr, **hyper):
    opt = make_optimizer(name, lr, **hyper)
    theta, out = np.array([1.0]), []
    for g in GRADS:
        theta = opt.step(theta, np.array([g]))
        out.append(float(theta[0]))
    return out


def test_sgd_steps_against_the_gradient():
    assert run("sgd", 0.1) == pytest.approx([0.95, 0.93, 0.94], rel=1e-15)


def test_momentum_accumulates_velocity():
    # v = 0.5, 0.9*0.5 + 0.2 = 0.65, 0.9*0.65 - 0.1 = 0.485
    assert run("momentum", 0.1, momentum=0.9) == pytest.approx([1 - 0.05, 0.95 - 0.065, 0.885 - 0.0485], rel=1e-14)


def test_nesterov_looks_ahead():
    # step along g + mu v: 0.5 + 0.45, 0.2 + 0.585, -0.1 + 0.4365
    assert run("nesterov", 0.1, momentum=0.9) == pytest.approx([1 - 0.095, 0.905 - 0.0785, 0.8265 - 0.03365],
                                                               rel=1e-14)


def test_rmsprop_divides_by_the_running_rms():
    # sq = 0.1*0.25 = 0.025, then 0.9*0.025 + 0.1*0.04 = 0.0265, then 0.9*0.0265 + 0.1*0.01 = 0.02485
    t1 = 1.0 - 0.1 * 0.5 / np.sqrt(0.025)
    t2 = t1 - 0.1 * 0.2 / np.sqrt(0.0265)
    t3 = t2 + 0.1 * 0.1 / np.sqrt(0.02485)
    assert run("rmsprop", 0.1, alpha=0.9, eps=0.0) == pytest.approx([t1, t2, t3], rel=1e-13)


def test_adam_bias_corrects_both_moments():
    # first step: m_hat = g and v_hat = g^2, so it moves by exactly lr
    # m = 0.05, 0.065, 0.0485; v = 0.00025, 0.00028975, 0.00029946025
    t1 = 0.9
    t2 = t1 - 0.1 * (0.065 / 0.19) / np.sqrt(0.00028975 / 0.001999)
    t3 = t2 - 0.1 * (0.0485 / 0.271) / np.sqrt(0.00029946025 / (1 - 0.999 ** 3))
    assert run("adam", 0.1, eps=0.0) == pytest.approx([t1, t2, t3], rel=1e-12)


def test_run_returns_the_whole_path_from_the_start():
    opt = make_optimizer("sgd", 0.25)
    path = opt.run(np.array([2.0, -1.0]), lambda p: 2 * p, 3)
    assert path.shape == (4, 2)
    np.testing.assert_array_equal(path[:, 0], [2.0, 1.0, 0.5, 0.25])


def test_marbles_on_a_surface_move_independently():
    # an (M, 2) array of marbles: each row must follow its own optimizer
    starts = np.array([[1.0, 2.0], [-0.5, 0.3]])
    both = make_optimizer("adam", 0.1).run(starts, lambda p: np.sin(p) + p, 5)
    for i, s in enumerate(starts):
        alone = make_optimizer("adam", 0.1).run(s, lambda p: np.sin(p) + p, 5)
        np.testing.assert_array_equal(both[:, i], alone)


def test_unknown_optimizer_and_setting_are_named():
    with pytest.raises(ValueError, match="unknown optimizer 'lbfgs'; expected one of sgd, momentum"):
        make_optimizer("lbfgs", 0.1)
    with pytest.raises(ValueError, match="adam has no setting momentum"):
        make_optimizer("adam", 0.1, momentum=0.9)


def test_optimizer_names_are_case_insensitive():
    assert type(make_optimizer("Adam", 0.1)) is OPTIMIZERS["adam"]
