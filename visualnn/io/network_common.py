"""What the two kinds of ``network`` section share: the section's keys, ``NetworkInfo``
(what reading found), op settings, name lists and the size limits."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..engine.graph import Graph
from ..engine.network import LayeredSpec
from ..engine.ops import ACTIVATIONS, OPS
from .budget import too_many
from .checks import Checker, listing, suggestion
from .jsontext import join
from .limits import MAX_NODES, MAX_WEIGHTS

LAYER_ACTIVATIONS = list(ACTIVATIONS) + ["identity", "softmax"]
GRAPH_KEYS = ("type", "nodes", "output", "cost")
NODE_KEYS = ("name", "op", "inputs", "weights", "attrs", "value", "layer", "group", "trainable")
LAYERED_KEYS = ("type", "inputs", "layers", "loss")
COMPACT_KEYS = ("type", "sizes", "activations", "inputs", "biases", "loss")
LAYER_KEYS = ("neurons", "activation", "attrs", "weights", "biases")
LOSS_KEYS = ("op", "targets", "name", "attrs")
# the gate view is compiled as a check only up to this size (it makes one node per weight)
GATE_CHECK_WEIGHTS = 20_000


@dataclass
class NetworkInfo:
    """What reading the ``network`` section found."""
    kind: str                                        # graph | layered
    graph: Graph | None = None                       # the evaluated graph (only what ``output`` needs)
    full_graph: Graph | None = None                  # every declared node
    spec: LayeredSpec | None = None
    output: str | None = None                        # graph: the chosen output node
    cost: bool = False                               # graph: the output is a cost to minimise
    param_places: dict[str, str] = field(default_factory=dict)     # parameter -> where first used
    inline: dict[str, tuple[float, tuple]] = field(default_factory=dict)  # auto name -> (value, path in decl)
    inputs: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    frozen: set[str] = field(default_factory=set)    # graph: param nodes declared "trainable": false


def op_names() -> list[str]:
    return sorted(n for n in OPS if n != "identity")


# -- attributes -------------------------------------------------------------------
def check_attrs(ck: Checker, attrs, place: str, op: str, n_inputs: int | None) -> dict | None:
    attrs = ck.obj(attrs, place, "an object of op settings")
    if attrs is None:
        return None
    known = [k for k, _ in OPS[op].attrs]
    out = {}
    ok = True
    for k, v in attrs.items():
        p = join(place, k)
        if k not in known:
            takes = f"it takes {listing(known)}" if known else "it takes no settings"
            ck.add(p, f"{op} has no setting {k!r}{suggestion(k, known)}; {takes}")
            ok = False
            continue
        if op == "softmax" and k == "index":
            hi = (n_inputs - 1) if n_inputs else None
            x = ck.number(v, p, "the index of the softmax output", lo=0, hi=hi, integer=True)
        elif op == "exp_base" and k == "base":
            x = ck.number(v, p, "a base", lo=0, lo_open=True)
        else:
            x = ck.number(v, p, f"a number for {k}")
        if x is None:
            ok = False
        else:
            out[k] = x
    return out if ok else None


# -- expression graph -------------------------------------------------------------


def graph_nodes(inputs: int, neurons: int, outputs: int) -> int:
    """Nodes of a layered network's graph: its inputs, a weighted sum and an output per
    neuron, a target per output neuron and the loss."""
    return inputs + 2 * neurons + outputs + 1


def within_limits(ck: Checker, place: str, inputs: int, neurons: int, outputs: int, weights: int) -> bool:
    nodes = graph_nodes(inputs, neurons, outputs)
    if nodes <= MAX_NODES and weights <= MAX_WEIGHTS:
        return True
    ck.add(place, f"the network has {neurons:,} neurons ({nodes:,} graph nodes) and {weights:,} weights; at most "
                  f"{MAX_NODES:,} graph nodes and {MAX_WEIGHTS:,} weights are allowed (the documented limits)")
    return False




def names_list(ck: Checker, v, place: str, what: str) -> list[str] | None:
    lst = ck.lst(v, place, f"a list of {what} names")
    if lst is None:
        return None
    if not lst:
        ck.add(place, f"expected at least one {what} name, got an empty list")
        return None
    if len(lst) > MAX_NODES:
        ck.add(place, too_many(len(lst), f"{what}s", MAX_NODES))
        return None
    out: list[str] = []
    seen: dict[str, int] = {}
    ok = True
    for k, x in enumerate(lst):
        s = ck.name(x, f"{place}[{k}]", f"a {what} name")
        if s is None:
            ok = False
        elif s in seen:
            ck.add(f"{place}[{k}]", f"duplicate {what} name {s!r} (also {place}[{seen[s]}])")
            ok = False
        else:
            seen[s] = k
            out.append(s)
    return out if ok else None


