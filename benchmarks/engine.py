"""Speed of the engine: a training step, a loss surface and a trace.

    python benchmarks/engine.py

Prints a table with PASS/MISS per target; ``results()`` returns the rows
(dicts) for other scripts.  Targets:

- one training step (forward, backward, SGD) of a [2, 16, 16, 1] tanh MLP
  on 100 samples through the training code within 3x of the same network
  written by hand in NumPy (the neuron-level graph path is shown for
  information: it is what the stepper shows, not what training uses);
- a 200x200 loss surface of the 2-2-2 network over (w5, w6) under 50 ms;
- recording the full trace of one 2-2-2 sample under 5 ms;
- recording the trace of one [784, 64, 10] sample (50,984 edges) under 50 ms, half
  the 100 ms a new pass's first step may take in the window (the graph walk, node
  by node, is timed beside it as the reference);
- the stepper's first step into a new pass of that network, engine alone, under 100 ms.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from visualnn.engine import Model, Stepper, record  # noqa: E402
from visualnn.engine.datasets import as_dataset, generate  # noqa: E402
from visualnn.engine.surface import loss_surface  # noqa: E402
from visualnn.engine.trace import _record as walk_record  # noqa: E402  (the node-by-node reference)
from visualnn.engine.training import Trainer  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from nets import mazur_model, mlp_model  # noqa: E402  (the networks tests and benchmarks share)

SIZES = [2, 16, 16, 1]
SAMPLES = 100
LR = 0.05


def median_time(fn, number: int = 20, repeat: int = 15) -> float:
    """Median over ``repeat`` runs of the mean time of ``number`` calls, in seconds."""
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t) / number)
    return statistics.median(times)


def median_p90(fn, repeat: int = 21) -> tuple[float, float]:
    """(median, 90th percentile) of ``repeat`` timed calls after one warm-up, in seconds."""
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.9 * len(times)))]


def mlp() -> Model:
    data = as_dataset(*generate("circles", n=SAMPLES, noise=0.05, labels=(-1.0, 1.0)), ["x1", "x2"], ["t1"])
    return mlp_model(SIZES, "tanh", loss="mse", data=data, random_seed=0, learning_rate=LR)


class HandWritten:
    """The same network and step, written out in NumPy."""

    def __init__(self, model: Model):
        spec, p = model.spec, model.params
        self.W = [np.array([[p[w] for w in row] for row in L.weights]) for L in spec.layers]
        self.b = [np.array([p[b] for b in L.biases]) for L in spec.layers]
        self.X = model.data.matrix(spec.inputs)
        self.T = model.data.matrix(spec.targets)

    def step(self):
        A = [self.X]
        for W, b in zip(self.W, self.b):
            A.append(np.tanh(A[-1] @ W.T + b))
        out = A[-1]
        loss = np.mean((self.T - out) ** 2)
        dA = -2.0 * (self.T - out) / out.size
        for l in range(len(self.W) - 1, -1, -1):
            dZ = dA * (1.0 - A[l + 1] ** 2)
            gW, gb = dZ.T @ A[l], dZ.sum(axis=0)
            dA = dZ @ self.W[l]
            self.W[l] -= LR * gW
            self.b[l] -= LR * gb
        return loss

    def params(self, model: Model) -> np.ndarray:
        vals = {}
        for L, W, b in zip(model.spec.layers, self.W, self.b):
            for row, wrow in zip(L.weights, W):
                vals.update(zip(row, wrow))
            vals.update(zip(L.biases, b))
        return np.array([vals[n] for n in model.graph.param_names])


def mazur() -> Model:
    return mazur_model()


def results() -> list[dict]:
    rows = []
    m = mlp()

    # the training code's step (matrix form) and the hand-written one, checked equal first
    trainer = Trainer(m, lr=LR, optimizer="sgd")
    hand = HandWritten(m)
    theta, _ = trainer.step(trainer.theta)
    hand.step()
    assert np.allclose(theta, hand.params(m), rtol=1e-12, atol=1e-14), "engine and hand-written steps differ"
    state = {"theta": trainer.theta}

    def engine_step():
        state["theta"], _ = trainer.step(state["theta"])

    t_engine = median_time(engine_step, number=50)
    t_hand = median_time(hand.step, number=50)
    label = f"[{', '.join(map(str, SIZES))}] tanh MLP, {SAMPLES} samples"
    rows.append({"what": f"training step, {label}: NumPy by hand", "ms": 1e3 * t_hand})
    rows.append({"what": "  engine (training.Trainer.step, matrix form)", "ms": 1e3 * t_engine,
                 "ratio": t_engine / t_hand, "target_ratio": 3.0, "ok": t_engine / t_hand <= 3.0})

    graph_model = m.copy()
    graph_model.spec = None                       # the neuron-level graph, one node per neuron
    g_trainer = Trainer(graph_model, lr=LR, optimizer="sgd")
    g_state = {"theta": g_trainer.theta}

    def graph_step():
        g_state["theta"], _ = g_trainer.step(g_state["theta"])
    t_graph = median_time(graph_step, number=5)
    rows.append({"what": "  engine, neuron-level graph (for information)", "ms": 1e3 * t_graph,
                 "ratio": t_graph / t_hand})

    mz = mazur()
    t_surface = median_time(lambda: loss_surface(mz, "w5", "w6", n=200), number=3, repeat=9)
    rows.append({"what": "loss surface 200x200 over (w5, w6), Mazur 2-2-2", "ms": 1e3 * t_surface,
                 "target_ms": 50.0, "ok": t_surface < 0.050})
    t_surface2 = median_time(lambda: loss_surface(mz, "w1", "w8", n=200), number=3, repeat=9)
    rows.append({"what": "  same over (w1, w8): the hidden layer varies too", "ms": 1e3 * t_surface2,
                 "target_ms": 50.0, "ok": t_surface2 < 0.050})

    sample = mz.samples()[0]
    t_trace = median_time(lambda: record(mz.graph, mz.params, sample), number=20)
    rows.append({"what": "record the full trace of one sample, Mazur 2-2-2", "ms": 1e3 * t_trace,
                 "target_ms": 5.0, "ok": t_trace < 0.005})
    t_walk = median_time(lambda: walk_record(mz.graph, mz.params, sample), number=20)
    rows.append({"what": "  the graph walk, node by node (reference)", "ms": 1e3 * t_walk,
                 "ratio": t_walk / t_trace})
    rows += big_rows()
    return rows


def big_rows() -> list[dict]:
    """A new pass of [784, 64, 10]: its trace, and the stepper's first step into it."""
    big = mlp_model([784, 64, 10], random_seed=0, samples=1, learning_rate=0.5)
    one = big.samples()[0]
    edges = sum(len(big.graph.nodes[n].inputs) for n in big.graph.order)
    med, p90 = median_p90(lambda: record(big.graph, big.params, one))
    ref, ref90 = median_p90(lambda: walk_record(big.graph, big.params, one), repeat=5)
    rows = [{"what": f"record one sample, [784,64,10] ({edges:,} edges), a layer at a time", "ms": 1e3 * med,
             "p90": 1e3 * p90, "target_ms": 50.0, "ok": med < 0.050},
            {"what": "  the graph walk, node by node (reference)", "ms": 1e3 * ref, "p90": 1e3 * ref90,
             "ratio": ref / med}]
    st = Stepper(big.graph, big.params, [one], lr=0.5)
    L = st.cycle_length
    times = []
    for k in range(1, 12):
        st.seek(k * L)                  # the end of a pass; the next one never recorded
        t = time.perf_counter()
        st.step()
        times.append(time.perf_counter() - t)
    times.sort()
    med = statistics.median(times)
    rows.append({"what": "Stepper: first step of a new pass, [784,64,10], engine alone", "ms": 1e3 * med,
                 "p90": 1e3 * times[int(0.9 * len(times))], "target_ms": 100.0, "ok": med < 0.100})
    return rows


def main() -> list[dict]:
    rows = results()
    print(f"{'benchmark':<62} {'ms':>9} {'p90':>9} {'ratio':>7} {'target':>8}  result")
    for r in rows:
        p90 = f"{r['p90']:9.3f}" if "p90" in r else " " * 9
        ratio = f"{r['ratio']:.2f}x" if "ratio" in r else ""
        target = (f"<{r['target_ms']:g} ms" if "target_ms" in r
                  else f"<={r['target_ratio']:g}x" if "target_ratio" in r else "")
        verdict = ("PASS" if r["ok"] else "MISS") if "ok" in r else ""
        print(f"{r['what']:<62} {r['ms']:9.3f} {p90} {ratio:>7} {target:>8}  {verdict}")
    return rows


if __name__ == "__main__":
    main()
