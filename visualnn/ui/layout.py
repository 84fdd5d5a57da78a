"""Where each node goes: columns left to right, a stable order inside each column.

Qt-free.  Op nodes take the column after their latest input (topological
generations); parameters, targets and constants sit in the
column just before their first user; inputs stay in column 0.  Inside a
column nodes keep the graph's order, so the same file always draws the same
way.  In the neuron view a neuron's ``net_`` and ``out_`` nodes (one
``group``) merge into one unit drawn as two halves.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..engine.explain import op_symbol
from ..engine.graph import Graph
from ..engine.ops import OPS

COMPACT_ROWS = 14       # columns taller than this draw small nodes


@dataclass
class Box:
    name: str
    x: float            # centre
    y: float
    w: float
    h: float
    shape: str          # input target param const op sum activation loss
    half: str | None = None      # "left" / "right": the halves of a merged neuron
    unit: str = ""               # the unit (neuron group or the node itself)
    symbol: str = ""
    label: str = ""              # the name drawn above the node ("" for a right half)
    quiet: bool = False          # no value texts (no room: a packed neuron's net half, a tucked-in bias)
    op: str = ""                 # the node's op ("" for a leaf): an activation half draws its curve


@dataclass
class Layout:
    boxes: dict[str, Box]
    compact: bool
    columns: list[list[str]]     # unit names per column
    internal: set[tuple[str, str]]   # edges inside a merged unit (net -> out)
    pitch: float = 0.0               # distance between rows
    node_size: float = 0.0           # the height of a neuron

    @property
    def rows(self) -> int:
        return max((len(c) for c in self.columns), default=1)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        xs = [b.x - b.w / 2 for b in self.boxes.values()] + [b.x + b.w / 2 for b in self.boxes.values()]
        ys = [b.y - b.h / 2 for b in self.boxes.values()] + [b.y + b.h / 2 for b in self.boxes.values()]
        return (min(xs), min(ys), max(xs), max(ys)) if xs else (0, 0, 0, 0)


def shape_of(graph: Graph, name: str) -> str:
    n = graph.nodes[name]
    if n.is_leaf:
        return n.op
    if n.op == "weighted_sum":
        return "sum"
    return OPS[n.op].kind


def symbol_of(graph: Graph, name: str) -> str:
    return op_symbol(graph, name)


def op_of(graph: Graph, name: str) -> str:
    n = graph.nodes[name]
    return "" if n.is_leaf else n.op


def _units(graph: Graph, merge: bool) -> tuple[dict[str, list[str]], dict[str, str]]:
    """unit name -> member nodes (in order), and node -> unit."""
    members: dict[str, list[str]] = {}
    unit_of: dict[str, str] = {}
    groups: dict[str, list[str]] = {}
    if merge:
        for name in graph.order:
            g = graph.nodes[name].group
            if g is not None:
                groups.setdefault(g, []).append(name)
    for name in graph.order:
        n = graph.nodes[name]
        g = n.group if merge else None
        mem = groups.get(g, [])
        # a softmax neuron reads every sum of its layer: merged, the units would wait on each other
        mergeable = (len(mem) == 2 and graph.nodes[mem[0]].op in ("weighted_sum", "linear", "add")
                     and tuple(graph.nodes[mem[1]].inputs) == (mem[0],) and f"@{g}" not in graph.nodes)
        u = f"@{g}" if mergeable else name
        members.setdefault(u, []).append(name)
        unit_of[name] = u
    return members, unit_of


def _generations(succ: dict[str, set[str]]) -> dict[str, int]:
    """Topological generations (networkx's): the units with no inputs are 0, every
    other unit one more than its latest input."""
    indeg = dict.fromkeys(succ, 0)
    for vs in succ.values():
        for v in vs:
            indeg[v] += 1
    gen = [u for u, d in indeg.items() if d == 0]
    col: dict[str, int] = {}
    k = 0
    while gen:
        nxt = []
        for u in gen:
            col[u] = k
            for v in succ[u]:
                indeg[v] -= 1
                if indeg[v] == 0:
                    nxt.append(v)
        gen, k = nxt, k + 1
    return col


def layout(graph: Graph, mode: str = "neuron", pitch: float | None = None) -> Layout:
    """Boxes for every node of ``graph``; ``pitch``: the distance between rows
    (the view asks for more when its type needs the room)."""
    members, unit_of = _units(graph, mode == "neuron")
    columns, succ = _columns(graph, members, unit_of)
    attached: dict[str, str] = {}
    if max((len(c) for c in columns), default=0) > COMPACT_ROWS:
        columns, attached = _attach_biases(graph, members, succ, columns)
    compact = max((len(c) for c in columns), default=0) > COMPACT_ROWS
    d, half_w, pitch, gap = _spacing(graph, compact, pitch)
    if compact and len(columns) > 1:
        # wide enough to look like a network, not a column of dots
        rows = max(len(c) for c in columns)
        gap = max(gap, 2.0 * rows * pitch / (len(columns) - 1))
    boxes, internal = _place(graph, members, columns, compact, (d, half_w, pitch, gap))
    for u, v in attached.items():
        n = members[u][0]
        target = boxes[members[v][0]]
        size = d * 0.6
        boxes[n] = Box(n, target.x - target.w / 2 - min(gap * 0.22, 90.0), target.y - pitch * 0.3, size, size,
                       shape_of(graph, n), None, u, symbol_of(graph, n), "", quiet=True)
    return Layout(boxes, compact, columns, internal, pitch, d)


def _columns(graph: Graph, members: dict, unit_of: dict) -> tuple[list[list[str]], dict[str, set[str]]]:
    """The units in columns by generation, and the graph of units (unit -> its users)."""
    order_pos = {n: k for k, n in enumerate(graph.order)}
    succ: dict[str, set[str]] = {u: set() for u in members}     # the graph of units
    for a, b, _ in graph.edges():
        ua, ub = unit_of[a], unit_of[b]
        if ua != ub:
            succ[ua].add(ub)
    col = _generations(succ)
    # leaves other than inputs move right, next to their first user
    for u in sorted(members, key=lambda u: -order_pos[members[u][0]]):
        first = graph.nodes[members[u][0]]
        if len(members[u]) == 1 and first.is_leaf and first.op != "input":
            users = [col[v] for v in succ[u]]
            if users:
                col[u] = max(0, min(users) - 1)
    ncols = max(col.values(), default=-1) + 1
    columns: list[list[str]] = [[] for _ in range(ncols)]
    for u in sorted(members, key=lambda u: order_pos[members[u][0]]):
        columns[col[u]].append(u)
    return [c for c in columns if c], succ


def _attach_biases(graph: Graph, members: dict, succ: dict, columns: list[list[str]]):
    """A tall network: a parameter leaf feeding one unit (a neuron's own bias) sits
    beside that unit instead of taking a row of the column before it.
    Returns (the columns without them, {leaf unit: the unit it sits beside})."""
    attached: dict[str, str] = {}
    for c in columns:
        for u in list(c):
            first = graph.nodes[members[u][0]]
            users = list(succ[u])
            if len(members[u]) == 1 and first.op == "param" and len(users) == 1:
                attached[u] = users[0]
                c.remove(u)
    return [c for c in columns if c], attached


def _spacing(graph: Graph, compact: bool, pitch: float | None) -> tuple[float, float, float, float]:
    """(node size, half-neuron width, row pitch, column gap)."""
    # edges that carry weights get two-line labels with long formulas; gates get one number
    weighted = any(w is not None for _, _, w in graph.edges())
    if compact:
        d, half_w, pitch_, gap = 16.0, 12.0, 60.0, 170.0     # room for a name and two numbers per row
    elif weighted:
        d, half_w, pitch_, gap = 50.0, 44.0, 140.0, 320.0
    else:
        d, half_w, pitch_, gap = 46.0, 44.0, 118.0, 170.0
    if pitch is not None and not compact:
        pitch_ = max(d * 1.5, float(pitch))
    return d, half_w, pitch_, gap


def _place(graph: Graph, members: dict, columns: list[list[str]], compact: bool, spacing: tuple):
    """The boxes of the units column by column, and the inner edges of merged neurons."""
    d, half_w, pitch, gap = spacing
    boxes: dict[str, Box] = {}
    internal: set[tuple[str, str]] = set()

    def unit_width(u):
        return 2 * half_w if len(members[u]) == 2 else d * (1.2 if shape_of(graph, members[u][0]) == "loss" else 1.0)

    x = 0.0
    for c in columns:
        cw = max(unit_width(u) for u in c)
        cx = x + cw / 2
        top = -(len(c) - 1) * pitch / 2
        for r, u in enumerate(c):
            y = top + r * pitch
            mem = members[u]
            if len(mem) == 2:
                a, b = mem
                internal.add((a, b))
                grp = graph.nodes[a].group or u
                boxes[a] = Box(a, cx - half_w / 2, y, half_w, d, shape_of(graph, a), "left", u,
                               symbol_of(graph, a), grp, quiet=compact, op=op_of(graph, a))
                boxes[b] = Box(b, cx + half_w / 2, y, half_w, d, shape_of(graph, b), "right", u,
                               symbol_of(graph, b), "", op=op_of(graph, b))
            else:
                boxes[mem[0]] = _single_box(graph, mem[0], cx, y, d, u)
        x += cw + gap
    return boxes, internal


def _single_box(graph: Graph, n: str, cx: float, y: float, d: float, unit: str) -> Box:
    shape = shape_of(graph, n)
    w = h = d
    if shape in ("param", "const"):
        w = h = d * 0.8
    elif shape == "loss":
        w = d * 1.2
    elif shape in ("input", "target"):
        w, h = d, d * 0.8
    return Box(n, cx, y, w, h, shape, None, unit, symbol_of(graph, n), n, op=op_of(graph, n))
