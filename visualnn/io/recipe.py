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
from .document import Document, loads
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
    features: list[str] = field(default_factory=lambda: ["x1", "x2"])
    title: str = "Untitled"


def recipe_json(recipe: NetworkRecipe, params: dict[str, float] | None = None) -> dict:
    """The file a recipe makes (without ``params``: a seeded random start stands in)."""
    r = recipe
    data: dict = {"generator": r.dataset, "noise": float(r.noise), "seed": int(r.data_seed),
                  "test_fraction": float(r.test_fraction)}
    if r.samples is not None:
        data["n"] = int(r.samples)
    if r.features != ["x1", "x2"]:
        data["features"] = list(r.features)
    network = {"type": "layered", "sizes": [len(r.features)] + list(r.hidden) + [int(r.outputs)],
               "activations": list(r.activations) + [r.output_activation], "inputs": list(r.features),
               "loss": {"op": r.loss}}
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
