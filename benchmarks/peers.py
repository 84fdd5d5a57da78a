"""visualnn's training step against its peers, in one process.

    python benchmarks/peers.py          # the table
    python benchmarks/peers.py --soak   # also the 1,000,000-step stepper soak (benchmarks/soak.py)

The same network, the same starting weights, the same data, the same step
(forward, backward, SGD update, mean squared error) in:

- visualnn's engine: ``Trainer.step`` (DenseModel.gradient + the optimizer),
  the fast path training uses;
- visualnn's neuron-level graph (one node per neuron, what the stepper
  shows; for information);
- hand-written NumPy;
- PyTorch on the CPU, float64, ``torch.set_num_threads(1)``;
- micrograd (its ``Value``; micrograd has only ReLU, so tanh is added in
  micrograd's own style).  Slow: timed over fewer repetitions.

Every implementation's parameters after one step are first checked equal to
visualnn's (to 1e-9), so the timings compare the same computation.  Two
workloads: one step of a [2, 16, 16, 1] tanh MLP on 100 samples, and one
full-batch epoch of a [2, 8, 8, 1] tanh MLP on a 400-point spiral.

Targets (visualnn's engine step): faster than PyTorch CPU, within 3x of
hand-written NumPy, at least 10,000x faster than micrograd.  ``results()``
returns the rows as dicts for a later run_all script.  PyTorch and
micrograd are optional (``pip install 'visualnn[bench]'``); a missing one
is reported as skipped.
"""
from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from visualnn.engine import Layer, LayeredSpec, Model, TrainingSettings, compile_layered  # noqa: E402
from visualnn.engine.datasets import as_dataset, generate  # noqa: E402
from visualnn.engine.training import Trainer, initial_params  # noqa: E402

LR = 0.05
AGREE = 1e-9
TARGET_TORCH = 1.0          # visualnn time / torch time must be below this
TARGET_NUMPY = 3.0          # visualnn time / NumPy time at most
TARGET_MICROGRAD = 10_000   # micrograd time / visualnn time at least


def median_time(fn, number: int, repeat: int) -> float:
    """Median over ``repeat`` runs of the mean time of ``number`` calls, in seconds."""
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t) / number)
    return statistics.median(times)


# --- the network, as a visualnn model ------------------------------------------------
def make_model(sizes, data: str, n: int, seed: int = 0) -> Model:
    inputs = [f"x{i + 1}" for i in range(sizes[0])]
    prev, layers = inputs, []
    for l, k in enumerate(sizes[1:], start=1):
        neurons = [f"h{l}_{j + 1}" for j in range(k)]
        layers.append(Layer(neurons, "tanh", [[f"w{l}_{j}_{i}" for i in range(len(prev))] for j in range(k)],
                            [f"b{l}_{j}" for j in range(k)]))
        prev = neurons
    spec = LayeredSpec(inputs, layers, "mse", ["t1"])
    if data == "circles":
        cols = generate("circles", n=n, noise=0.05, labels=(-1.0, 1.0), seed=seed)
    else:
        cols = generate("spiral", n=n, noise=0.05, labels=(-1.0, 1.0), seed=seed)
    m = Model(f"{sizes}", compile_layered(spec), {}, spec, as_dataset(*cols, inputs, ["t1"]),
              TrainingSettings(learning_rate=LR, optimizer="sgd"))
    m.params = initial_params(m, seed=seed)
    # biases start at 0 in initial_params; give them values so every parameter is exercised
    rng = np.random.default_rng(seed + 1)
    for name in m.params:
        if name.startswith("b"):
            m.params[name] = float(rng.uniform(-0.1, 0.1))
    return m


def weights_of(m: Model):
    """Per layer: W (out, in) and b (out,), from the model's named parameters."""
    p = m.params
    return ([np.array([[p[w] for w in row] for row in L.weights]) for L in m.spec.layers],
            [np.array([p[b] for b in L.biases]) for L in m.spec.layers])


def flatten(m: Model, Ws, bs) -> np.ndarray:
    """Per-layer matrices back to visualnn's parameter order."""
    vals = {}
    for L, W, b in zip(m.spec.layers, Ws, bs):
        for row, wrow in zip(L.weights, W):
            vals.update(zip(row, map(float, wrow)))
        vals.update(zip(L.biases, map(float, b)))
    return np.array([vals[n] for n in m.graph.param_names])


# --- the implementations: each returns (step function, parameters-after-one-step function) --
def visualnn_engine(m: Model):
    tr = Trainer(m, lr=LR, optimizer="sgd", start="model")
    state = {"theta": tr.theta.copy()}

    def step():
        state["theta"], _ = tr.step(state["theta"])

    def after_one():
        t2 = Trainer(m, lr=LR, optimizer="sgd", start="model")
        return t2.step(t2.theta)[0]
    return step, after_one


def visualnn_graph(m: Model):
    gm = m.copy()
    gm.spec = None                        # train the neuron-level graph itself
    tr = Trainer(gm, lr=LR, optimizer="sgd", start="model")
    state = {"theta": tr.theta.copy()}

    def step():
        state["theta"], _ = tr.step(state["theta"])

    def after_one():
        t2 = Trainer(gm, lr=LR, optimizer="sgd", start="model")
        return t2.step(t2.theta)[0]
    return step, after_one


class NumpyMLP:
    """The same step written out by hand in NumPy."""

    def __init__(self, m: Model):
        self.W, self.b = weights_of(m)
        self.X = m.data.matrix(m.spec.inputs)
        self.T = m.data.matrix(m.spec.targets)

    def step(self):
        A = [self.X]
        for W, b in zip(self.W, self.b):
            A.append(np.tanh(A[-1] @ W.T + b))
        out = A[-1]
        dA = -2.0 * (self.T - out) / out.size
        for l in range(len(self.W) - 1, -1, -1):
            dZ = dA * (1.0 - A[l + 1] ** 2)
            gW, gb = dZ.T @ A[l], dZ.sum(axis=0)
            if l:
                dA = dZ @ self.W[l]
            self.W[l] -= LR * gW
            self.b[l] -= LR * gb


def numpy_impl(m: Model):
    net = NumpyMLP(m)

    def after_one():
        n2 = NumpyMLP(m)
        n2.step()
        return flatten(m, n2.W, n2.b)
    return net.step, after_one


def torch_impl(m: Model, torch):
    torch.set_num_threads(1)

    def build():
        Ws, bs = weights_of(m)
        mods = []
        for W, b in zip(Ws, bs):
            lin = torch.nn.Linear(W.shape[1], W.shape[0]).double()
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(W))
                lin.bias.copy_(torch.from_numpy(b))
            mods += [lin, torch.nn.Tanh()]
        net = torch.nn.Sequential(*mods)
        opt = torch.optim.SGD(net.parameters(), lr=LR)
        X = torch.from_numpy(m.data.matrix(m.spec.inputs))
        T = torch.from_numpy(m.data.matrix(m.spec.targets))
        return net, opt, X, T

    net, opt, X, T = build()

    def step_of(net, opt, X, T):
        def step():
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(net(X), T)
            loss.backward()
            opt.step()
        return step

    def after_one():
        n2, o2, X2, T2 = build()
        step_of(n2, o2, X2, T2)()
        lins = [mod for mod in n2 if isinstance(mod, torch.nn.Linear)]
        return flatten(m, [l.weight.detach().numpy() for l in lins], [l.bias.detach().numpy() for l in lins])
    return step_of(net, opt, X, T), after_one


def micrograd_tanh(Value):
    """tanh for micrograd's Value, written the way micrograd writes relu."""
    def tanh(v):
        t = math.tanh(v.data)
        out = Value(t, (v,), "tanh")

        def _backward():
            v.grad += (1 - t * t) * out.grad
        out._backward = _backward
        return out
    return tanh


def micrograd_impl(m: Model, Value):
    tanh = micrograd_tanh(Value)
    X = m.data.matrix(m.spec.inputs).tolist()
    T = m.data.matrix(m.spec.targets)[:, 0].tolist()

    def build():
        Ws, bs = weights_of(m)
        return ([[[Value(float(w)) for w in row] for row in W] for W in Ws],
                [[Value(float(c)) for c in b] for b in bs])

    def step_of(Wv, bv):
        params = [w for W in Wv for row in W for w in row] + [c for b in bv for c in b]

        def step():
            total = Value(0.0)
            for x, t in zip(X, T):
                a = x
                for W, b in zip(Wv, bv):
                    a = [tanh(sum((wi * ai for wi, ai in zip(row, a)), c)) for row, c in zip(W, b)]
                total = total + (a[0] - t) ** 2
            loss = total * (1.0 / len(X))
            for p in params:
                p.grad = 0
            loss.backward()
            for p in params:
                p.data -= LR * p.grad
        return step

    Wv, bv = build()

    def after_one():
        W2, b2 = build()
        step_of(W2, b2)()
        return flatten(m, [np.array([[w.data for w in row] for row in W]) for W in W2],
                       [np.array([c.data for c in b]) for b in b2])
    return step_of(Wv, bv), after_one


# --- the comparison ------------------------------------------------------------------
def _optional(name):
    try:
        if name == "torch":
            import torch
            return torch
        from micrograd.engine import Value
        return Value
    except ImportError:
        return None


def workload(title: str, m: Model, number: int, repeat: int, mg_repeat: int) -> list[dict]:
    torch = _optional("torch")
    Value = _optional("micrograd")
    impls = [("visualnn engine (Trainer.step: DenseModel + SGD)", visualnn_engine(m), number, repeat),
             ("visualnn neuron-level graph (for information)", visualnn_graph(m), max(1, number // 20), repeat),
             ("hand-written NumPy", numpy_impl(m), number, repeat)]
    if torch is not None:
        impls.append(("PyTorch CPU, float64, 1 thread", torch_impl(m, torch), number, repeat))
    if Value is not None:
        impls.append(("micrograd (Value, tanh added)", micrograd_impl(m, Value), 1, mg_repeat))
    reference = impls[0][1][1]()
    rows = []
    times = {}
    for label, (step, after_one), num, rep in impls:
        got = after_one()
        err = float(np.max(np.abs(got - reference)) / np.max(np.abs(reference)))
        if not err < AGREE:
            raise AssertionError(f"{title}: {label} disagrees with visualnn after one step (rel err {err:.3g})")
        t = median_time(step, num, rep)
        times[label] = t
        rows.append({"workload": title, "what": label, "ms": 1e3 * t, "agree": err})
    t_vis = times[impls[0][0]]
    for r in rows:
        r["ratio"] = r["ms"] / (1e3 * t_vis)             # time relative to visualnn's engine
        if r["what"] == "hand-written NumPy":
            r["target"] = f"visualnn <= {TARGET_NUMPY:g}x NumPy"
            r["ok"] = t_vis / (r["ms"] / 1e3) <= TARGET_NUMPY
        elif r["what"].startswith("PyTorch"):
            r["target"] = "visualnn faster"
            r["ok"] = t_vis / (r["ms"] / 1e3) < TARGET_TORCH
        elif r["what"].startswith("micrograd"):
            r["target"] = f">= {TARGET_MICROGRAD:,}x slower"
            r["ok"] = (r["ms"] / 1e3) / t_vis >= TARGET_MICROGRAD
    for name, present in (("PyTorch", torch), ("micrograd", Value)):
        if present is None:
            rows.append({"workload": title, "what": f"{name}: not installed (pip install 'visualnn[bench]')",
                         "ms": float("nan"), "skipped": True})
    return rows


def results() -> list[dict]:
    rows = workload("one step, [2, 16, 16, 1] tanh MLP, 100 samples",
                    make_model([2, 16, 16, 1], "circles", 100), number=200, repeat=15, mg_repeat=3)
    rows += workload("one full-batch epoch, [2, 8, 8, 1] tanh MLP, 400-point spiral",
                     make_model([2, 8, 8, 1], "spiral", 400), number=200, repeat=15, mg_repeat=3)
    return rows


def main(argv=None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--soak", action="store_true", help="also run the 1,000,000-step stepper soak")
    args = ap.parse_args(argv)
    rows = results()
    current = None
    for r in rows:
        if r["workload"] != current:
            current = r["workload"]
            print(f"\n{current}")
            print(f"  {'implementation':<52} {'median ms':>11} {'÷ visualnn':>11}  {'target':<24} result")
        if r.get("skipped"):
            print(f"  {r['what']}")
            continue
        verdict = ("PASS" if r["ok"] else "MISS") if "ok" in r else ""
        print(f"  {r['what']:<52} {r['ms']:11.4f} {r['ratio']:10.1f}x  {r.get('target', ''):<24} {verdict}")
    if args.soak:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import soak
        print()
        rows += soak.main([])
    return rows


if __name__ == "__main__":
    main()
