"""visualnn's optimizers against torch.optim, step for step.

SGD, momentum, Nesterov, RMSProp, Adam and AdaGrad follow torch.optim's update rules;
over 100 steps on the Rosenbrock function, on a random quadratic and on a
cloud of marbles (an (M, 2) array, as the loss-surface marble race uses),
every iterate agrees with PyTorch's to a relative error below 1e-9.  The
stepper's update step, training Mazur's network, follows torch.optim too.
"""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is the reference for these tests: pip install 'visualnn[bench]'")

try:
    from . import randnets as rn
except ImportError:                       # tests/ is not a package: pytest puts this folder on sys.path
    import randnets as rn

from nets import MAZUR_PARAMS, MAZUR_SAMPLE, mazur_spec

from visualnn.engine import DenseModel, Stepper, compile_layered, make_optimizer

RTOL = 1e-9
STEPS = 100

# (visualnn name, visualnn hyper-parameters, torch class, torch keyword arguments)
OPTIMIZERS = {
    "sgd": ({}, "SGD", {}),
    "momentum": ({}, "SGD", {"momentum": 0.9}),
    "nesterov": ({}, "SGD", {"momentum": 0.9, "nesterov": True}),
    "rmsprop": ({}, "RMSprop", {"alpha": 0.99, "eps": 1e-8}),
    "adam": ({}, "Adam", {"betas": (0.9, 0.999), "eps": 1e-8}),
    "adagrad": ({}, "Adagrad", {"eps": 1e-10}),
    "momentum 0.5": ({"momentum": 0.5}, "SGD", {"momentum": 0.5}),
    "nesterov 0.7": ({"momentum": 0.7}, "SGD", {"momentum": 0.7, "nesterov": True}),
    "rmsprop alpha 0.9": ({"alpha": 0.9, "eps": 1e-6}, "RMSprop", {"alpha": 0.9, "eps": 1e-6}),
    "adam betas 0.8 0.99": ({"beta1": 0.8, "beta2": 0.99, "eps": 1e-7}, "Adam", {"betas": (0.8, 0.99), "eps": 1e-7}),
}

# learning rates that keep each optimizer on a sensible path (no blow-up) for 100 steps
LR = {"sgd": 1e-3, "momentum": 2e-4, "nesterov": 2e-4, "rmsprop": 1e-3, "adam": 2e-2, "adagrad": 5e-2}


def _lr(key):
    return LR[key.split()[0]]


def _torch_opt(key, params, lr):
    _, cls, kw = OPTIMIZERS[key]
    return getattr(torch.optim, cls)(params, lr=lr, foreach=False, **kw)


def _vis_opt(key, lr):
    hyper, _, _ = OPTIMIZERS[key]
    return make_optimizer(key.split()[0], lr, **hyper)


def rosenbrock_np(x):
    """Gradient of sum over rows of (1 - x)^2 + 100 (y - x^2)^2; x is (..., 2)."""
    a, b = x[..., 0], x[..., 1]
    return np.stack([-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)], axis=-1)


def rosenbrock_torch(p):
    a, b = p[..., 0], p[..., 1]
    return ((1 - a) ** 2 + 100 * (b - a * a) ** 2).sum()


def _torch_path(key, start, f, lr, grad=None):
    """torch.optim's path from ``start``: gradients by autograd of ``f``, or
    given by ``grad`` (a NumPy function of the parameters)."""
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = _torch_opt(key, [p], lr)
    path = [p.detach().numpy().copy()]
    for _ in range(STEPS):
        opt.zero_grad()
        if grad is None:
            f(p).backward()
        else:
            p.grad = torch.tensor(grad(p.detach().numpy()), dtype=torch.float64)
        opt.step()
        path.append(p.detach().numpy().copy())
    return np.stack(path)


def _assert_paths_agree(got, want, what):
    assert got.shape == want.shape
    for k in range(len(want)):
        e = rn.rel_err(got[k], want[k])
        assert e < RTOL, f"{what}: step {k} differs from torch.optim by {e:.3g}\n  visualnn {got[k]}\n  torch    {want[k]}"
    # the path really moved: the comparison is not of two standing still
    assert rn.rel_err(want[-1], want[0]) > 1e-3, f"{what}: the path barely moved"


@pytest.mark.parametrize("key", list(OPTIMIZERS))
def test_optimizer_follows_torch_on_rosenbrock(key):
    start = np.array([-1.2, 1.0])
    lr = _lr(key)
    got = _vis_opt(key, lr).run(start, rosenbrock_np, STEPS)
    want = _torch_path(key, start, rosenbrock_torch, lr)
    _assert_paths_agree(got, want, f"{key} on Rosenbrock")


@pytest.mark.parametrize("key", list(OPTIMIZERS))
def test_optimizer_follows_torch_on_a_random_quadratic(key):
    rng = np.random.default_rng(11)
    n = 6
    Q = rng.normal(size=(n, n))
    A = Q @ Q.T / n + np.eye(n) * 0.5          # symmetric positive definite
    b = rng.normal(size=n)
    # start far from the minimum: RMSProp and Adam with a fixed step end up
    # hopping around it, where the sign of a cancelled gradient decides the
    # next step and rounding differences of 1e-16 grow without bound
    start = np.linalg.solve(A, b) + 4.0 * rng.normal(size=n)
    lr = 0.05 if key.startswith(("sgd", "momentum", "nesterov")) else 0.01
    # both get the same gradient function: near the minimum A x - b is all
    # cancellation, and RMSProp/Adam divide it by its own size
    got = _vis_opt(key, lr).run(start, lambda x: A @ x - b, STEPS)
    want = _torch_path(key, start, None, lr, grad=lambda x: A @ x - b)
    _assert_paths_agree(got, want, f"{key} on a quadratic")


@pytest.mark.parametrize("key", ["sgd", "momentum", "nesterov", "rmsprop", "adam"])
def test_optimizer_moves_a_cloud_of_marbles_like_torch(key):
    """Marbles on a loss surface: an (M, 2) array, each row its own path."""
    rng = np.random.default_rng(5)
    start = rng.uniform([-1.5, -0.5], [1.5, 2.0], size=(16, 2))
    lr = _lr(key)
    got = _vis_opt(key, lr).run(start, rosenbrock_np, STEPS)
    want = _torch_path(key, start, rosenbrock_torch, lr)
    _assert_paths_agree(got, want, f"{key} marbles")


@pytest.mark.parametrize("key", ["sgd", "momentum", "nesterov", "rmsprop", "adam"])
def test_stepper_updates_follow_torch_training_mazur_network(key):
    """The stepper's update step, cycle after cycle, against torch.optim
    training the same network on the same sample."""
    spec, params, sample = mazur_spec(), dict(MAZUR_PARAMS), dict(MAZUR_SAMPLE)
    g = compile_layered(spec)
    names = g.param_names
    lr = {"sgd": 0.5, "momentum": 0.1, "nesterov": 0.1, "rmsprop": 0.01, "adam": 0.01}[key]
    cycles = 30
    st = Stepper(g, params, [sample], optimizer=key, lr=lr)
    st.seek(cycles * st.cycle_length)
    assert st.state().updated
    got = np.array([st.state().params[n] for n in names])

    P = {n: torch.tensor(params[n], dtype=torch.float64, requires_grad=True) for n in names}
    opt = _torch_opt(key, [P[n] for n in names], lr)
    X = torch.tensor([[sample["i1"], sample["i2"]]], dtype=torch.float64)
    T = torch.tensor([[sample["target_o1"], sample["target_o2"]]], dtype=torch.float64)
    for _ in range(cycles):
        opt.zero_grad()
        rn.torch_layered(torch, spec, P, X, T)[2].mean().backward()
        opt.step()
    want = np.array([P[n].item() for n in names])
    assert rn.rel_err(got, want) < RTOL
    # and DenseModel + the optimizer (the training fast path) agree as well
    dm = DenseModel(spec, names)
    Xn, Tn = X.numpy(), T.numpy()
    path = make_optimizer(key, lr).run(dm.theta(params), lambda th: dm.gradient(th, Xn, Tn)[1], cycles)
    assert rn.rel_err(path[-1], want) < RTOL


def test_the_marbles_velocity_readout_equals_torchs_momentum_buffer():
    """What the marble view reads out as the velocity after k steps is
    torch.optim.SGD(momentum)'s momentum_buffer after the same k steps."""
    from visualnn.engine.surface import marble_run
    start = np.array([-1.2, 1.0])
    lr, k = 2e-4, 25
    run = marble_run(rosenbrock_np, start, "momentum", lr, k, momentum=0.9)
    x = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([x], lr=lr, momentum=0.9, foreach=False)
    for _ in range(k):
        opt.zero_grad()
        rosenbrock_torch(x).backward()
        opt.step()
    buf = opt.state[x]["momentum_buffer"].detach().numpy()
    assert rn.rel_err(run.memory["velocity"][k - 1], buf) < RTOL
    assert rn.rel_err(run.path[-1], x.detach().numpy()) < RTOL


def test_adagrads_sum_of_squares_equals_torchs_state_sum():
    from visualnn.engine.surface import marble_run
    start = np.array([0.5, -0.3])
    run = marble_run(rosenbrock_np, start, "adagrad", 0.05, 30)
    x = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adagrad([x], lr=0.05, eps=1e-10, foreach=False)
    for _ in range(30):
        opt.zero_grad()
        rosenbrock_torch(x).backward()
        opt.step()
    assert rn.rel_err(run.memory["sum of g²"][-1], opt.state[x]["sum"].detach().numpy()) < RTOL


def test_a_decaying_learning_rate_follows_torchs_lambda_schedule():
    from visualnn.engine.surface import marble_run
    start, lr, decay, k = np.array([-1.0, 1.5]), 1e-3, 0.05, 40
    run = marble_run(rosenbrock_np, start, "momentum", lr, k, decay=decay, momentum=0.9)
    x = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([x], lr=lr, momentum=0.9, foreach=False)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda t: 1.0 / (1.0 + decay * t))
    for _ in range(k):
        opt.zero_grad()
        rosenbrock_torch(x).backward()
        opt.step()
        sched.step()
    assert rn.rel_err(run.path[-1], x.detach().numpy()) < RTOL
