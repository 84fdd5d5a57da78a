"""The ``network`` section's expression graph: ``{"type": "graph", "nodes": [...], "output": ...}``.

Reading checks every node (every problem, with its place), then builds the engine graph.
"""
from __future__ import annotations

from ..engine.graph import Graph, GraphError, Node
from ..engine.ops import LEAF_KINDS, OPS
from .budget import too_many
from .checks import Checker, suggestion
from .jsontext import join
from .limits import MAX_NODES, MAX_WEIGHTS
from .network_common import GRAPH_KEYS, NODE_KEYS, NetworkInfo, check_attrs, op_names


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
    parsed = _read_headers(ck, raw, place, where)

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
    _read_output(ck, decl, place, where, info)
    if ck.failures > before:
        return None
    if _has_cycle(ck, place, nodes):
        return None
    _place_params(ck, place, raw, nodes, where, info)
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


def _read_headers(ck: Checker, raw: list, place: str, where: dict[str, int]) -> list[dict | None]:
    """Each node's name and op (the rest is read once every name is known)."""
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
    return parsed


def _read_output(ck: Checker, decl: dict, place: str, where: dict[str, int], info: NetworkInfo) -> None:
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


def _has_cycle(ck: Checker, place: str, nodes: list[Node]) -> bool:
    cycle = _find_cycle(nodes)
    if not cycle:
        return False
    shown = cycle if len(cycle) <= 12 else cycle[:8] + [f"... ({len(cycle) - 11:,} more)"] + cycle[-3:]
    size = f" of {len(cycle) - 1:,} nodes" if shown is not cycle else ""
    ck.add(join(place, "nodes"), f"the graph has a cycle{size}: {' -> '.join(shown)}; "
                                 f"a node cannot depend on its own value")
    return True


def _place_params(ck: Checker, place: str, raw: list, nodes: list[Node], where: dict[str, int],
                  info: NetworkInfo) -> None:
    """Where each parameter is first used; a weight named like a node that is not a param is a problem."""
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
    if op in LEAF_KINDS:
        return _read_leaf(ck, raw, p, name, op, info)
    spec = OPS[op]
    ok = True
    for key in ("value", "trainable"):
        if key in raw:
            ck.add(join(p, key), f"an {op} node computes its value; only const leaves take a value"
                   if key == "value" else f"an {op} node has no value of its own to freeze; freeze a param leaf")
            ok = False
    if "inputs" not in raw:
        ck.add(join(p, "inputs"), f"missing; op {op} needs {_arity(spec)}")
        return None
    lst = ck.lst(raw["inputs"], join(p, "inputs"), "a list of node names")
    if lst is None:
        return None
    inputs = _input_names(ck, lst, p, where)
    ok = inputs is not None and ok
    n = len(lst)
    ok = _arity_fits(ck, join(p, "inputs"), op, n) and ok
    weights: tuple = ()
    if "weights" in raw:
        got = _read_weights(ck, raw["weights"], join(p, "weights"), op, n)
        ok = got is not None and ok
        weights = got or ()
    attrs = {}
    if "attrs" in raw:
        a = check_attrs(ck, raw["attrs"], join(p, "attrs"), op, n)
        if a is None:
            ok = False
        else:
            attrs = a
    layer, group = _layout(ck, raw, p)
    if not ok or layer is False or inputs is None:
        return None
    return Node(name, op, tuple(inputs), weights, attrs, layer=layer, group=group)


def _read_leaf(ck: Checker, raw: dict, p: str, name: str, op: str, info: NetworkInfo) -> Node | None:
    ok = True
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


def _input_names(ck: Checker, lst: list, p: str, where: dict[str, int]) -> list[str] | None:
    """The input names, each the name of a node; None (with the problems) otherwise."""
    inputs: list[str] = []
    for k, x in enumerate(lst):
        s = ck.name(x, f"{p}.inputs[{k}]", "a node name")
        if s in where:
            inputs.append(s)
        elif s is not None:
            ck.add(f"{p}.inputs[{k}]",
                   f"no node named {s!r}{suggestion(s, where)}; every input must be the name of a node")
    return inputs if len(inputs) == len(lst) else None


def _arity_fits(ck: Checker, q: str, op: str, n: int) -> bool:
    spec = OPS[op]
    if spec.arity is not None and n != spec.arity:
        ck.add(q, f"op {op} takes {_arity(spec)}, got {n}")
        return False
    if spec.arity is None and n < spec.min_inputs:
        ck.add(q, f"op {op} takes {_arity(spec)}, got {n}")
        return False
    if spec.pairs and n % 2:
        ck.add(q, f"loss {op} takes the outputs and then their targets, an even number of inputs, got {n}")
        return False
    return True


def _read_weights(ck: Checker, raw, q: str, op: str, n: int) -> tuple | None:
    """A weighted sum's edge weights: a parameter name or null per input; None when wrong."""
    if not OPS[op].weighted:
        ck.add(q, f"op {op} takes no edge weights (only weighted_sum does)")
        return None
    wl = ck.lst(raw, q, "a list with a parameter name or null for each input")
    if wl is None:
        return None
    ok = True
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
    return tuple(ws) if ok else None


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
