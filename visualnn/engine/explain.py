"""Steps in words: equations with the numbers plugged in, and captions.

Qt-free.  The stepper window's equation panel shows ``equations(...)``; the
graph labels and the presentation mode reuse ``fmt`` and ``caption``.

Numbers use ``digits`` places after the point, trailing zeros dropped, but at
least two significant digits for small numbers, so the lecture's
0.082167041 prints as 0.08217 with 5 digits and 0.000438568 does not vanish.
"""
from __future__ import annotations

import math
import weakref
from typing import Mapping

from . import nonfinite
from .graph import Graph
from .ops import OPS, LocalText
from .textfmt import MIN_SIGNIFICANT, and_list, d, fmt  # noqa: F401  (fmt and d are part of explain's public face)
from .textfmt import operand as _p
from .trace import State, Step

_LOSS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def loss_of(graph: Graph) -> str | None:
    """``graph.loss``, remembered while the graph's order stays the same
    (the property walks every node; a step asks for it several times)."""
    order = graph.order
    hit = _LOSS.get(graph)
    if hit is None or hit[0] is not order:
        hit = (order, graph.loss)
        _LOSS[graph] = hit
    return hit[1]


def start_of(graph: Graph) -> str | None:
    """The node the backward pass starts at, when it is one node."""
    starts = graph.start
    return starts[0] if len(starts) == 1 else None


def objective_name(graph: Graph) -> str:
    """What the gradients are gradients of: the node the backward pass starts at."""
    return start_of(graph) or "L"


def op_symbol(graph: Graph, name: str) -> str:
    """How the lecture writes a node's gate: ``+``, ``×``, ``σ``, and constants
    filled in (``*-1``, ``+1``, ``x^2``)."""
    n = graph.nodes[name]
    if n.is_leaf:
        return ""
    return OPS[n.op].symbol_with(n.attrs)


# -- forward: the op as a formula of its inputs ---------------------------------
def forward_formula(op: str, args: list[str], attrs: Mapping, weights: list[str | None] | None = None) -> str:
    """The op written with its inputs' names (or any strings standing for them)."""
    if op not in OPS:
        return f"{op}({', '.join(args)})"
    return OPS[op].text(list(args), attrs or {}, weights)


def forward_numbers(op: str, xs: list[float], attrs: Mapping, ws: list[float | None] | None,
                    digits: int) -> str:
    """The op with numbers plugged in, where that reads better than the names."""
    c = attrs or {}
    text = OPS[op].numbers(xs, c, ws, digits) if op in OPS else None
    return text if text is not None else forward_formula(op, [_p(x, digits) for x in xs], c)


# -- local derivatives: d node / d input i, as a formula and with numbers --------
def local_formula(graph: Graph, node: str, i: int, values: Mapping[str, float], digits: int):
    """(formula in names, formula in numbers) for d node / d its i-th input,
    or None when the op has no short formula."""
    n = graph.nodes[node]
    text = OPS[n.op].local_text
    if text is None:
        return None
    return text(LocalText(node, tuple(n.inputs), i, n.attrs or {}, tuple(n.weights or ()), values, digits))


# -- the equation panel ------------------------------------------------------------
MAX_TERMS = 8


SHOWN_HEAD = 3                 # a shortened sum shows its first three terms and its last


def _shorten(text: str, terms: int) -> str:
    """``a + b + c + … + z (64 terms)`` for a sum too long to read."""
    parts = text.split(" + ")
    if len(parts) <= terms:
        return text
    return _shortened(parts[:SHOWN_HEAD], parts[-1], len(parts))


def _shortened(head: list[str], last: str, count: int) -> str:
    return " + ".join(head) + " + … + " + last + f" ({count} terms)"


def _sum_numbers(step: Step, attrs: Mapping, digits: int, max_terms: int) -> str:
    """A sum's numbers as ``_shorten`` leaves them, formatting only the terms it shows
    (a neuron of a 784-input layer: 4 numbers, not 785): each term is one number or
    one product, and numbers never contain " + "; when the terms shown do not read
    as one part each, the whole sum is formatted and shortened."""
    xs = list(step.input_values)
    ws = list(step.weight_values) if step.weight_values else None
    n = len(xs)
    if n > max_terms and n > SHOWN_HEAD + 1:
        keep = list(range(SHOWN_HEAD)) + [n - 1]
        part = forward_numbers(step.op, [xs[k] for k in keep], attrs,
                               [ws[k] for k in keep] if ws else None, digits).split(" + ")
        if len(part) == len(keep):
            return _shortened(part[:SHOWN_HEAD], part[-1], n)
    return _shorten(forward_numbers(step.op, xs, attrs, ws, digits), max_terms)


def forward_equation(step: Step, graph: Graph, digits: int = 4, max_terms: int = MAX_TERMS) -> str:
    """``net_h1 = w1·i1 + w2·i2 + b1 = 0.15×0.05 + 0.2×0.1 + 0.35 = 0.3775``
    (sums of more than ``max_terms`` terms shortened)."""
    assert step.node is not None          # a forward step names its node
    n = graph.nodes[step.node]
    ws = list(step.weights) if step.weights else None
    sym = forward_formula(step.op, list(step.inputs), n.attrs, ws)
    if OPS[step.op].sums:
        sym, nums = _shorten(sym, max_terms), _sum_numbers(step, n.attrs, digits, max_terms)
    else:
        nums = forward_numbers(step.op, list(step.input_values), n.attrs,
                               list(step.weight_values) if step.weight_values else None, digits)
    parts = [step.node, sym]
    if nums != sym:
        parts.append(nums)
    parts.append(fmt(step.value, digits))
    return " = ".join(parts)


def _shown_edge(graph: Graph, src: str) -> bool:
    # gradients into targets and constants are correct maths but nobody asks for them
    return graph.nodes[src].op not in ("target", "const")


_RECEIVERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _receivers(graph: Graph, node: str) -> list[str]:
    """The nodes ``node`` feeds, each once, in the order of their backward steps:
    the order in which its edges' gradients arrive (and the state records them)."""
    order, users = graph.order, graph.users()
    hit = _RECEIVERS.get(graph)
    if hit is None or hit[0] is not order or hit[1] is not users:
        hit = (order, users, {n: k for k, n in enumerate(graph.backward_order)}, {})
        _RECEIVERS[graph] = hit
    pos: dict[str, int] = hit[2]
    done: dict[str, list[str]] = hit[3]
    out = done.get(node)
    if out is None:
        out = done[node] = sorted(set(users.get(node, ())), key=lambda u: pos.get(u, len(pos)))
    return out


def _came_from(state: State, node: str, index: "_Arrivals | None" = None) -> list:
    """The backward edges that brought ``node`` its gradient so far, in the order they came."""
    if index is not None:
        return index.of(node)
    return [e for (s, _), e in state.edge_gradients.items() if s == node]


class _Arrivals:
    """node -> the backward edges that reached it, looked up per node when first asked
    (the edges out of that node, not a scan of every gradient the pass has sent)."""

    def __init__(self, state: State, graph: Graph):
        self.state, self.graph = state, graph
        self._seen: dict[str, list] = {}

    def of(self, node: str) -> list:
        came = self._seen.get(node)
        if came is None:
            got = self.state.edge_gradients.get
            came = self._seen[node] = [e for e in map(got, ((node, u) for u in _receivers(self.graph, node)))
                                       if e is not None]
        return came


def backward_equations(step: Step, state: State, graph: Graph, digits: int = 4,
                       limit: int | None = 12) -> list[str]:
    """One block of lines per input edge: local derivative, chain rule, running sums
    (the first ``limit`` edges)."""
    start = start_of(graph)
    E = objective_name(graph)
    node = step.node
    assert node is not None               # a backward step names its node
    lines: list[str] = []
    is_seed = step.upstream is not None and node == start and node == loss_of(graph)
    arrived = _Arrivals(state, graph)
    places = edge_inputs(graph, step)
    shown = 0
    for i, e in enumerate(step.edges):
        if not _shown_edge(graph, e.src):
            continue
        shown += 1
        if limit is not None and shown > limit:
            rest = sum(1 for x in step.edges[i:] if _shown_edge(graph, x.src))
            lines.append(f"… and {rest} more inputs, each the same way")
            break
        loc = local_formula(graph, node, places[i], state.values, digits)
        if loc is not None:               # the local gradient
            lines.append(_local_line(node, e, loc, digits))
        # the chain rule along this edge
        if is_seed:
            if loc is None:
                lines.append(f"{d(E, e.src)} = {fmt(e.gradient, digits)}")
        else:
            lines.append(f"{d(E, e.src)} = {d(node, e.src)} × {d(E, node)} = "
                         f"{_p(e.local, digits)} × {_p(e.upstream, digits)} = {fmt(e.gradient, digits)}")
        lines += _running_sum_lines(state, E, e, arrived, digits)
        w = step.weights[places[i]] if step.weights and places[i] < len(step.weights) else None
        if w is not None and e.param_gradient is not None:
            lines += _weight_lines(step, node, state, E, start, w, e, arrived, digits)
        lines.append("")
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _local_line(node: str, e, loc: tuple, digits: int) -> str:
    sym, num = loc
    text = f"{d(node, e.src)} = {sym}"
    if num is not None and num != sym:
        text += f" = {num}"
    if fmt(e.local, digits) not in (sym, num):
        text += f" = {fmt(e.local, digits)}"
    return text


def _running_sum_lines(state: State, E: str, e, arrived, digits: int) -> list[str]:
    """Branches meet: the running sum at the edge's source (nothing when this edge is its only part)."""
    if math.isclose(e.accumulated, e.gradient, rel_tol=0, abs_tol=0):
        return []
    came = _came_from(state, e.src, arrived)
    parts = [x.gradient for x in came]
    if len(parts) >= 2:
        return [f"{d(E, e.src)} = " + " + ".join(d(E, e.src) + f" via {x.dst}" for x in came)
                + " = " + " + ".join(_p(g, digits) for g in parts) + f" = {fmt(e.accumulated, digits)}"]
    return [f"running sum at {e.src}: {fmt(e.accumulated, digits)}"]


def _weight_lines(step: Step, node: str, state: State, E: str, start, w: str, e, arrived,
                  digits: int) -> list[str]:
    """A weight on this edge gets its own gradient (and its sum over uses so far)."""
    x = state.values.get(e.src)
    chain = _expand_upstream(state, start, node, arrived)
    if chain is not None:
        via, up_up, up_loc = chain
        lines = [f"{d(E, w)} = {d(node, w)} × {d(via, node)} × {d(E, via)} = "
                 f"{_p(x, digits)} × {_p(up_loc, digits)} × {_p(up_up, digits)} = "
                 f"{fmt(e.param_gradient, digits)}"]
    else:
        lines = [f"{d(E, w)} = {d(node, w)} × {d(E, node)} = {_p(x, digits)} × {_p(step.upstream, digits)} = "
                 f"{fmt(e.param_gradient, digits)}"]
    total = state.param_gradients.get(w)
    if total is not None and not math.isclose(total, e.param_gradient, rel_tol=1e-12, abs_tol=1e-300):
        lines.append(f"{d(E, w)} summed over its uses so far = {fmt(total, digits)}")
    return lines


def edge_inputs(graph: Graph, step: Step) -> list[int]:
    """For each of a backward step's edges, the place of its source among the node's
    inputs (targets send no edge back, so the two lists need not line up)."""
    assert step.node is not None          # a backward step names its node
    return [k for k, src in enumerate(graph.nodes[step.node].inputs)
            if graph.nodes[src].op != "target"][:len(step.edges)]


def _expand_upstream(state: State, start: str | None, node: str, index: _Arrivals | None = None):
    """When ``node`` got its gradient along a single edge, (that edge's
    receiving node, its upstream, its local gradient): one more link of the chain."""
    came = _came_from(state, node, index)
    if len(came) != 1:
        return None
    e = came[0]
    if e.dst == start:
        return None
    return e.dst, e.upstream, e.local


def update_equations(step: Step, lr: float, optimizer: str, digits: int = 4, limit: int | None = 40,
                     objective: str = "E") -> list[str]:
    """``w5 ← w5 - η·∂E/∂w5 = 0.4 - 0.5 × 0.08217 = 0.35892`` for each parameter."""
    lines = []
    ups = step.updates if limit is None else step.updates[:limit]
    for p, old, g, new in ups:
        if optimizer == "sgd":
            lines.append(f"{p} ← {p} - η·{d(objective, p)} = {fmt(old, digits)} - {fmt(lr, digits)} × {_p(g, digits)} "
                         f"= {fmt(new, digits)}")
        else:
            lines.append(f"{p}: {fmt(old, digits)} → {fmt(new, digits)}   (gradient {fmt(g, digits)})")
    if limit is not None and len(step.updates) > limit:
        lines.append(f"… and {len(step.updates) - limit} more parameters")
    return lines


def equations(state: State, graph: Graph, digits: int = 4, lr: float = 0.5, optimizer: str = "sgd") -> list[str]:
    """The equation panel's lines for the step just done."""
    s = state.step
    if s is None:
        return []
    if s.phase in ("forward", "loss"):
        return [forward_equation(s, graph, digits)]
    if s.phase == "backward":
        return backward_equations(s, state, graph, digits)
    return update_equations(s, lr, optimizer, digits, objective=objective_name(graph))


# -- captions ----------------------------------------------------------------------------
ACTIVATION_WORDS = {n: o.words for n, o in OPS.items() if o.kind == "activation" and o.words}


def caption(state: State, graph: Graph, digits: int = 4, lr: float = 0.5, optimizer: str = "sgd") -> str:
    """One sentence saying what the step just done did, with its numbers."""
    s = state.step
    E = objective_name(graph)
    if s is None:
        first = next((n for n in graph.order if not graph.nodes[n].is_leaf), None)
        return f"Nothing computed yet: step forward to evaluate {first}." if first else "Nothing to compute."
    if s.phase == "update":
        if not s.updates:
            return "Update: no parameters."
        p, old, g, new = max(s.updates, key=lambda u: abs(u[2]))
        if optimizer == "sgd":
            return (f"Update: every parameter takes a step against its gradient (learning rate {fmt(lr, digits)}), "
                    f"e.g. {p} = {fmt(old, digits)} - {fmt(lr, digits)} × {_p(g, digits)} = {fmt(new, digits)}. "
                    f"The next forward pass uses the new weights.")
        return (f"Update ({optimizer}, learning rate {fmt(lr, digits)}): every parameter moves against its gradient, "
                f"e.g. {p} from {fmt(old, digits)} to {fmt(new, digits)}.")
    if s.phase in ("forward", "loss"):
        return _caption_forward(s, graph, digits)
    return _caption_backward(s, state, graph, digits, E)


def _caption_forward(s: Step, graph: Graph, digits: int) -> str:
    assert s.node is not None             # forward steps name their node
    o = OPS[s.op]
    v = fmt(s.value, digits)
    if s.phase == "loss":
        return (f"The loss {s.node} compares the outputs {and_list(o.outputs_of(s.inputs))} with their targets: "
                f"{s.node} = {v}. Now the backward pass can start.")
    if o.caption_forward is not None:
        return o.caption_forward(s, digits)
    if o.kind == "activation":
        return (f"Forward: {o.words or s.op} turns {s.inputs[0]} = "
                f"{fmt(s.input_values[0], digits)} into {s.node} = {v}.")
    return f"Forward: the {op_symbol(graph, s.node)} gate {s.node} takes {and_list(s.inputs)} and gives {v}."


def _caption_backward(s: Step, state: State, graph: Graph, digits: int, E: str) -> str:
    assert s.node is not None             # backward steps name their node
    o = OPS[s.op]
    shown = [e for e in s.edges if _shown_edge(graph, e.src)]
    up = fmt(s.upstream, digits)
    if s.node == start_of(graph) and s.node == loss_of(graph):
        parts = ", ".join(f"{e.src} {fmt(e.gradient, digits)}" for e in shown[:4])
        return f"Backward from the loss {E}: each output gets {d(E, 'output')}: {parts}."
    if len(shown) == 1:
        e = shown[0]
        loc = local_formula(graph, s.node, edge_inputs(graph, s)[s.edges.index(e)], state.values, digits)
        gate = f"the {op_symbol(graph, s.node)} gate"
        what = (o.words or gate) if o.kind == "activation" else gate
        lf = f" {loc[0]} =" if loc is not None and loc[0] not in ("1", fmt(e.local, digits)) else ""
        return (f"Backward through {what} {s.node}: local gradient{lf} {fmt(e.local, digits)} "
                f"times upstream {up} gives {fmt(e.gradient, digits)} for {e.src}.")
    told = o.caption_backward(s, shown, up, digits, E) if o.caption_backward is not None else None
    if told is not None:
        return told
    return (f"Backward through {s.node}: each input gets local gradient × upstream {up}: "
            + ", ".join(f"{e.src} {fmt(e.gradient, digits)}" for e in shown[:5]) + ".")


def non_finite_warning(state: State, digits: int = 6) -> str | None:
    """When the step just done made or passed on an infinite or NaN number, what
    made it (``log(0) = -∞ at net_o1``); None when its numbers are finite."""
    s = state.step
    if s is None:
        return None
    if s.phase == "update":
        bad = [(p, new) for p, _, _, new in s.updates if not math.isfinite(new)]
        return f"the update made {bad[0][0]} = {fmt(bad[0][1], digits)}" if bad else None
    if s.phase in ("forward", "loss"):
        if s.value is None or math.isfinite(s.value):
            return None
        return nonfinite.in_steps([s], digits) or f"{s.node} = {fmt(s.value, digits)}: an input is not finite"
    if all(math.isfinite(e.gradient) and math.isfinite(e.local) for e in s.edges):
        return None
    known = [(i, state.values.get(i)) for i in s.inputs]
    for e in s.edges:
        if not math.isfinite(e.local):
            ins = [v if v is not None else math.nan for _, v in known]
            return nonfinite.describe(s.op, s.node or "", ins, e.local, local_of=e.src, digits=digits)
    return f"the gradient {fmt(s.upstream, digits)} arriving at {s.node} is not finite"


def phase_text(state: State, cycle_length: int) -> str:
    """``forward — step 3 of 19`` (pass numbers from 1)."""
    phase = state.phase if state.step is not None else "start"
    k = state.index
    return f"pass {state.cycle + 1} · {phase} — step {k} of {cycle_length}"
