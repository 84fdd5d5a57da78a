"""A network ready to use: its graph, parameter values, data and training
settings.  This is what a file describes and what every view shows."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .graph import Graph
from .network import DenseModel, LayeredSpec, compile_layered


@dataclass
class Dataset:
    """Samples as columns: ``columns[name]`` is an array with one value per
    sample, for every input and target node.  ``test`` is the held-out part."""
    columns: dict[str, np.ndarray] = field(default_factory=dict)
    test: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def sample(self, i: int) -> dict[str, float]:
        return {k: float(v[i]) for k, v in self.columns.items()}

    def samples(self) -> list[dict[str, float]]:
        return [self.sample(i) for i in range(len(self))]

    def matrix(self, names: list[str], test: bool = False) -> np.ndarray:
        cols = self.test if test else self.columns
        if not names:
            return np.zeros((len(self), 0))
        return np.stack([np.asarray(cols[n], dtype=float) for n in names], axis=1)


@dataclass
class TrainingSettings:
    epochs: int = 100
    learning_rate: float = 0.5
    optimizer: str = "sgd"
    batch_size: int | None = None           # None: the whole training set
    seed: int = 0
    hyper: dict = field(default_factory=dict)  # momentum, beta1, ...
    init: str | None = None                 # "random": start from seeded random weights
    init_scale: float = 1.0
    schedule: dict | None = None            # learning-rate schedule per epoch (optimizers.scheduled_lr)


@dataclass
class Model:
    title: str
    graph: Graph
    params: dict[str, float]
    spec: LayeredSpec | None = None          # set for layered networks
    data: Dataset = field(default_factory=Dataset)
    training: TrainingSettings = field(default_factory=TrainingSettings)
    description: str = ""
    features: list[str] | None = None        # the inputs are these features of 2-D points (engine.features)

    def gate_graph(self) -> Graph:
        """The same network with every neuron expanded to mul and add gates."""
        if self.spec is None:
            return self.graph
        g = compile_layered(self.spec, gates=True)
        g.frozen = self.graph.frozen
        return g

    def dense(self) -> DenseModel | None:
        """The matrix form (layered networks with a loss), for fast training and surfaces."""
        if self.spec is None or self.spec.loss is None:
            return None
        return DenseModel(self.spec, self.graph.param_names)

    def samples(self) -> list[dict[str, float]]:
        """One feed dict per sample (inputs and targets); at least one."""
        s = self.data.samples()
        return s or [{}]

    def copy(self) -> "Model":
        import copy
        return copy.deepcopy(self)
