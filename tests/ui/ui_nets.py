"""Networks for the stepper-window tests, built straight from the engine."""
from __future__ import annotations

import numpy as np

from visualnn.engine import Dataset, Layer, LayeredSpec, Model, TrainingSettings, compile_layered
from visualnn.engine.network import auto_names


def mazur_model() -> Model:
    """The lecture's 2-2-2 network (w1=.15 ... b2=.60, inputs .05/.10, targets .01/.99, rate .5)."""
    spec = LayeredSpec(
        inputs=["i1", "i2"],
        layers=[Layer(["h1", "h2"], "sigmoid", [["w1", "w2"], ["w3", "w4"]], ["b1", "b1"]),
                Layer(["o1", "o2"], "sigmoid", [["w5", "w6"], ["w7", "w8"]], ["b2", "b2"])],
        loss="squared_error", targets=["target_o1", "target_o2"], loss_name="E_total")
    params = dict(w1=.15, w2=.20, w3=.25, w4=.30, w5=.40, w6=.45, w7=.50, w8=.55, b1=.35, b2=.60)
    data = Dataset({"i1": np.array([.05]), "i2": np.array([.10]),
                    "target_o1": np.array([.01]), "target_o2": np.array([.99])})
    return Model("Mazur 2-2-2", compile_layered(spec), params, spec, data, TrainingSettings(learning_rate=0.5))


def layered_model(sizes, activation="sigmoid", samples=1, seed=0, loss="squared_error") -> Model:
    """A fully connected network of ``sizes`` with seeded random weights and data."""
    rng = np.random.default_rng(seed)
    inputs, layers = auto_names(sizes)
    spec_layers, prev, params = [], inputs, {}
    for li, neurons in enumerate(layers, start=1):
        rows = []
        for n in neurons:
            row = [f"w{li}_{n}_{j}" for j in range(len(prev))]
            rows.append(row)
            for w in row:
                params[w] = float(rng.normal(0, 1 / np.sqrt(len(prev))))
            params[f"b_{n}"] = float(rng.normal(0, 0.1))
        spec_layers.append(Layer(neurons, activation, rows, [f"b_{n}" for n in neurons]))
        prev = neurons
    targets = [f"t_{n}" for n in layers[-1]]
    spec = LayeredSpec(inputs, spec_layers, loss, targets)
    cols = {x: rng.uniform(-1, 1, samples) for x in inputs}
    cols.update({t: rng.uniform(0, 1, samples) for t in targets})
    return Model(f"{'-'.join(map(str, sizes))} network", compile_layered(spec), params, spec, Dataset(cols),
                 TrainingSettings(learning_rate=0.5))
