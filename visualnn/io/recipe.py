"""A new network from a few choices (File > New network…), as a document.

``NetworkRecipe`` holds what the New dialog asks; ``recipe_json`` writes it as
the file a user could have typed (compact ``sizes``, a data ``generator`` with
its ``features``, the training settings, the seeded starting ``params``), and
``new_document`` reads that back through ``loads``, so a new network passes the
same checks and limits as any file and saves as it was made.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..engine.architecture import initial_values
from ..engine.datasets import shape as data_shape
from ..engine.model import Dataset
from .checks import Checker
from .data import read_data
from .document import Document, loads
from .errors import Problems
from .jsontext import dumps_value
from .limits import FORMAT_NAME, FORMAT_VERSION


@dataclass
class NetworkRecipe:
    hidden: list[int] = field(default_factory=lambda: [3])
    activations: list[str] = field(default_factory=lambda: ["tanh"])   # one per hidden layer
    outputs: int = 1
    output_activation: str = "sigmoid"
    loss: str = "binary_cross_entropy"
    optimizer: str = "sgd"
    learning_rate: float = 0.5
    epochs: int = 1000
    init: str = "xavier"
    init_value: float = 1.0             # the constant, the uniform half-width, or Xavier's and He's scale
    seed: int = 0
    dataset: str = "xor"
    samples: int | None = None          # None: the data set's own size
    noise: float = 0.0
    test_fraction: float = 0.0
    data_seed: int = 0
    features: list[str] | None = None   # input features of 2-D points; None: the data set's own inputs
    title: str = "Untitled"


def data_declaration(dataset: str, samples: int | None, noise: float, seed: int, test_fraction: float,
                     features: list[str] | None) -> dict:
    """A generated data set's ``data`` section: the recipe, not the points."""
    data: dict = {"generator": dataset, "noise": float(noise), "seed": int(seed), "test_fraction": float(test_fraction)}
    if samples is not None:
        data["n"] = int(samples)
    if features is not None and list(features) != ["x1", "x2"]:
        data["features"] = list(features)
    return data


def generated_data(decl: dict, inputs: list[str], targets: list[str]) -> tuple[Dataset, list[str] | None]:
    """The samples a ``data`` section makes for a network's inputs and targets, and the
    input features they hold; raises ``FileFormatError`` naming what does not fit."""
    problems = Problems("the data")
    info = read_data(Checker(problems), decl, "data", inputs, targets, None)
    problems.raise_if_any()
    assert info is not None                       # else a problem was raised
    return info.dataset, info.features


def recipe_json(recipe: NetworkRecipe, params: dict[str, float] | None = None) -> dict:
    """The file a recipe makes (without ``params``: a seeded random start stands in)."""
    r = recipe
    data = data_declaration(r.dataset, r.samples, r.noise, r.data_seed, r.test_fraction, r.features)
    n_in = len(r.features) if r.features is not None else data_shape(r.dataset)[0]
    network: dict = {"type": "layered", "sizes": [n_in] + list(r.hidden) + [int(r.outputs)],
                     "activations": list(r.activations) + [r.output_activation], "loss": {"op": r.loss}}
    if r.features is not None:
        network["inputs"] = list(r.features)
    training: dict = {"epochs": int(r.epochs), "learning_rate": float(r.learning_rate),
                      "optimizer": r.optimizer, "seed": int(r.seed)}
    out = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "title": r.title, "network": network}
    if params is None:
        training["init"] = "random"
    else:
        out["params"] = params
    out["data"] = data
    out["training"] = training
    return out


def new_document(recipe: NetworkRecipe) -> Document:
    """The document a recipe makes, with no path (untitled); raises
    ``FileFormatError`` naming the setting that does not fit."""
    shape = loads(dumps_value(recipe_json(recipe)), "the new network")
    assert shape.model.spec is not None          # a "sizes" network is layered
    params = initial_values(shape.model.spec, recipe.init, recipe.seed, recipe.init_value)
    return loads(dumps_value(recipe_json(recipe, params)), "the new network")
