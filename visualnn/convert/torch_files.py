"""PyTorch files: a state dict (``torch.save(model.state_dict())``) or TorchScript.

Nothing pickled is executed: a state dict is read with
``torch.load(weights_only=True)``, which refuses any pickle that names code; a
TorchScript archive is opened with ``torch.jit.load`` (TorchScript, not Python)
and read module by module.  A state dict holds weights only, so its
activations come from the caller (``--activations``).
"""
from __future__ import annotations

import pickle
import warnings
import zipfile
from pathlib import Path

from .dense import ActivationsNeeded, ImportRefused, Piece, activation, dense

# PyTorch module -> (engine activation, the module's settings the engine takes)
TORCH_ACTIVATIONS = {"Tanh": "tanh", "Sigmoid": "sigmoid", "ReLU": "relu", "LeakyReLU": "leaky_relu", "ELU": "elu",
                     "Softplus": "softplus", "GELU": "gelu", "Identity": "linear", "Softmax": "softmax"}
SKIPPED = ("Dropout", "Flatten")          # nothing to show at inference (Flatten of rows that are flat already)


def _torch(source: str):
    try:
        import torch
    except ImportError:
        raise ImportRefused(f"{source}: reading PyTorch files needs torch (pip install torch)") from None
    return torch


def is_torchscript(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            return any("/code/" in n for n in z.namelist())
    except zipfile.BadZipFile:
        return False


def read_torch(path: Path, activations: list[str] | None) -> list[Piece]:
    source = str(path)
    torch = _torch(source)
    if is_torchscript(path):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)      # torch.jit is deprecated, still reads
            return _scripted(torch.jit.load(str(path), map_location="cpu"), source)
    try:
        obj = torch.load(str(path), map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as err:
        first = str(err).split("\n")[0].strip()
        raise ImportRefused(f"{source}: the file holds pickled Python objects, not only weights, and was not "
                            f"loaded (loading would run their code). Save model.state_dict() or a TorchScript "
                            f"file (torch.jit.script(model).save(...)). PyTorch said: {first}") from None
    except (RuntimeError, OSError, EOFError) as err:
        raise ImportRefused(f"{source}: not a PyTorch file PyTorch can read: {str(err).splitlines()[0]}") from None
    return state_dict_pieces(_state_dict(obj, source, torch), activations, source)


def _state_dict(obj, source: str, torch) -> dict:
    for key in ("state_dict", "model_state_dict", "model"):
        if isinstance(obj, dict) and isinstance(obj.get(key), dict):
            obj = obj[key]
    if not isinstance(obj, dict) or not all(isinstance(v, torch.Tensor) for v in obj.values()):
        raise ImportRefused(f"{source}: expected a state dict (names to tensors), got {type(obj).__name__}")
    return {k: v.detach().double().numpy() for k, v in obj.items()}


def state_dict_pieces(sd: dict, activations: list[str] | None, source: str) -> list[Piece]:
    """Layers from ``prefix.weight`` / ``prefix.bias`` pairs in the dict's order, each followed
    by its activation from ``activations`` (one per layer)."""
    pieces: list[Piece] = []
    prefixes = list(dict.fromkeys(k.rsplit(".", 1)[0] for k in sd if k.endswith(".weight")))
    other = [k for k in sd if not k.endswith((".weight", ".bias"))]
    if other:
        raise ImportRefused(f"{source}: {other[0]!r} is not a layer's weight or bias (batch norm or another "
                            f"layer visualnn cannot show)")
    if activations is None:
        raise ActivationsNeeded(f"{source}: a state dict holds weights only; give each layer's activation "
                                f"(--activations tanh,sigmoid for {len(prefixes)} layers)", len(prefixes))
    if len(activations) != len(prefixes):
        raise ImportRefused(f"{source}: {len(prefixes)} layers ({', '.join(prefixes)}) but "
                            f"{len(activations)} activations given")
    for prefix, act in zip(prefixes, activations):
        W = sd[f"{prefix}.weight"]
        if W.ndim == 1:
            raise ImportRefused(f"{source}: layer {prefix!r} has a 1-D weight (a normalisation layer); "
                                f"visualnn shows fully connected layers")
        pieces.append(dense(prefix, W, sd.get(f"{prefix}.bias"), source))
        pieces.append(activation(prefix, act, source))
    return pieces


def _scripted(module, source: str) -> list[Piece]:
    pieces: list[Piece] = []
    children = list(module.named_children())
    if not children:
        children = [("", module)]
    for name, child in children:
        kind = child.original_name
        where = f"{name} ({kind})"
        if kind == "Linear":
            bias = child.bias.detach().double().numpy() if child.bias is not None else None
            pieces.append(dense(where, child.weight.detach().double().numpy(), bias, source))
        elif kind in TORCH_ACTIVATIONS:
            pieces.append(activation(where, TORCH_ACTIVATIONS[kind], source, **_settings(child, kind, where, source)))
        elif kind not in SKIPPED:
            raise ImportRefused(f"{source}: layer {where} cannot be shown: visualnn shows fully connected "
                                f"layers (Linear) and the activations "
                                f"{', '.join(sorted(TORCH_ACTIVATIONS))}")
    return pieces


# torch.export (.pt2): the graph's ATen ops -> engine activations
ATEN_ACTIVATIONS = {"tanh": "tanh", "sigmoid": "sigmoid", "relu": "relu", "leaky_relu": "leaky_relu", "elu": "elu",
                    "softplus": "softplus", "gelu": "gelu", "softmax": "softmax", "_softmax": "softmax"}
ATEN_PASSED = ("dropout", "flatten", "view", "reshape", "clone", "alias", "detach")


def read_exported(path: Path) -> list[Piece]:
    """A ``torch.export`` archive (.pt2): its graph of ATen ops, node by node."""
    source = str(path)
    torch = _torch(source)
    try:
        ep = torch.export.load(str(path))
    except Exception as err:    # noqa: BLE001  (the loader raises many kinds on a file that is not .pt2)
        raise ImportRefused(f"{source}: not a torch.export file PyTorch can read: {str(err).splitlines()[0]}") \
            from None
    weights = {k: v.detach().double().numpy() for k, v in ep.state_dict.items()}
    param = ep.graph_signature.inputs_to_parameters
    pieces: list[Piece] = []
    for n in ep.graph.nodes:
        if n.op != "call_function":
            continue
        op = str(n.target).split(".")[1] if str(n.target).startswith("aten.") else str(n.target)
        where = f"node {n.name!r} ({n.target})"
        if op == "linear":
            w, b = (n.args[1], n.args[2] if len(n.args) > 2 else None)
            pieces.append(dense(where, weights[param[w.name]], None if b is None else weights[param[b.name]], source))
        elif op in ATEN_ACTIVATIONS:
            attrs = {"alpha": float(n.args[1])} if op in ("leaky_relu", "elu") and len(n.args) > 1 else {}
            if op == "gelu" and n.kwargs.get("approximate", "none") != "none":
                raise ImportRefused(f"{source}: {where} is the tanh approximation; the engine's GELU is the exact one")
            pieces.append(activation(where, ATEN_ACTIVATIONS[op], source, **attrs))
        elif op not in ATEN_PASSED:
            raise ImportRefused(f"{source}: {where} cannot be shown: visualnn imports linear layers and the "
                                f"activations {', '.join(sorted(set(ATEN_ACTIVATIONS.values())))}")
    return pieces


def _settings(child, kind: str, where: str, source: str) -> dict:
    if kind == "LeakyReLU":
        return {"alpha": float(child.negative_slope)}
    if kind == "ELU":
        return {"alpha": float(child.alpha)}
    if kind == "Softplus" and (float(child.beta) != 1.0):
        raise ImportRefused(f"{source}: layer {where} has beta {float(child.beta):g}; the engine's softplus has 1")
    if kind == "GELU" and getattr(child, "approximate", "none") != "none":
        raise ImportRefused(f"{source}: layer {where} is the tanh approximation; the engine's GELU is the exact one")
    return {}
