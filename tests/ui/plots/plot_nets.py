"""Small networks built with the engine alone, for the plot-panel tests."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from visualnn.engine import Dataset, Layer, LayeredSpec, Model, TrainingSettings, compile_layered


def mazur_model() -> Model:
    """The lecture's 2-2-2 network (w1=.15 ... b2=.60, inputs .05/.10, targets .01/.99)."""
    spec = LayeredSpec(
        inputs=["i1", "i2"],
        layers=[Layer(["h1", "h2"], "sigmoid", [["w1", "w2"], ["w3", "w4"]], ["b1", "b1"]),
                Layer(["o1", "o2"], "sigmoid", [["w5", "w6"], ["w7", "w8"]], ["b2", "b2"])],
        loss="squared_error", targets=["target_o1", "target_o2"], loss_name="E_total")
    params = dict(w1=.15, w2=.20, w3=.25, w4=.30, w5=.40, w6=.45, w7=.50, w8=.55, b1=.35, b2=.60)
    data = Dataset({"i1": np.array([.05]), "i2": np.array([.10]),
                    "target_o1": np.array([.01]), "target_o2": np.array([.99])})
    return Model("Mazur 2-2-2", compile_layered(spec), params, spec, data,
                 TrainingSettings(epochs=10, learning_rate=0.5))


def dense_model(title, sizes, activations, data_cols, loss="mse", params=None, seed=0, **training):
    """A layered network over ``data_cols`` (inputs x1.., targets t1..)."""
    from visualnn.engine.network import auto_names
    from visualnn.engine.training import initial_params
    inputs, layers = auto_names(sizes)
    spec_layers = []
    prev = inputs
    k = 0
    for neurons, act in zip(layers, activations):
        rows = []
        for j in neurons:
            row = []
            for _ in prev:
                k += 1
                row.append(f"w{k}")
            rows.append(row)
        spec_layers.append(Layer(neurons, act, rows, [f"b_{n}" for n in neurons]))
        prev = neurons
    targets = [f"t{j + 1}" for j in range(sizes[-1])]
    spec = LayeredSpec(inputs, spec_layers, loss, targets)
    cols = dict(data_cols)
    test = {k[5:]: v for k, v in cols.items() if k.startswith("test:")}
    cols = {k: v for k, v in cols.items() if not k.startswith("test:")}
    model = Model(title, compile_layered(spec), {}, spec, Dataset(cols, test), TrainingSettings(**training))
    model.params = params or initial_params(model, seed)
    return model


def run_script_that_exits(script: str) -> subprocess.CompletedProcess:
    """Run ``script`` offscreen in a new interpreter (this folder on its path as argv[1])."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-c", script, str(Path(__file__).parent)], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
