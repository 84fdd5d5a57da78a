"""The stepper over Mazur's network, stepped 100,000 times (about 5,300
forward/backward/update cycles): memory stays flat and the parameters are
exactly those of plain SGD run for as many updates.

Memory is sampled as the number of Python memory blocks in use
(``sys.getallocatedblocks``) after a warm-up and at the end; a stepper that
kept every past cycle would hold on to ~14 blocks per step, 1.3 million
here.  (tracemalloc triples the cost of each step, so the full-length
figures with tracemalloc come from ``benchmarks/soak.py``, which also runs
the full 1,000,000 steps.)
"""
from __future__ import annotations

import gc
import sys

import numpy as np
import pytest

from nets import MAZUR_PARAMS, MAZUR_SAMPLE, mazur_spec

from visualnn.engine import DenseModel, Stepper, compile_layered, make_optimizer

STEPS = 100_000
WARMUP = 10_000
BLOCK_GROWTH = 20_000           # generous: a leak of even 1 block per cycle would be ~5,000


def _blocks() -> int:
    gc.collect()
    return sys.getallocatedblocks()


@pytest.mark.slow
def test_stepper_runs_100000_steps_with_flat_memory_and_exact_parameters():
    spec, params, sample = mazur_spec(), dict(MAZUR_PARAMS), dict(MAZUR_SAMPLE)
    g = compile_layered(spec)
    st = Stepper(g, params, [sample], optimizer="sgd", lr=0.5)
    for _ in range(WARMUP):
        st.step()
    samples = [_blocks()]
    for k in range(WARMUP, STEPS):
        s = st.step()
        if (k + 1) % 30_000 == 0:
            samples.append(_blocks())
    samples.append(_blocks())
    assert st.position == STEPS
    growth = samples[-1] - samples[0]
    assert growth < BLOCK_GROWTH, (
        f"memory grew by {growth} blocks from step {WARMUP} to {STEPS} "
        f"(samples {samples}): the stepper keeps something of every past cycle")

    # the numbers are still exact: the parameters after every completed update
    # equal plain SGD on the same sample for as many steps
    cycles = STEPS // st.cycle_length
    names = g.param_names
    dm = DenseModel(spec, names)
    X = np.array([[sample["i1"], sample["i2"]]])
    T = np.array([[sample["target_o1"], sample["target_o2"]]])
    opt = make_optimizer("sgd", 0.5)
    theta = dm.theta(params)
    for _ in range(cycles):
        theta = opt.step(theta, dm.gradient(theta, X, T)[1])
    got = np.array([s.params[n] for n in names])
    np.testing.assert_allclose(got, theta, rtol=1e-9, atol=0)
    # and the network has learned: Mazur's error after 10,000 updates is 3.5e-5
    assert dm.objective(theta, X, T) < 1e-4
    # stepping back and forward again lands on the same state
    before = st.state()
    st.back()
    after = st.step()
    assert after.values == before.values and after.params == before.params
