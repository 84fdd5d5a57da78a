"""ONNX graphs of fully connected layers: ``Gemm``, or ``MatMul`` then ``Add``, and activations.

Read with the ``onnx`` package (the ``import`` extra): a protobuf, no code.
The nodes must form one chain from the graph's input to its output; anything
else is refused naming the first node that cannot be shown.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .dense import ImportRefused, Piece, activation, dense

ONNX_ACTIVATIONS = {"Tanh": "tanh", "Sigmoid": "sigmoid", "Relu": "relu", "LeakyRelu": "leaky_relu", "Elu": "elu",
                    "Softplus": "softplus", "Gelu": "gelu", "Identity": "linear", "Softmax": "softmax"}
PASSED = ("Dropout", "Flatten")


def read_onnx(path: Path) -> list[Piece]:
    source = str(path)
    try:
        import onnx
        from onnx import numpy_helper
    except ImportError:
        raise ImportRefused(f"{source}: reading ONNX files needs the onnx package: "
                            f"pip install 'visualnn[import]'") from None
    try:
        model = onnx.load(str(path))
    except Exception as err:     # noqa: BLE001  (protobuf raises its own errors on a damaged file)
        raise ImportRefused(f"{source}: not an ONNX model onnx can read: {err}") from None
    g = model.graph
    consts = {t.name: numpy_helper.to_array(t).astype(float) for t in g.initializer}
    for n in g.node:
        if n.op_type == "Constant":
            consts[n.output[0]] = numpy_helper.to_array(n.attribute[0].t).astype(float)
    chain = _Chain(source, consts, onnx.helper.get_attribute_value)
    inputs = [i.name for i in g.input if i.name not in consts]
    if len(inputs) != 1:
        raise ImportRefused(f"{source}: the graph has {len(inputs)} inputs ({', '.join(inputs)}); "
                            f"visualnn imports a network with one input vector")
    current = inputs[0]
    for n in g.node:
        if n.op_type == "Constant":
            continue
        current = chain.take(n, current)
    return chain.finish()


class _Chain:
    """Walks the nodes in order, each taking the output of the one before."""

    def __init__(self, source: str, consts: dict, attr):
        self.source, self.consts, self.attr = source, consts, attr
        self.pieces: list[Piece] = []
        self.pending: tuple[str, np.ndarray] | None = None     # a MatMul waiting for its Add

    def where(self, n) -> str:
        return f"node {n.name or n.output[0]!r} ({n.op_type})"

    def take(self, n, current: str) -> str:
        attrs = {a.name: self.attr(a) for a in n.attribute}
        data = [i for i in n.input if i and i not in self.consts]
        if data != [current]:
            raise ImportRefused(f"{self.source}: {self.where(n)} does not continue a single chain of layers "
                                f"(it reads {', '.join(data) or 'only constants'}); visualnn shows one stack of "
                                f"fully connected layers")
        if self.pending is not None and n.op_type != "Add":
            self._flush(None)
        if n.op_type == "Gemm":
            self._gemm(n, attrs)
        elif n.op_type == "MatMul":
            self.pending = (self.where(n), self.consts[n.input[1]].T)
        elif n.op_type == "Add" and self.pending is not None:
            self._flush(self.consts[[i for i in n.input if i in self.consts][0]])
        elif n.op_type in ONNX_ACTIVATIONS:
            self.pieces.append(activation(self.where(n), ONNX_ACTIVATIONS[n.op_type], self.source,
                                          **self._settings(n, attrs)))
        elif n.op_type not in PASSED:
            raise ImportRefused(f"{self.source}: {self.where(n)} cannot be shown: visualnn imports Gemm, MatMul "
                                f"then Add, and the activations {', '.join(sorted(ONNX_ACTIVATIONS))}")
        return n.output[0]

    def _gemm(self, n, attrs):
        if attrs.get("transA", 0) or attrs.get("alpha", 1.0) != 1.0 or attrs.get("beta", 1.0) != 1.0:
            raise ImportRefused(f"{self.source}: {self.where(n)} scales or transposes its input; "
                                f"only x·Wᵀ + b (alpha 1, beta 1, transA 0) is a fully connected layer")
        W = self.consts[n.input[1]]
        W = W if attrs.get("transB", 0) else W.T
        b = self.consts.get(n.input[2]) if len(n.input) > 2 and n.input[2] else None
        self.pieces.append(dense(self.where(n), W, b, self.source))

    def _flush(self, bias):
        assert self.pending is not None
        name, W = self.pending
        self.pieces.append(dense(name, W, bias, self.source))
        self.pending = None

    def _settings(self, n, attrs) -> dict:
        if n.op_type in ("LeakyRelu", "Elu"):
            return {"alpha": float(attrs.get("alpha", 0.01 if n.op_type == "LeakyRelu" else 1.0))}
        if n.op_type == "Softmax" and attrs.get("axis", -1) not in (-1, 1):
            raise ImportRefused(f"{self.source}: {self.where(n)} is not over the outputs of a layer")
        if n.op_type == "Gelu" and attrs.get("approximate", "none") != "none":
            raise ImportRefused(f"{self.source}: {self.where(n)} is the tanh approximation; the engine's "
                                f"GELU is the exact one")
        return {}

    def finish(self) -> list[Piece]:
        if self.pending is not None:
            self._flush(None)
        return self.pieces
