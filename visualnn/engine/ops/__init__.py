"""Every operation the engine knows, each one definition: its forward rule, its
local derivatives, its formula and local-formula text, its gate symbol, its
kinks and special points and its PyTorch equivalent (see ``base.Op``).

``arithmetic`` holds the gates and penalties, ``activations`` what a neuron
applies to its weighted sum, ``losses`` the losses.
"""
from __future__ import annotations

from . import activations, arithmetic, losses  # noqa: F401  (each registers its ops)
from .base import OPS, LocalText, Op, op

LEAF_KINDS = ("input", "target", "param", "const")
# activations a layer can use: one input, one output
ACTIVATIONS = [n for n, o in OPS.items() if o.kind == "activation" and o.arity == 1 and n != "identity"]
# losses of outputs then as many targets
LOSSES = [n for n, o in OPS.items() if o.kind == "loss" and o.pairs]
# every loss a layered network can end in (class_cross_entropy takes one target: the class number)
LAYER_LOSSES = [n for n, o in OPS.items() if o.kind == "loss"]


def attrs_with_defaults(opname: str, attrs: dict) -> dict:
    full = {k: v for k, v in OPS[opname].attrs}
    full.update(attrs or {})
    return full


__all__ = ["OPS", "Op", "LocalText", "op", "LEAF_KINDS", "ACTIVATIONS", "LOSSES", "LAYER_LOSSES",
           "attrs_with_defaults"]
