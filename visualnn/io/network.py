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

from dataclasses import dataclass, field

from ..engine.graph import Graph, GraphError, Node
from ..engine.network import Layer, LayeredSpec, auto_names, compile_layered, net_name, out_name
from ..engine.ops import ACTIVATIONS, LAYER_LOSSES, LEAF_KINDS, OPS
from .budget import too_many
from .checks import Checker, is_number, listing, suggestion
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
def read_graph(ck: Checker, decl: dict, place: str) -> NetworkInfo | None:
    before = ck.failures
    ck.keys(decl, place, GRAPH_KEYS, required=("nodes",))
    raw = ck.lst(decl.get("nodes"), join(place, "nodes"), "a list of nodes") if "nodes" in decl else None
    if raw is None:
        return None
    if not raw:
        ck.add(join(place, "nodes"), "expected at least one node, got an empty list")
        return None
    if len(raw) > MAX_NODES:
        ck.add(join(place, "nodes"), too_many(len(raw), "nodes", MAX_NODES))
        return None
    info = NetworkInfo("graph")
    where: dict[str, int] = {}                    # node name -> index
    parsed: list[dict | None] = []
    for i, nd in enumerate(raw):
        p = f"{place}.nodes[{i}]"
        nd = ck.obj(nd, p, "a node (an object with name and op)")
        if nd is None:
            parsed.append(None)
            continue
        ck.keys(nd, p, NODE_KEYS, required=("name", "op"))
        name = ck.name(nd.get("name"), join(p, "name"), "a node name") if "name" in nd else None
        if name is not None:
            if name in where:
                ck.add(join(p, "name"), f"duplicate node name {name!r} (also {place}.nodes[{where[name]}]); "
                                        f"every node needs its own name")
            else:
                where[name] = i
        op = None
        if "op" in nd:
            op = ck.string(nd["op"], join(p, "op"), "an op name")
            if op is not None and op not in OPS and op not in LEAF_KINDS:
                ck.add(join(p, "op"), f"unknown op {op!r}{suggestion(op, list(OPS) + list(LEAF_KINDS))}; "
                                      f"known ops: {', '.join(op_names())}; leaves: {', '.join(LEAF_KINDS)}")
                op = None
        parsed.append({"name": name, "op": op, "raw": nd, "place": p})

    edges = 0
    for nd in parsed:
        if nd is not None and isinstance(nd["raw"].get("inputs"), list):
            edges += len(nd["raw"]["inputs"])
    if edges > MAX_WEIGHTS:
        ck.add(join(place, "nodes"), too_many(edges, "edges", MAX_WEIGHTS))
        return None

    nodes: list[Node] = []
    for nd in parsed:
        if nd is None or nd["op"] is None or nd["name"] is None:
            continue
        node = _read_node(ck, nd, where, info)
        if node is not None:
            nodes.append(node)

    out_place = join(place, "output")
    if "output" in decl:
        out = ck.name(decl["output"], out_place, "the name of the output node")
        if out is not None and out not in where:
            ck.add(out_place, f"no node named {out!r}{suggestion(out, where)}")
        elif out is not None:
            info.output = out
    if "cost" in decl:
        info.cost = bool(ck.boolean(decl["cost"], join(place, "cost"),
                                    "true or false (true: training minimises the output)"))
    if ck.failures > before:
        return None
    cycle = _find_cycle(nodes)
    if cycle:
        shown = cycle if len(cycle) <= 12 else cycle[:8] + [f"... ({len(cycle) - 11:,} more)"] + cycle[-3:]
        size = f" of {len(cycle) - 1:,} nodes" if shown is not cycle else ""
        ck.add(join(place, "nodes"), f"the graph has a cycle{size}: {' -> '.join(shown)}; "
                                     f"a node cannot depend on its own value")
        return None
    for n in nodes:
        if n.op == "param":
            info.param_places.setdefault(n.name, f"{place}.nodes[{where[n.name]}]")
        for k, w in enumerate(n.weights):
            if w is not None:
                info.param_places.setdefault(w, f"{place}.nodes[{where[n.name]}].weights[{k}]")
    for w, p in info.param_places.items():
        if w in where and raw[where[w]].get("op") != "param":
            ck.add(p, f"the weight {w!r} has the same name as the {raw[where[w]].get('op')} node "
                      f"{place}.nodes[{where[w]}]; parameters need their own names")
    if ck.failures > before:
        return None
    try:
        info.full_graph = Graph([_copy_node(n) for n in nodes])
        info.full_graph.validate()
        info.graph = restrict(nodes, info.output) if info.output else Graph([_copy_node(n) for n in nodes])
        info.graph.cost_output = info.cost
        info.graph.validate()
    except GraphError as e:          # checked above already; the engine has the last word
        ck.add(place, str(e))
        return None
    info.inputs = info.full_graph.inputs
    info.targets = info.full_graph.targets
    return info


def _copy_node(n: Node) -> Node:
    return Node(n.name, n.op, tuple(n.inputs), tuple(n.weights), dict(n.attrs), n.value, n.layer, n.group)


def restrict(nodes, output: str) -> Graph:
    """The graph of ``output`` and every node it depends on, in declaration order."""
    by = {n.name: n for n in nodes}
    need = {output}
    stack = [output]
    while stack:
        for i in by[stack.pop()].inputs:
            if i not in need:
                need.add(i)
                stack.append(i)
    return Graph([_copy_node(n) for n in nodes if n.name in need], output=output)


def _read_node(ck: Checker, nd: dict, where: dict, info: NetworkInfo) -> Node | None:
    raw, p, name, op = nd["raw"], nd["place"], nd["name"], nd["op"]
    ok = True
    if op in LEAF_KINDS:
        for key in ("inputs", "weights", "attrs"):
            if key in raw:
                ck.add(join(p, key), f"a {op} leaf takes no {key}")
                ok = False
        value = 0.0
        if "trainable" in raw:
            if op != "param":
                ck.add(join(p, "trainable"), f"only a param leaf can be frozen; a {op} leaf never learns")
                ok = False
            elif ck.boolean(raw["trainable"], join(p, "trainable"),
                            "true or false (false: training never changes it)") is False:
                info.frozen.add(name)
        if op == "const":
            if "value" not in raw:
                ck.add(join(p, "value"), "missing; a const node needs a value (a number)")
                ok = False
            else:
                v = ck.number(raw["value"], join(p, "value"), "a number (the constant's value)")
                ok = ok and v is not None
                value = float(v) if v is not None else 0.0
        elif "value" in raw:
            where_v = "in params" if op == "param" else "in data"
            ck.add(join(p, "value"), f"a {op} node takes no value here; give its value {where_v}")
            ok = False
        layer, group = _layout(ck, raw, p)
        return Node(name, op, layer=layer, group=group, value=value) if ok and layer is not False else None

    spec = OPS[op]
    for key in ("value", "trainable"):
        if key in raw:
            ck.add(join(p, key), f"an {op} node computes its value; only const leaves take a value"
                   if key == "value" else f"an {op} node has no value of its own to freeze; freeze a param leaf")
            ok = False
    inputs = []
    if "inputs" not in raw:
        ck.add(join(p, "inputs"), f"missing; op {op} needs {_arity(spec)}")
        return None
    lst = ck.lst(raw["inputs"], join(p, "inputs"), "a list of node names")
    if lst is None:
        return None
    for k, x in enumerate(lst):
        q = f"{p}.inputs[{k}]"
        s = ck.name(x, q, "a node name")
        if s is None:
            ok = False
        elif s not in where:
            ck.add(q, f"no node named {s!r}{suggestion(s, where)}; every input must be the name of a node")
            ok = False
        else:
            inputs.append(s)
    n = len(lst)
    if spec.arity is not None and n != spec.arity:
        ck.add(join(p, "inputs"), f"op {op} takes {_arity(spec)}, got {n}")
        ok = False
    elif spec.arity is None and n < spec.min_inputs:
        ck.add(join(p, "inputs"), f"op {op} takes {_arity(spec)}, got {n}")
        ok = False
    elif spec.pairs and n % 2:
        ck.add(join(p, "inputs"), f"loss {op} takes the outputs and then their targets, an even number "
                                  f"of inputs, got {n}")
        ok = False
    weights: tuple = ()
    if "weights" in raw:
        q = join(p, "weights")
        if not spec.weighted:
            ck.add(q, f"op {op} takes no edge weights (only weighted_sum does)")
            ok = False
        else:
            wl = ck.lst(raw["weights"], q, "a list with a parameter name or null for each input")
            if wl is None:
                ok = False
            else:
                if len(wl) != n:
                    ck.add(q, f"expected {n} entries (one per input), got {len(wl)}")
                    ok = False
                ws: list[str | None] = []
                for k, w in enumerate(wl):
                    if w is None:
                        ws.append(None)
                    else:
                        s = ck.name(w, f"{q}[{k}]", "a parameter name or null")
                        ok = ok and s is not None
                        ws.append(s)
                weights = tuple(ws)
    attrs = {}
    if "attrs" in raw:
        a = check_attrs(ck, raw["attrs"], join(p, "attrs"), op, n)
        if a is None:
            ok = False
        else:
            attrs = a
    layer, group = _layout(ck, raw, p)
    if not ok or layer is False:
        return None
    return Node(name, op, tuple(inputs), weights, attrs, layer=layer, group=group)


def _layout(ck: Checker, raw: dict, p: str):
    layer, group = None, None
    if "layer" in raw:
        layer = ck.number(raw["layer"], join(p, "layer"), "a column number for the layout", lo=0, hi=1_000_000,
                          integer=True)
        if layer is None:
            return False, None
    if "group" in raw:
        group = ck.name(raw["group"], join(p, "group"), "a group name")
        if group is None:
            return False, None
    return layer, group


def _arity(spec) -> str:
    if spec.arity is not None:
        return f"{spec.arity} input{'s' if spec.arity != 1 else ''}"
    return f"at least {spec.min_inputs} inputs"


def _find_cycle(nodes: list[Node]) -> list[str] | None:
    """One cycle as a list of names (first repeated at the end), or None; iterative DFS."""
    by = {n.name: n for n in nodes}
    state: dict[str, int] = {}                    # 1 on the stack, 2 done
    for start in by:
        if state.get(start):
            continue
        stack = [(start, iter(by[start].inputs))]
        path = [start]
        state[start] = 1
        while stack:
            name, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                path.pop()
                state[name] = 2
                continue
            if nxt not in by:
                continue
            s = state.get(nxt)
            if s == 1:
                cyc = path[path.index(nxt):] + [nxt]
                return list(reversed(cyc))
            if s is None:
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter(by[nxt].inputs)))
    return None


# -- layered network ----------------------------------------------------------------
def read_layered(ck: Checker, decl: dict, place: str) -> NetworkInfo | None:
    if "sizes" in decl:
        return _read_compact(ck, decl, place)
    before = ck.failures
    ck.keys(decl, place, LAYERED_KEYS, required=("inputs", "layers"))
    info = NetworkInfo("layered")
    inputs = _names_list(ck, decl.get("inputs"), join(place, "inputs"), "input") if "inputs" in decl else None
    layers_raw = ck.lst(decl.get("layers"), join(place, "layers"), "a list of layers") if "layers" in decl else None
    if layers_raw is not None and not layers_raw:
        ck.add(join(place, "layers"), "expected at least one layer, got an empty list")
        layers_raw = None
    if inputs is None or layers_raw is None:
        _read_loss(ck, decl, place, None)
        return None
    # sizes first, so a huge network is refused before anything is built
    total_w, total_n, prev_n = 0, len(inputs), len(inputs)
    for L in layers_raw:
        if isinstance(L, dict) and isinstance(L.get("neurons"), list):
            total_n += len(L["neurons"])
            total_w += len(L["neurons"]) * prev_n
            prev_n = len(L["neurons"])
    if not _within_limits(ck, place, len(inputs), total_n - len(inputs), prev_n, total_w):
        return None

    names: dict[str, str] = {n: f"{place}.inputs[{k}]" for k, n in enumerate(inputs)}
    prev: list[str] | None = list(inputs)
    layers: list[Layer] = []
    entries: list[tuple] = []                        # (value, path, place, src, neuron, kind)
    explicit: dict[str, str] = {}
    for l, L in enumerate(layers_raw):
        p = f"{place}.layers[{l}]"
        L = ck.obj(L, p, "a layer (an object with neurons, activation, weights)")
        if L is None:
            prev = None
            continue
        ck.keys(L, p, LAYER_KEYS, required=("neurons", "activation", "weights"))
        neurons = _names_list(ck, L.get("neurons"), join(p, "neurons"), "neuron") if "neurons" in L else None
        act = None
        if "activation" in L:
            act = ck.choice(L["activation"], join(p, "activation"), LAYER_ACTIVATIONS, "activation")
        attrs = {}
        if "attrs" in L and act is not None:
            attrs = check_attrs(ck, L["attrs"], join(p, "attrs"), act, len(neurons or [])) or {}
            if act == "softmax" and attrs:
                ck.add(join(p, "attrs"), "a softmax layer takes no settings")
        if neurons is None:
            prev = None
            continue
        for k, n in enumerate(neurons):
            for node in (n, net_name(n), out_name(n)):
                if node in names:
                    ck.add(f"{p}.neurons[{k}]", f"the name {node!r} is already used ({names[node]}); "
                                                f"every input, neuron, target and the loss need their own names")
            names.setdefault(n, f"{p}.neurons[{k}]")
            names.setdefault(net_name(n), f"{p}.neurons[{k}] (its weighted sum)")
            names.setdefault(out_name(n), f"{p}.neurons[{k}] (its output)")
        weights: list[list] = [[None] * (len(prev) if prev else 0) for _ in neurons]
        biases: list = [None] * len(neurons)
        if "weights" in L and prev is not None:
            W = ck.lst(L["weights"], join(p, "weights"), f"a matrix: {len(neurons)} rows (one per neuron)")
            if W is not None:
                if len(W) != len(neurons):
                    ck.add(join(p, "weights"), f"expected {len(neurons)} rows (one per neuron: "
                                               f"{listing(neurons, 6)}), got {len(W)}")
                for j, row in enumerate(W[:len(neurons)]):
                    q = f"{p}.weights[{j}]"
                    row = ck.lst(row, q, f"a row of {len(prev)} weights (one per input)")
                    if row is None:
                        continue
                    if len(row) != len(prev):
                        ck.add(q, f"expected {len(prev)} entries (one per input of neuron {neurons[j]!r}: "
                                  f"{listing(prev, 6)}), got {len(row)}")
                    for i, w in enumerate(row[:len(prev)]):
                        entries.append((w, ("layers", l, "weights", j, i), f"{q}[{i}]", prev[i], neurons[j], "w"))
        if "biases" in L:
            B = ck.lst(L["biases"], join(p, "biases"), f"a list of {len(neurons)} biases (one per neuron)")
            if B is not None:
                if len(B) != len(neurons):
                    ck.add(join(p, "biases"), f"expected {len(neurons)} entries (one per neuron: "
                                              f"{listing(neurons, 6)}), got {len(B)}")
                for j, b in enumerate(B[:len(neurons)]):
                    entries.append((b, ("layers", l, "biases", j), f"{p}.biases[{j}]", None, neurons[j], "b"))
        layers.append(Layer(list(neurons), act or "linear", weights, biases, attrs))
        prev = list(neurons) if act is not None else None

    loss = _read_loss(ck, decl, place, layers[-1].neurons if layers and len(layers) == len(layers_raw) else None)
    if loss:
        for k, t in enumerate(loss["targets"]):
            if t in names:
                ck.add(f"{place}.loss.targets[{k}]", f"the name {t!r} is already used ({names[t]})")
            names.setdefault(t, f"{place}.loss.targets[{k}]")
        if loss["name"] in names:
            ck.add(f"{place}.loss.name", f"the name {loss['name']!r} is already used ({names[loss['name']]})")
    if ck.failures > before or len(layers) != len(layers_raw):
        _check_entries(ck, entries, names, explicit)
        return None
    # explicit parameter names first, so automatic names never take one
    _check_entries(ck, entries, names, explicit)
    if ck.failures > before:
        return None
    taken = set(names) | set(explicit)
    fan: dict[str, int] = {}
    for w, path, q, src, neuron, kind in entries:
        l, j = path[1], path[3]
        if w is None:
            continue
        frozen_here = isinstance(w, dict) and w.get("trainable") is False
        if isinstance(w, dict):                 # {"value": -30, "trainable": false}
            w = w["value"]
        if isinstance(w, str):
            pname = w
            info.param_places.setdefault(pname, q)
        else:
            base = f"w_{src}_{neuron}" if kind == "w" else f"b_{neuron}"
            pname, k = base, 2
            while pname in taken:
                pname, k = f"{base}_{k}", k + 1
            taken.add(pname)
            info.inline[pname] = (float(w), path)
            info.param_places[pname] = q
            if frozen_here:
                info.frozen.add(pname)
        if kind == "w":
            layers[l].weights[j][path[4]] = pname
        else:
            layers[l].biases[j] = pname
        fan.setdefault(pname, l)
    for l, layer in enumerate(layers):
        for j, n in enumerate(layer.neurons):
            if all(w is None for w in layer.weights[j]) and layer.biases[j] is None:
                ck.add(f"{place}.layers[{l}].weights[{j}]", f"neuron {n!r} has no connections and no bias; "
                                                            f"give it at least one weight or a bias")
    if ck.failures > before:
        return None
    spec = LayeredSpec(list(inputs), layers, loss["op"] if loss else None, loss["targets"] if loss else [],
                       loss["name"] if loss else "loss", loss["attrs"] if loss else {})
    return _compile(ck, spec, place, info, total_w)


def graph_nodes(inputs: int, neurons: int, outputs: int) -> int:
    """Nodes of a layered network's graph: its inputs, a weighted sum and an output per
    neuron, a target per output neuron and the loss."""
    return inputs + 2 * neurons + outputs + 1


def _within_limits(ck: Checker, place: str, inputs: int, neurons: int, outputs: int, weights: int) -> bool:
    nodes = graph_nodes(inputs, neurons, outputs)
    if nodes <= MAX_NODES and weights <= MAX_WEIGHTS:
        return True
    ck.add(place, f"the network has {neurons:,} neurons ({nodes:,} graph nodes) and {weights:,} weights; at most "
                  f"{MAX_NODES:,} graph nodes and {MAX_WEIGHTS:,} weights are allowed (the documented limits)")
    return False


def _check_entries(ck: Checker, entries, names: dict, explicit: dict) -> None:
    for w, _path, q, _src, _neuron, kind in entries:
        if w is None or ck._skip(w):
            continue
        if isinstance(w, str):
            s = ck.name(w, q, "a parameter name")
            if s is not None and s in names:
                ck.add(q, f"the parameter {s!r} has the same name as {names[s]}; parameters need their own names")
            elif s is not None:
                explicit.setdefault(s, q)
        elif isinstance(w, dict):
            ck.keys(w, q, ("value", "trainable"), required=("value",))
            if "value" in w and not is_number(w["value"]) and not ck._skip(w["value"]):
                ck.add(join(q, "value"), f"expected a number, got {_desc(w['value'])}")
            if "trainable" in w:
                ck.boolean(w["trainable"], join(q, "trainable"), "true or false (false: training never changes it)")
        elif not is_number(w):
            what = "a weight: a parameter name, a number or null (no connection)" if kind == "w" else \
                "a bias: a parameter name, a number or null (no bias)"
            ck.add(q, f"expected {what}, got {_desc(w)}")


def _desc(v):
    from .jsontext import describe
    return describe(v)


def _read_loss(ck: Checker, decl: dict, place: str, outputs: list[str] | None) -> dict | None:
    if "loss" not in decl or decl["loss"] is None:
        return None
    p = join(place, "loss")
    L = ck.obj(decl["loss"], p, "an object with the loss op (or null for no loss)")
    if L is None:
        return None
    ck.keys(L, p, LOSS_KEYS, required=("op",))
    op = ck.choice(L["op"], join(p, "op"), LAYER_LOSSES, "loss") if "op" in L else None
    name = ck.name(L["name"], join(p, "name"), "the loss node's name") if "name" in L else "loss"
    attrs: dict | None = {}
    if "attrs" in L and op is not None:
        attrs = check_attrs(ck, L["attrs"], join(p, "attrs"), op, None)
    if outputs is None:
        return None
    one_class = op is not None and OPS[op].targets == 1
    if "targets" in L:
        targets = _names_list(ck, L["targets"], join(p, "targets"), "target")
        if targets is not None and one_class and len(targets) != 1:
            ck.add(join(p, "targets"), f"expected 1 target (the class number 0..{len(outputs) - 1}), "
                                       f"got {len(targets)}")
            targets = None
        elif targets is not None and not one_class and len(targets) != len(outputs):
            ck.add(join(p, "targets"), f"expected {len(outputs)} targets (one per output neuron: "
                                       f"{listing(outputs, 6)}), got {len(targets)}")
            targets = None
    else:
        targets = ["target_class"] if one_class else [f"target_{o}" for o in outputs]
    if op is None or name is None or targets is None or attrs is None:
        return None
    return {"op": op, "name": name, "targets": targets, "attrs": attrs}


def _names_list(ck: Checker, v, place: str, what: str) -> list[str] | None:
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


def _read_compact(ck: Checker, decl: dict, place: str) -> NetworkInfo | None:
    before = ck.failures
    ck.keys(decl, place, COMPACT_KEYS, required=("sizes", "activations"))
    sp = join(place, "sizes")
    sizes_raw = ck.lst(decl["sizes"], sp, "a list of layer sizes, inputs first (e.g. [2, 8, 8, 1])")
    sizes: list[int] | None = None
    if sizes_raw is not None:
        if len(sizes_raw) < 2:
            ck.add(sp, f"expected at least two sizes (inputs and outputs), got {len(sizes_raw)}")
        else:
            got_sizes = [ck.number(s, f"{sp}[{k}]", "a layer size", lo=1, integer=True)
                         for k, s in enumerate(sizes_raw)]
            sizes = [int(s) for s in got_sizes if s is not None]
            if len(sizes) != len(got_sizes):
                sizes = None
    if sizes is not None:
        weights = sum(a * b for a, b in zip(sizes, sizes[1:]))
        if not _within_limits(ck, sp, sizes[0], sum(sizes[1:]), sizes[-1], weights):
            sizes = None
    acts: list[str] | None = None
    if "activations" in decl:
        ap = join(place, "activations")
        a = decl["activations"]
        if isinstance(a, str):
            a = ck.choice(a, ap, LAYER_ACTIVATIONS, "activation")
            acts = None if a is None or sizes is None else [a] * (len(sizes) - 1)
        else:
            a = ck.lst(a, ap, "an activation name, or a list of one per layer")
            if a is not None:
                got = [ck.choice(x, f"{ap}[{k}]", LAYER_ACTIVATIONS, "activation") for k, x in enumerate(a)]
                named = [x for x in got if x is not None]
                if sizes is not None and len(a) != len(sizes) - 1:
                    ck.add(ap, f"expected {len(sizes) - 1} activations (one per layer after the inputs), got {len(a)}")
                elif len(named) == len(got):
                    acts = named
    bias: bool | None = True
    if "biases" in decl:
        bias = ck.boolean(decl["biases"], join(place, "biases"), "true or false (whether neurons have biases)")
    inputs = None
    if "inputs" in decl:
        inputs = _names_list(ck, decl["inputs"], join(place, "inputs"), "input")
        if inputs is not None and sizes is not None and len(inputs) != sizes[0]:
            ck.add(join(place, "inputs"), f"expected {sizes[0]} input names (sizes[0]), got {len(inputs)}")
            inputs = None
    outputs = auto_names(sizes)[1][-1] if sizes is not None else None
    loss = _read_loss(ck, decl, place, outputs)
    if ck.failures > before or sizes is None or acts is None or bias is None:
        return None
    auto_in, neuron_names = auto_names(sizes)
    inputs = inputs or auto_in
    info = NetworkInfo("layered")
    names = set(inputs)
    for ns in neuron_names:
        for n in ns:
            names.update((n, net_name(n), out_name(n)))
    if loss:
        for k, t in enumerate(loss["targets"]):
            if t in names:
                ck.add(f"{place}.loss.targets[{k}]", f"the name {t!r} is already used by the network")
            names.add(t)
        if loss["name"] in names:
            ck.add(f"{place}.loss.name", f"the name {loss['name']!r} is already used by the network")
    neuron_nodes = {x for ns in neuron_names for m in ns for x in (m, net_name(m), out_name(m))}
    for k, n in enumerate(inputs):
        if n in neuron_nodes:
            ck.add(f"{place}.inputs[{k}]", f"the input name {n!r} is already used by a neuron")
    if ck.failures > before:
        return None
    layers = []
    prev = inputs
    for l, ns in enumerate(neuron_names):
        W = [[f"w_{src}_{n}" for src in prev] for n in ns]
        B: list[str | None] = [f"b_{n}" if bias else None for n in ns]
        for row, n in zip(W, ns):
            for w in row:
                info.param_places.setdefault(w, f"{place}.sizes[{l + 1}]")
            if bias:
                info.param_places.setdefault(f"b_{n}", f"{place}.sizes[{l + 1}]")
        layers.append(Layer(list(ns), acts[l], [list[str | None](row) for row in W], B, {}))
        prev = ns
    clash = [p for p in info.param_places if p in names]
    if clash:
        ck.add(place, f"the automatic parameter name {clash[0]!r} is also a node name; rename the inputs or targets")
        return None
    spec = LayeredSpec(list(inputs), layers, loss["op"] if loss else None, loss["targets"] if loss else [],
                       loss["name"] if loss else "loss", loss["attrs"] if loss else {})
    return _compile(ck, spec, place, info, sum(a * b for a, b in zip(sizes, sizes[1:])))


def _compile(ck: Checker, spec: LayeredSpec, place: str, info: NetworkInfo, n_weights: int) -> NetworkInfo | None:
    try:
        info.graph = compile_layered(spec)
        if n_weights <= GATE_CHECK_WEIGHTS:
            compile_layered(spec, gates=True)
    except GraphError as e:
        ck.add(place, str(e))
        return None
    info.full_graph = info.graph
    info.spec = spec
    info.inputs = list(spec.inputs)
    info.targets = list(spec.targets)
    return info


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
