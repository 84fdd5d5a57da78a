"""Edits of a network's structure as undoable commands: its architecture
(neurons, layers, activations, biases, frozen parameters) and its samples.

Each command keeps the whole before and after (plain data), so undo and redo
put back exactly the same numbers; the session rebuilds the graph and the
stepper from them and shows the same step number (or the nearest valid one).
"""
from __future__ import annotations

import copy
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ..engine import architecture as arch
from ..engine.model import Dataset, Model
from ..engine.network import LayeredSpec, compile_layered
from .undo import Command, UndoStack

EDITS: dict[str, Callable[..., tuple[LayeredSpec, dict]]] = {
    "add_neuron": arch.add_neuron, "remove_neuron": arch.remove_neuron, "add_layer": arch.add_layer,
         "remove_layer": arch.remove_layer, "set_activation": arch.set_activation, "set_bias": arch.set_bias}


@dataclass(frozen=True)
class Architecture:
    """A layered network's structure and the starting values of its parameters."""
    spec: LayeredSpec
    params: dict
    frozen: frozenset
    features: tuple[str, ...] | None = None       # the inputs as features of 2-D points (Model.features)


class Replace(Command):
    """Put the whole ``new`` in place through ``apply`` (undo: the whole ``old``):
    an architecture or a data set, kept as plain data so both ways are exact."""

    def __init__(self, apply: Callable[[Any], None], new: Any, old: Any, text: str):
        self.apply, self.new, self.old, self.text = apply, new, old, text

    def redo(self) -> None:
        self.apply(self.new)

    def undo(self) -> None:
        self.apply(self.old)


class StructureMixin(ABC):
    """The structure half of the session model (the host rebuilds its stepper in ``_rebuild``)."""

    model: Model | None
    undo_stack: UndoStack
    document: Any

    @abstractmethod
    def _rebuild(self) -> None:
        """Build the stepper anew from the model, at the same step number or the nearest valid one."""

    @property
    def _layered(self) -> Model:
        m = self.model
        if m is None or m.spec is None:
            raise ValueError("only a layered network's architecture can be edited")
        return m

    def architecture(self) -> Architecture:
        m = self._layered
        assert m.spec is not None
        return Architecture(copy.deepcopy(m.spec), dict(m.params), frozenset(m.graph.frozen),
                            tuple(m.features) if m.features else None)

    def edit_architecture(self, edit: str, *args: Any, text: str | None = None) -> None:
        """One undoable architecture edit, by the name of an ``engine.architecture``
        function (``add_neuron``, ``remove_layer``, ...) and its arguments after
        ``(spec, params)``; raises ``ArchitectureError`` (nothing changes) when it does not fit."""
        old = self.architecture()
        spec, params = EDITS[edit](old.spec, old.params, *args)
        new = Architecture(spec, params, frozenset(n for n in old.frozen if n in params), old.features)
        self.undo_stack.push(Replace(self.apply_architecture, new, old, text or edit.replace("_", " ")))

    def set_frozen(self, name: str, frozen: bool) -> None:
        """Freeze a parameter (training and the update step leave it as it is), or free it."""
        old = self.architecture()
        if name not in old.params:
            raise KeyError(f"{name!r} is not a parameter of this network")
        if (name in old.frozen) == frozen:
            return
        new_frozen = old.frozen | {name} if frozen else old.frozen - {name}
        new = Architecture(copy.deepcopy(old.spec), dict(old.params), frozenset(new_frozen), old.features)
        self.undo_stack.push(Replace(self.apply_architecture, new, old, f"{'freeze' if frozen else 'free'} {name}"))

    def apply_architecture(self, a: Architecture) -> None:
        """What an architecture edit (its ``Replace``) does: the model takes the structure, the stepper is rebuilt."""
        m = self._layered
        m.spec = copy.deepcopy(a.spec)
        m.graph = compile_layered(m.spec)
        m.graph.frozen = frozenset(a.frozen)
        m.params = dict(a.params)
        m.features = list(a.features) if a.features else None
        self._rebuild()

    # -- samples ----------------------------------------------------------------------------
    def add_sample(self, values: dict[str, float], text: str | None = None) -> None:
        """A training sample more (values for every input and target), undoable."""
        m = _open(self.model)
        cols = m.data.columns
        missing = [k for k in cols if k not in values]
        if missing or not cols:
            raise KeyError(f"a sample needs a value for {', '.join(missing) or 'each input and target'}")
        new = {k: np.append(np.asarray(v, dtype=float), float(values[k])) for k, v in cols.items()}
        self._push_data(Dataset(new, dict(m.data.test)), text or "add a sample")

    def remove_sample(self, index: int) -> None:
        """Take training sample ``index`` out (undoable); the last one stays."""
        m = _open(self.model)
        if len(m.data) < 2:
            raise ValueError("the last training sample cannot be removed")
        new = {k: np.delete(np.asarray(v, dtype=float), int(index)) for k, v in m.data.columns.items()}
        self._push_data(Dataset(new, dict(m.data.test)), f"remove sample {index + 1}")

    def set_dataset(self, dataset: Dataset, text: str = "new data") -> None:
        self._push_data(dataset, text)

    def _push_data(self, new: Dataset, text: str) -> None:
        m = _open(self.model)
        old = Dataset(dict(m.data.columns), dict(m.data.test))
        self.undo_stack.push(Replace(self.apply_dataset, new, old, text))

    def import_data(self, columns: dict, features: list[str], targets: list[str], text: str = "import data") -> None:
        """Feed the network other data, one undo step: the ``features`` columns become
        its inputs (named after them; first-layer weights from an input that stays are
        kept), the ``targets`` columns its targets, in order."""
        m = self._layered
        assert m.spec is not None
        if len(targets) != len(m.spec.targets):
            raise arch.ArchitectureError(f"the network has {len(m.spec.targets)} target(s) "
                                         f"({', '.join(m.spec.targets)}); the data gives {len(targets)}")
        old = self.architecture()
        spec, params = arch.set_inputs(old.spec, old.params, list(features))
        new_arch = Architecture(spec, params, frozenset(n for n in old.frozen if n in params))
        cols = {f: np.asarray(columns[f], dtype=float) for f in features}
        cols.update({t: np.asarray(columns[c], dtype=float) for t, c in zip(spec.targets, targets)})
        old_data = Dataset(dict(m.data.columns), dict(m.data.test))
        self.undo_stack.push(Replace(self.apply_network_and_data, (new_arch, Dataset(cols, {})),
                                     (old, old_data), text))

    def apply_network_and_data(self, both: tuple[Architecture, Dataset]) -> None:
        m = self._layered
        m.data = Dataset(dict(both[1].columns), dict(both[1].test))
        self.apply_architecture(both[0])

    def set_generated_data(self, dataset: Dataset, recipe: dict, features: list[str] | None,
                           text: str = "generate data", inputs: list[str] | None = None) -> None:
        """New generated data (one undo step), saved by its ``recipe`` (the file's
        ``data`` section) rather than point by point.  With ``inputs`` other than the
        network's (other input features), the inputs change in the same step."""
        feats = list(features) if features else None
        old_arch = new_arch = None
        m = _open(self.model)
        if inputs is not None and m.spec is not None and list(inputs) != list(m.spec.inputs):
            old_arch = self.architecture()
            spec, params = arch.set_inputs(old_arch.spec, old_arch.params, list(inputs))
            new_arch = Architecture(spec, params, frozenset(n for n in old_arch.frozen if n in params),
                                    tuple(feats) if feats else None)
        new = (_copy(dataset), (dict(recipe), "generator", _copy(dataset)), feats, new_arch)
        self.undo_stack.push(Replace(self.apply_data_recipe, new, self._data_recipe() + (old_arch,), text))

    def _data_recipe(self) -> tuple:
        m = _open(self.model)
        src = getattr(self.document, "source", None)
        recipe = (copy.deepcopy(src.data), src.data_form, _copy(src.dataset)) if src is not None else None
        return _copy(m.data), recipe, m.features

    def apply_data_recipe(self, state: tuple) -> None:
        """The data, the input features, the inputs when they change and (for saving)
        the file's data section, in one."""
        dataset, recipe, features, architecture = state
        m = _open(self.model)
        src = getattr(self.document, "source", None)
        if src is not None and recipe is not None:          # (section, form, the data it made): what saving compares
            src.data, src.data_form, src.dataset = copy.deepcopy(recipe[0]), recipe[1], _copy(recipe[2])
        m.features = list(features) if features else None
        if architecture is None:
            self.apply_dataset(dataset)
            return
        m.data = Dataset(dict(dataset.columns), dict(dataset.test))
        self.apply_architecture(architecture)

    def apply_dataset(self, dataset: Dataset) -> None:
        m = _open(self.model)
        m.data = Dataset(dict(dataset.columns), dict(dataset.test))
        self._rebuild()


def _copy(d: Dataset | None) -> Dataset | None:
    if d is None:
        return None
    return Dataset({k: np.array(v, dtype=float) for k, v in d.columns.items()},
                   {k: np.array(v, dtype=float) for k, v in d.test.items()})


def _open(model: Model | None) -> Model:
    if model is None:
        raise RuntimeError("no network is open")
    return model
