"""The networks tests and benchmarks share (``from nets import mazur_model``).

The lecture's 2-2-2 network is the one ``examples/mazur_2_2_2.json`` declares,
read through the file format, so the example and the tests cannot drift apart.
Fully connected networks are built one way, with the names a ``"sizes"``
network file gets: inputs x1.., hidden neurons h<layer>_<j>, outputs y1..,
weights w_<from>_<to>, biases b_<neuron>, targets t1...
"""
from __future__ import annotations

import dataclasses
from functools import lru_cache
from pathlib import Path

import numpy as np

from visualnn.engine import Dataset, Layer, LayeredSpec, Model, TrainingSettings, compile_layered
from visualnn.engine.network import auto_names
from visualnn.engine.training import initial_params
from visualnn.io import load

MAZUR_FILE = Path(__file__).resolve().parents[1] / "examples" / "mazur_2_2_2.json"


@lru_cache(maxsize=1)
def _mazur() -> Model:
    return load(MAZUR_FILE).model


def mazur_model(layered: bool = True, **training) -> Model:
    """A fresh copy of the 2-2-2 network: w1=.15 ... b2=.60, inputs .05/.10, targets
    .01/.99, learning rate .5.  ``layered=False`` drops the spec, so the engine
    treats it as a plain graph; ``training`` overrides the file's training settings."""
    model = _mazur().copy()
    if training:
        model.training = dataclasses.replace(model.training, **training)
    if not layered:
        model.spec = None
    return model


def mazur_spec() -> LayeredSpec:
    """The 2-2-2 network's layers (b1 shared by h1 and h2, b2 by o1 and o2), a fresh copy."""
    spec = mazur_model().spec
    assert spec is not None
    return spec


MAZUR_PARAMS: dict[str, float] = dict(_mazur().params)
MAZUR_SAMPLE: dict[str, float] = _mazur().samples()[0]


def mlp_model(sizes, activation: str = "sigmoid", out_activation: str | None = None, loss: str = "squared_error",
              data: Dataset | dict | None = None, *, params: dict | None = None, random_seed: int | None = None,
              samples: int = 0, title: str = "mlp", **training) -> Model:
    """A fully connected network of ``sizes`` (inputs first); the output layer uses
    ``out_activation`` (default ``activation``).

    Parameters: ``params`` when given, else the engine's seeded random start
    (``initial_params``) when ``random_seed`` is given, else all zero.  Data:
    ``data`` (a Dataset or a dict of columns), else ``samples`` random samples
    drawn from ``random_seed`` (inputs in [-1, 1], targets in [0, 1]).
    ``training`` sets the TrainingSettings (epochs, learning_rate, seed, ...)."""
    inputs, names = auto_names(list(sizes))
    layers, prev = [], inputs
    for k, neurons in enumerate(names):
        act = (out_activation or activation) if k == len(names) - 1 else activation
        layers.append(Layer(neurons, act, [[f"w_{src}_{n}" for src in prev] for n in neurons],
                            [f"b_{n}" for n in neurons]))
        prev = neurons
    targets = [f"t{j + 1}" for j in range(sizes[-1])]
    spec = LayeredSpec(inputs, layers, loss, targets)
    if isinstance(data, dict):
        data = Dataset(data)
    if data is None:
        rng = np.random.default_rng(random_seed)
        cols = {x: rng.uniform(-1, 1, samples) for x in inputs}
        cols.update({t: rng.uniform(0, 1, samples) for t in targets})
        data = Dataset(cols) if samples else Dataset()
    graph = compile_layered(spec)
    model = Model(title, graph, {p: 0.0 for p in graph.param_names}, spec, data, TrainingSettings(**training))
    if params is not None:
        model.params = dict(params)
    elif random_seed is not None:
        model.params = initial_params(model, random_seed)
    return model
