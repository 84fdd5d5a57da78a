"""The ``network`` section: an expression graph or a layered network.

Reading checks the declaration completely (every problem, with its place),
then builds the engine graph.  Writing turns a model back into a declaration.

Expression graph::

    {"type": "graph",
     "nodes": [{"name": "x", "op": "input"}, {"name": "y", "op": "input"},
               {"name": "q", "op": "add", "inputs": ["x", "y"]}, ...],
     "output": "f"}

Layered network (explicit, or compact with ``sizes``)::

    {"type": "layered", "inputs": ["i1", "i2"],
     "layers": [{"neurons": ["h1", "h2"], "activation": "sigmoid",
                 "weights": [["w1", "w2"], ["w3", "w4"]], "biases": ["b1", "b1"]}, ...],
     "loss": {"op": "squared_error", "targets": ["target_o1", "target_o2"], "name": "E_total"}}

    {"type": "layered", "sizes": [2, 8, 8, 1], "activations": ["tanh", "tanh", "sigmoid"],
     "loss": {"op": "binary_cross_entropy"}}
"""
from __future__ import annotations

from ..engine.graph import Graph
from ..engine.network import LayeredSpec
from ..engine.ops import OPS
from .checks import Checker
from .jsontext import join
from .network_common import (  # noqa: F401
    COMPACT_KEYS,
    GATE_CHECK_WEIGHTS,
    GRAPH_KEYS,
    LAYER_ACTIVATIONS,
    LAYER_KEYS,
    LAYERED_KEYS,
    LOSS_KEYS,
    NODE_KEYS,
    NetworkInfo,
    check_attrs,
    graph_nodes,
    op_names,
)
from .network_graph import read_graph, restrict  # noqa: F401
from .network_layered import read_layered  # noqa: F401


def read_network(ck: Checker, decl, place: str = "network") -> NetworkInfo | None:
    decl = ck.obj(decl, place, 'an object with "type": "graph" or "layered"')
    if decl is None:
        return None
    if "type" not in decl:
        ck.add(join(place, "type"), 'missing; expected "graph" (an expression graph) or "layered"')
        return None
    kind = ck.choice(decl["type"], join(place, "type"), ["graph", "layered"], "network type")
    if kind == "graph":
        return read_graph(ck, decl, place)
    if kind == "layered":
        return read_layered(ck, decl, place)
    return None


def guess_feeds(decl) -> tuple[list[str], list[str]]:
    """Best-effort input and target names of a declaration that did not check
    out, so the data can still be checked against them."""
    ins: list[str] = []
    tgs: list[str] = []
    if not isinstance(decl, dict):
        return ins, tgs
    if decl.get("type") == "graph" and isinstance(decl.get("nodes"), list):
        for n in decl["nodes"]:
            if isinstance(n, dict) and isinstance(n.get("name"), str):
                if n.get("op") == "input":
                    ins.append(n["name"])
                elif n.get("op") == "target":
                    tgs.append(n["name"])
    elif decl.get("type") == "layered":
        if isinstance(decl.get("inputs"), list):
            ins = [x for x in decl["inputs"] if isinstance(x, str)]
        elif isinstance(decl.get("sizes"), list) and decl["sizes"] and isinstance(decl["sizes"][0], int) \
                and not isinstance(decl["sizes"][0], bool) and 0 < decl["sizes"][0] <= 10_000:
            ins = [f"x{i + 1}" for i in range(decl["sizes"][0])]
        loss = decl.get("loss")
        if isinstance(loss, dict):
            if isinstance(loss.get("targets"), list):
                tgs = [x for x in loss["targets"] if isinstance(x, str)]
            elif isinstance(decl.get("layers"), list) and decl["layers"] and isinstance(decl["layers"][-1], dict) \
                    and isinstance(decl["layers"][-1].get("neurons"), list):
                tgs = [f"target_{x}" for x in decl["layers"][-1]["neurons"] if isinstance(x, str)]
            elif isinstance(decl.get("sizes"), list) and decl["sizes"] and isinstance(decl["sizes"][-1], int) \
                    and not isinstance(decl["sizes"][-1], bool) and 0 < decl["sizes"][-1] <= 10_000:
                tgs = [f"target_y{j + 1}" for j in range(decl["sizes"][-1])]
    return list(dict.fromkeys(ins)), list(dict.fromkeys(t for t in tgs if t not in ins))


# -- writing ----------------------------------------------------------------------
def graph_declaration(graph: Graph, output: str | None = None) -> dict:
    nodes = []
    for n in graph.nodes.values():
        d: dict = {"name": n.name, "op": n.op}
        if n.inputs:
            d["inputs"] = list(n.inputs)
        if n.weights and any(w is not None for w in n.weights):
            d["weights"] = list(n.weights)
        if not n.is_leaf:
            defaults = dict(OPS[n.op].attrs)
            attrs = {k: v for k, v in n.attrs.items() if k not in defaults or defaults[k] != v}
            if attrs:
                d["attrs"] = attrs
        if n.op == "const":
            d["value"] = float(n.value)
        if n.op == "param" and n.name in graph.frozen:
            d["trainable"] = False
        if n.layer is not None:
            d["layer"] = int(n.layer)
        if n.group is not None:
            d["group"] = n.group
        nodes.append(d)
    out: dict = {"type": "graph", "nodes": nodes}
    if output is not None and output in graph.nodes:
        out["output"] = output
    if graph.cost_output:
        out["cost"] = True
    return out


def layered_declaration(spec: LayeredSpec) -> dict:
    layers = []
    for L in spec.layers:
        d: dict = {"neurons": list(L.neurons), "activation": L.activation,
                   "weights": [list(row) for row in L.weights]}
        if any(b is not None for b in L.biases):
            d["biases"] = list(L.biases)
        if L.attrs:
            d["attrs"] = dict(L.attrs)
        layers.append(d)
    out: dict = {"type": "layered", "inputs": list(spec.inputs), "layers": layers}
    if spec.loss:
        loss: dict = {"op": spec.loss, "targets": list(spec.targets), "name": spec.loss_name}
        if spec.loss_attrs:
            loss["attrs"] = dict(spec.loss_attrs)
        out["loss"] = loss
    return out


def signature(graph: Graph) -> tuple:
    """The structure of a graph, for telling whether it was edited."""
    return tuple((n.name, n.op, tuple(n.inputs), tuple(n.weights), tuple(sorted(n.attrs.items())),
                  float(n.value), n.layer, n.group) for n in graph.nodes.values())
