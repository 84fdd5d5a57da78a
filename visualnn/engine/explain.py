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

import numpy as np

from .graph import Graph
from .ops import OPS
from .textfmt import MIN_SIGNIFICANT, fmt  # noqa: F401  (fmt is part of explain's public face)
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
    a = n.attrs or {}
    if n.op == "mul_const":
        return f"*{_g(a.get('c'))}"
    if n.op == "add_const":
        c = a.get("c", 0.0)
        return f"+{_g(c)}" if c >= 0 else f"-{_g(-c)}"
    if n.op == "pow":
        return f"x^{_g(a.get('p'))}"
    if n.op == "exp_base":
        return f"{_g(a.get('base'))}^x"
    return OPS[n.op].symbol


def d(top: str, bottom: str) -> str:
    return f"∂{top}/∂{bottom}"


# -- forward: the op as a formula of its inputs ---------------------------------
def _pairs(xs):
    k = len(xs) // 2
    return list(zip(xs[:k], xs[k:]))


def _loss_sym(op, a, c):
    pr = _pairs(a)
    k = len(pr)
    if op == "squared_error":
        return " + ".join(f"½({t} - {o})²" for o, t in pr)
    if op == "mse":
        return "(" + " + ".join(f"({t} - {o})²" for o, t in pr) + f") / {k}"
    if op == "mae":
        return "(" + " + ".join(f"|{t} - {o}|" for o, t in pr) + f") / {k}"
    if op == "binary_cross_entropy":
        body = " + ".join(f"[{t}·ln {o} + (1 - {t})·ln(1 - {o})]" for o, t in pr)
        return f"-({body}) / {k}"
    if op == "cross_entropy":
        return "-(" + " + ".join(f"{t}·ln {o}" for o, t in pr) + ")"
    if op == "softmax_cross_entropy":
        zs = ", ".join(o for o, _ in pr)
        ts = ", ".join(t for _, t in pr)
        return f"CE(softmax({zs}), ({ts}))"
    if op == "hinge":
        zs = ", ".join(o for o, _ in pr)
        return f"Σ over j ≠ y of max(0, s_j - s_y + {_g(c.get('margin', 1.0))}), s = ({zs})"
    return f"{op}({', '.join(a)})"


def forward_formula(op: str, args: list[str], attrs: Mapping, weights: list[str | None] | None = None) -> str:
    """The op written with its inputs' names (or any strings standing for them)."""
    a, c = list(args), attrs or {}
    if op == "weighted_sum":
        ws = weights or [None] * len(a)
        return " + ".join(x if w is None else f"{w}·{x}" for x, w in zip(a, ws))
    table = {
        "add": lambda: " + ".join(a),
        "sub": lambda: f"{a[0]} - {a[1]}",
        "mul": lambda: " × ".join(a),
        "div": lambda: f"{a[0]} / {a[1]}",
        "neg": lambda: f"-{a[0]}",
        "mul_const": lambda: f"{_g(c.get('c'))} × {a[0]}",
        "add_const": lambda: f"{a[0]} + {_g(c.get('c'))}",
        "inv": lambda: f"1 / {a[0]}",
        "square": lambda: f"{a[0]}²",
        "sqrt": lambda: f"√{a[0]}",
        "pow": lambda: f"{a[0]}^{_g(c.get('p'))}",
        "exp": lambda: f"e^{a[0]}",
        "exp_base": lambda: f"{_g(c.get('base'))}^{a[0]}",
        "log": lambda: f"ln {a[0]}",
        "abs": lambda: f"|{a[0]}|",
        "max": lambda: f"max({', '.join(a)})",
        "min": lambda: f"min({', '.join(a)})",
        "sigmoid": lambda: f"σ({a[0]})",
        "tanh": lambda: f"tanh({a[0]})",
        "relu": lambda: f"max(0, {a[0]})",
        "leaky_relu": lambda: f"LReLU({a[0]})",
        "elu": lambda: f"ELU({a[0]})",
        "softplus": lambda: f"ln(1 + e^{a[0]})",
        "step": lambda: f"step({a[0]})",
        "linear": lambda: a[0],
        "identity": lambda: a[0],
        "softmax": lambda: f"softmax({', '.join(a)})[{int(c.get('index', 0)) + 1}]",
    }
    if op in table:
        return table[op]()
    if op in OPS and OPS[op].kind == "loss":
        return _loss_sym(op, a, c)
    return f"{op}({', '.join(a)})"


def _g(v) -> str:
    return fmt(v, 6) if isinstance(v, (int, float)) else str(v)


def forward_numbers(op: str, xs: list[float], attrs: Mapping, ws: list[float | None] | None,
                    digits: int) -> str:
    """The op with numbers plugged in, where that reads better than the names."""
    c = attrs or {}
    n = [_p(x, digits) for x in xs]
    if op == "weighted_sum":
        ws = ws or [None] * len(xs)
        return " + ".join(nx if w is None else f"{_p(w, digits)}×{nx}" for nx, w in zip(n, ws))
    if op == "sigmoid":
        return f"1 / (1 + e^{_p(-xs[0], digits)})"
    if op == "tanh":
        return f"tanh({fmt(xs[0], digits)})"
    if op == "softplus":
        return f"ln(1 + e^{n[0]})"
    if op == "leaky_relu":
        return n[0] if xs[0] > 0 else f"{_g(c.get('alpha'))} × {n[0]}"
    if op == "elu":
        return n[0] if xs[0] > 0 else f"{_g(c.get('alpha'))} × (e^{n[0]} - 1)"
    if op == "softmax":
        j = int(c.get("index", 0))
        return f"e^{n[j]} / (" + " + ".join(f"e^{x}" for x in n) + ")"
    return forward_formula(op, n, c)


# -- local derivatives: d node / d input i, as a formula and with numbers --------
def local_formula(graph: Graph, node: str, i: int, values: Mapping[str, float], digits: int):
    """(formula in names, formula in numbers) for d node / d its i-th input,
    or None when the op has no short formula."""
    n = graph.nodes[node]
    op, a, c = n.op, list(n.inputs), n.attrs
    def v(name):
        return values.get(name)

    def num(name):
        return _p(v(name), digits) if v(name) is not None else name
    out, o = node, num(node)
    x = a[i] if i < len(a) else ""
    if op == "weighted_sum":
        w = n.weights[i] if n.weights else None
        if w is None:
            return "1", "1"
        return w, None
    if op == "add":
        return "1", "1"
    if op == "sub":
        return ("1", "1") if i == 0 else ("-1", "-1")
    if op == "mul":
        others = [b for j, b in enumerate(a) if j != i]
        return " × ".join(others), " × ".join(num(b) for b in others)
    if op == "div":
        if i == 0:
            return f"1 / {a[1]}", f"1 / {num(a[1])}"
        return f"-{a[0]} / {a[1]}²", f"-{num(a[0])} / {num(a[1])}²"
    if op in ("neg",):
        return "-1", "-1"
    if op == "add_const":
        return "1", "1"
    if op == "mul_const":
        return "c", _g(c.get("c"))
    if op == "inv":
        return f"-1 / {x}²", f"-1 / {num(x)}²"
    if op == "square":
        return f"2·{x}", f"2 × {num(x)}"
    if op == "sqrt":
        return f"1 / (2√{x})", f"1 / (2 × {o})"
    if op == "exp":
        return f"e^{x} = {out}", None
    if op == "log":
        return f"1 / {x}", f"1 / {num(x)}"
    if op == "sigmoid":
        return f"{out}(1 - {out})", f"{o} × (1 - {o})"
    if op == "tanh":
        return f"1 - {out}²", f"1 - {o}²"
    if op == "relu":
        return (f"1 (since {x} > 0)", None) if (v(x) or 0) > 0 else (f"0 (since {x} ≤ 0)", None)
    if op == "linear" or op == "identity":
        return "1", "1"
    if op == "step":
        return "0", "0"
    if op == "max" or op == "min":
        return f"1 if {x} is the {op} else 0", None
    if op == "squared_error":
        k = len(a) // 2
        if i < k:
            t = a[i + k]
            return f"-({t} - {x})", f"-({num(t)} - {num(x)})"
        o_ = a[i - k]
        return f"{x} - {o_}", f"{num(x)} - {num(o_)}"
    if op == "mse":
        k = len(a) // 2
        if i < k:
            t = a[i + k]
            return f"-2({t} - {x}) / {k}", f"-2 × ({num(t)} - {num(x)}) / {k}"
    if op == "mae":
        k = len(a) // 2
        if i < k:
            t = a[i + k]
            return f"-sign({t} - {x}) / {k}", None
    if op == "binary_cross_entropy":
        k = len(a) // 2
        if i < k:
            t = a[i + k]
            return f"({x} - {t}) / ({x}(1 - {x})) / {k}", None
    if op == "softmax_cross_entropy":
        k = len(a) // 2
        if i < k:
            return f"softmax_{i + 1} - {a[i + k]}", None
    return None


# -- the equation panel ------------------------------------------------------------
MAX_TERMS = 8


def _shorten(text: str, terms: int) -> str:
    """``a + b + c + … + z (64 terms)`` for a sum too long to read."""
    parts = text.split(" + ")
    if len(parts) <= terms:
        return text
    return " + ".join(parts[:3]) + " + … + " + parts[-1] + f" ({len(parts)} terms)"


def forward_equation(step: Step, graph: Graph, digits: int = 4, max_terms: int = MAX_TERMS) -> str:
    """``net_h1 = w1·i1 + w2·i2 + b1 = 0.15×0.05 + 0.2×0.1 + 0.35 = 0.3775``
    (sums of more than ``max_terms`` terms shortened)."""
    assert step.node is not None          # a forward step names its node
    n = graph.nodes[step.node]
    ws = list(step.weights) if step.weights else None
    sym = forward_formula(step.op, list(step.inputs), n.attrs, ws)
    nums = forward_numbers(step.op, list(step.input_values), n.attrs,
                           list(step.weight_values) if step.weight_values else None, digits)
    if step.op in ("weighted_sum", "add"):
        sym, nums = _shorten(sym, max_terms), _shorten(nums, max_terms)
    parts = [step.node, sym]
    if nums != sym:
        parts.append(nums)
    parts.append(fmt(step.value, digits))
    return " = ".join(parts)


def _shown_edge(graph: Graph, src: str) -> bool:
    # gradients into targets and constants are correct maths but nobody asks for them
    return graph.nodes[src].op not in ("target", "const")


def _came_from(state: State, node: str, index: dict | None = None) -> list:
    """The backward edges that brought ``node`` its gradient so far."""
    if index is not None:
        return index.get(node, [])
    return [e for (s, _), e in state.edge_gradients.items() if s == node]


def _arrivals(state: State, nodes) -> dict:
    """node -> the backward edges that reached it, for the given nodes (one scan)."""
    wanted = set(nodes)
    out: dict = {}
    for (s, _), e in state.edge_gradients.items():
        if s in wanted:
            out.setdefault(s, []).append(e)
    return out


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
    arrived = _arrivals(state, [e.src for e in step.edges] + [node])
    shown = 0
    for i, e in enumerate(step.edges):
        if not _shown_edge(graph, e.src):
            continue
        shown += 1
        if limit is not None and shown > limit:
            rest = sum(1 for x in step.edges[i:] if _shown_edge(graph, x.src))
            lines.append(f"… and {rest} more inputs, each the same way")
            break
        loc = local_formula(graph, node, i, state.values, digits)
        # the local gradient
        if loc is not None:
            sym, num = loc
            text = f"{d(node, e.src)} = {sym}"
            if num is not None and num != sym:
                text += f" = {num}"
            if fmt(e.local, digits) not in (sym, num):
                text += f" = {fmt(e.local, digits)}"
            lines.append(text)
        # the chain rule along this edge
        if is_seed:
            if loc is None:
                lines.append(f"{d(E, e.src)} = {fmt(e.gradient, digits)}")
        else:
            lines.append(f"{d(E, e.src)} = {d(E, node)} × {d(node, e.src)} = "
                         f"{_p(e.upstream, digits)} × {_p(e.local, digits)} = {fmt(e.gradient, digits)}")
        # branches meet: the running sum at the source
        if not math.isclose(e.accumulated, e.gradient, rel_tol=0, abs_tol=0):
            came = _came_from(state, e.src, arrived)
            parts = [x.gradient for x in came]
            if len(parts) >= 2:
                lines.append(f"{d(E, e.src)} = " + " + ".join(d(E, e.src) + f" via {x.dst}" for x in came)
                             + " = " + " + ".join(_p(g, digits) for g in parts) + f" = {fmt(e.accumulated, digits)}")
            else:
                lines.append(f"running sum at {e.src}: {fmt(e.accumulated, digits)}")
        # a weight on this edge gets its own gradient
        w = step.weights[i] if step.weights and i < len(step.weights) else None
        if w is not None and e.param_gradient is not None:
            x = state.values.get(e.src)
            up = step.upstream
            chain = _expand_upstream(state, start, node, arrived)
            if chain is not None:
                via, up_up, up_loc = chain
                lines.append(f"{d(E, w)} = {d(E, via)} × {d(via, node)} × {d(node, w)} = "
                             f"{_p(up_up, digits)} × {_p(up_loc, digits)} × {_p(x, digits)} = "
                             f"{fmt(e.param_gradient, digits)}")
            else:
                lines.append(f"{d(E, w)} = {d(E, node)} × {d(node, w)} = {_p(up, digits)} × {_p(x, digits)} = "
                             f"{fmt(e.param_gradient, digits)}")
            total = state.param_gradients.get(w)
            if total is not None and not math.isclose(total, e.param_gradient, rel_tol=1e-12, abs_tol=1e-300):
                lines.append(f"{d(E, w)} summed over its uses so far = {fmt(total, digits)}")
        lines.append("")
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _expand_upstream(state: State, start: str | None, node: str, index: dict | None = None):
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
def _names(xs) -> str:
    xs = list(xs)
    if len(xs) <= 1:
        return "".join(xs)
    if len(xs) > 6:
        return ", ".join(xs[:5]) + f" and {len(xs) - 5} more"
    return ", ".join(xs[:-1]) + " and " + xs[-1]


ACTIVATION_WORDS = {"sigmoid": "the sigmoid", "tanh": "tanh", "relu": "the ReLU", "leaky_relu": "the leaky ReLU",
                    "elu": "the ELU", "softplus": "softplus", "step": "the step function", "linear": "the identity",
                    "softmax": "softmax"}


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
    assert s.node is not None             # forward and backward steps name their node
    kind = OPS[s.op].kind
    if s.phase in ("forward", "loss"):
        v = fmt(s.value, digits)
        if s.phase == "loss":
            k = len(s.inputs) // 2
            return (f"The loss {s.node} compares the outputs {_names(s.inputs[:k])} with their targets: "
                    f"{s.node} = {v}. Now the backward pass can start.")
        if s.op == "weighted_sum":
            return f"Forward: {s.node} is the weighted sum of {_names(s.inputs)}: {v}."
        if kind == "activation":
            return (f"Forward: {ACTIVATION_WORDS.get(s.op, s.op)} turns {s.inputs[0]} = "
                    f"{fmt(s.input_values[0], digits)} into {s.node} = {v}.")
        return f"Forward: the {op_symbol(graph, s.node)} gate {s.node} takes {_names(s.inputs)} and gives {v}."
    # backward
    shown = [e for e in s.edges if _shown_edge(graph, e.src)]
    up = fmt(s.upstream, digits)
    if s.node == start_of(graph) and s.node == loss_of(graph):
        parts = ", ".join(f"{e.src} {fmt(e.gradient, digits)}" for e in shown[:4])
        return f"Backward from the loss {E}: each output gets {d(E, 'output')}: {parts}."
    if len(shown) == 1:
        e = shown[0]
        loc = local_formula(graph, s.node, list(s.inputs).index(e.src), state.values, digits)
        what = ACTIVATION_WORDS.get(s.op, f"the {op_symbol(graph, s.node)} gate") if kind == "activation" else \
            f"the {op_symbol(graph, s.node)} gate"
        lf = f" {loc[0]}" if loc is not None and loc[0] not in ("1",) else ""
        return (f"Backward through {what} {s.node}: local gradient{lf} = {fmt(e.local, digits)} "
                f"times upstream {up} gives {fmt(e.gradient, digits)} for {e.src}.")
    if s.op == "weighted_sum":
        ws = [(e, w) for e, w in zip(s.edges, s.weights) if w is not None]
        extra = f" ({d(E, ws[0][1])} = {fmt(ws[0][0].param_gradient, digits)})" if ws else ""
        return (f"Backward through {s.node}: each input gets the upstream {up} times its weight, "
                f"each weight gets the upstream times its input{extra}.")
    if s.op == "add":
        return (f"Backward through the add gate {s.node}: it distributes the upstream {up} unchanged to "
                f"{_names(e.src for e in shown)}.")
    if s.op == "mul" and len(shown) == 2:
        a, b = shown
        return (f"Backward through the mul gate {s.node}: it switches its inputs: {a.src} gets {up} × "
                f"{fmt(a.local, digits)} = {fmt(a.gradient, digits)}, {b.src} gets {up} × {fmt(b.local, digits)} = "
                f"{fmt(b.gradient, digits)}.")
    if s.op in ("max", "min"):
        win = [e.src for e in shown if e.local != 0]
        return f"Backward through the {s.op} gate {s.node}: it routes the upstream {up} to {_names(win) or 'no input'}."
    return (f"Backward through {s.node}: each input gets local gradient × upstream {up}: "
            + ", ".join(f"{e.src} {fmt(e.gradient, digits)}" for e in shown[:5]) + ".")


def phase_text(state: State, cycle_length: int) -> str:
    """``forward — step 3 of 19`` (pass numbers from 1)."""
    phase = state.phase if state.step is not None else "start"
    k = state.index
    return f"pass {state.cycle + 1} · {phase} — step {k} of {cycle_length}"


# -- the inspector's check: a central difference ------------------------------------------
def numerical_gradient(graph: Graph, params: Mapping[str, float], sample: Mapping[str, float], name: str,
                       h: float = 1e-6) -> float:
    """d objective / d ``name`` by central difference, for a parameter, an input
    or target, or any op node (its output nudged while the rest of the graph
    recomputes from it)."""
    P = {k: np.array([float(v)]) for k, v in params.items()}
    feeds = {k: np.array([float(v)]) for k, v in sample.items()}
    outs = graph.start

    def objective(delta: float) -> float:
        p, f = dict(P), dict(feeds)
        if name in p:
            p[name] = p[name] + delta
        elif name in f:
            f[name] = f[name] + delta
        values: dict = {}
        for n in graph.order:
            node = graph.nodes[n]
            if node.op == "param":
                v = p[n]
            elif node.op in ("input", "target"):
                v = f[n]
            elif node.op == "const":
                v = np.array([float(node.value)])
            else:
                xs = [values[i] for i in node.inputs]
                ws = [None if w is None else p[w] for w in node.weights] if node.weights else []
                v = OPS[node.op].forward(xs, ws, node.attrs)
            v = np.asarray(v, dtype=float)
            if n == name and name not in p and name not in f:
                v = v + delta
            values[n] = v
        return float(sum(np.mean(values[o]) for o in outs))

    return (objective(h) - objective(-h)) / (2 * h)
