"""The worked example as a table: every forward and backward step of one pass.

Qt-free.  ``Handout(trace, update)`` holds the rows; ``markdown()``, ``csv()``
and ``latex()`` write them.  Three sections, as a lecture hands them out:

- forward: each operation with its formula, the numbers plugged in and the value;
- backward: each edge a gradient goes back along, with the upstream gradient
  (of the node the step is at), the local gradient, their product, the running
  sum at the receiving input and, on a weighted edge, the weight's gradient;
- update: each parameter, its gradient and its new value.

Markdown and LaTeX print numbers as the lecture does (``digits`` decimals, see
``explain.fmt``); CSV keeps every digit (``repr`` of the float), for checking.
"""
from __future__ import annotations

import csv as _csv
import io
from dataclasses import dataclass, field

from .explain import fmt, forward_formula, forward_numbers, objective_name
from .trace import Step, Trace

FORMATS = ("md", "csv", "tex")


@dataclass(frozen=True)
class ForwardRow:
    position: int
    phase: str                 # forward | loss
    node: str
    op: str
    formula: str
    numbers: str
    value: float


@dataclass(frozen=True)
class BackwardRow:
    position: int
    node: str                  # the step's node: the gradient comes back from here
    op: str
    to: str                    # the input it goes back to
    upstream: float            # d objective / d node
    local: float               # d node / d to
    gradient: float            # local x upstream
    accumulated: float         # the running sum at ``to`` after adding it
    weight: str | None = None
    weight_gradient: float | None = None


@dataclass(frozen=True)
class UpdateRow:
    position: int
    param: str
    value: float
    gradient: float
    new: float


@dataclass
class Handout:
    """The rows of one pass; ``positions`` (a range) keeps only those steps."""
    trace: Trace
    update: Step | None = None
    positions: range | None = None
    title: str = ""
    learning_rate: float | None = None
    optimizer: str = "sgd"
    forward: list[ForwardRow] = field(default_factory=list, init=False)
    backward: list[BackwardRow] = field(default_factory=list, init=False)
    updates: list[UpdateRow] = field(default_factory=list, init=False)

    def __post_init__(self):
        g = self.trace.graph
        steps = list(self.trace.steps) + ([self.update] if self.update is not None else [])
        for k, s in enumerate(steps):
            pos = k + 1
            if self.positions is not None and pos not in self.positions:
                continue
            if s.phase in ("forward", "loss"):
                n = g.nodes[s.node]
                ws = list(s.weights) if s.weights else None
                wv = list(s.weight_values) if s.weight_values else None
                self.forward.append(ForwardRow(
                    pos, s.phase, s.node, s.op, forward_formula(s.op, list(s.inputs), n.attrs, ws),
                    forward_numbers(s.op, list(s.input_values), n.attrs, wv, 6), s.value))
            elif s.phase == "backward":
                for e in s.edges:
                    if g.nodes[e.src].op in ("target", "const"):
                        continue
                    w = e.param if e.param is not None and e.param != e.src else None
                    self.backward.append(BackwardRow(pos, s.node, s.op, e.src, e.upstream, e.local, e.gradient,
                                                     e.accumulated, w, e.param_gradient if w else None))
            elif s.phase == "update":
                for p, old, grad, new in s.updates:
                    self.updates.append(UpdateRow(pos, p, old, grad, new))

    @property
    def objective(self) -> str:
        return objective_name(self.trace.graph)

    # -- writers ---------------------------------------------------------------------------
    def markdown(self, digits: int = 9) -> str:
        E = _md(self.objective)
        f = lambda x: "" if x is None else fmt(x, digits)  # noqa: E731
        out = []
        if self.title:
            out += [f"# {self.title}", ""]
        sample = ", ".join(f"{k} = {fmt(v, digits)}" for k, v in self.trace.sample.items())
        if sample:
            out += [f"Sample: {sample}.", ""]
        if self.forward:
            out += ["## Forward", "", "| step | node | operation | with the numbers | value |",
                    "|---:|---|---|---|---:|"]
            for r in self.forward:
                out.append(f"| {r.position} | {_md(r.node)} | {_md(r.formula)} | {_md(r.numbers)} | {f(r.value)} |")
            out.append("")
        if self.backward:
            out += ["## Backward", "",
                    "Each row: gradient = local gradient × upstream gradient, sent from the step's node back "
                    "to one input; gradients arriving at the same input add up.", "",
                    f"| step | node | upstream ∂{E}/∂node | to input | local ∂node/∂input | local × upstream "
                    f"| sum at input | weight | ∂{E}/∂weight |",
                    "|---:|---|---:|---|---:|---:|---:|---|---:|"]
            for b in self.backward:
                out.append(f"| {b.position} | {_md(b.node)} | {f(b.upstream)} | {_md(b.to)} | {f(b.local)} | "
                           f"{f(b.gradient)} | {f(b.accumulated)} | {_md(b.weight or '')} | {f(b.weight_gradient)} |")
            out.append("")
        if self.updates:
            lr = f" (learning rate {fmt(self.learning_rate, digits)})" if self.learning_rate is not None else ""
            out += [f"## Update: {self.optimizer}{lr}", "",
                    f"| parameter | value | ∂{E}/∂parameter | new value |", "|---|---:|---:|---:|"]
            for u in self.updates:
                out.append(f"| {_md(u.param)} | {f(u.value)} | {f(u.gradient)} | {f(u.new)} |")
            out.append("")
        return "\n".join(out)

    def csv(self) -> str:
        """One row per forward step, backward edge and updated parameter; every digit kept."""
        buf = io.StringIO()
        w = _csv.writer(buf, lineterminator="\n")
        w.writerow(["step", "phase", "node", "operation", "value", "to", "upstream", "local", "gradient",
                    "sum_at_input", "weight", "weight_gradient", "new_value"])
        r_ = lambda x: "" if x is None else repr(float(x))  # noqa: E731
        for r in self.forward:
            w.writerow([r.position, r.phase, r.node, r.formula, r_(r.value), "", "", "", "", "", "", "", ""])
        for b in self.backward:
            w.writerow([b.position, "backward", b.node, b.op, "", b.to, r_(b.upstream), r_(b.local), r_(b.gradient),
                        r_(b.accumulated), b.weight or "", r_(b.weight_gradient), ""])
        for u in self.updates:
            w.writerow([u.position, "update", u.param, self.optimizer, r_(u.value), "", "", "", r_(u.gradient), "",
                        "", "", r_(u.new)])
        return buf.getvalue()

    def latex(self, digits: int = 9) -> str:
        """A standalone LaTeX document (booktabs, longtable) holding the three tables."""
        E = _tex(self.objective)
        n = lambda x: "" if x is None else f"${fmt(x, digits)}$"  # noqa: E731
        out = [r"\documentclass[a4paper]{article}", r"\usepackage[T1]{fontenc}", r"\usepackage[utf8]{inputenc}",
               r"\usepackage{booktabs,longtable}", r"\usepackage[margin=2cm,landscape]{geometry}",
               r"\begin{document}"]
        if self.title:
            out.append(r"\section*{" + _tex(self.title) + "}")
        sample = ", ".join(f"{_tex(k)} $= {fmt(v, digits)}$" for k, v in self.trace.sample.items())
        if sample:
            out.append(f"Sample: {sample}.")
            out.append("")
        if self.forward:
            out += [r"\subsection*{Forward}", r"\begin{longtable}{rlllr}", r"\toprule",
                    r"step & node & operation & with the numbers & value \\", r"\midrule", r"\endhead"]
            for r in self.forward:
                out.append(f"{r.position} & {_tex(r.node)} & {_tex(r.formula)} & {_tex(r.numbers)} & {n(r.value)} \\\\")
            out += [r"\bottomrule", r"\end{longtable}"]
        if self.backward:
            out += [r"\subsection*{Backward}",
                    r"Gradient $=$ local gradient $\times$ upstream gradient; gradients arriving at the same "
                    r"input add up.", "",
                    r"\begin{longtable}{rlrlrrrlr}", r"\toprule",
                    rf"step & node & upstream $\partial${E}/$\partial$node & to & local & local $\times$ upstream "
                    rf"& sum at input & weight & $\partial${E}/$\partial$weight \\", r"\midrule", r"\endhead"]
            for b in self.backward:
                out.append(f"{b.position} & {_tex(b.node)} & {n(b.upstream)} & {_tex(b.to)} & {n(b.local)} & "
                           f"{n(b.gradient)} & {n(b.accumulated)} & {_tex(b.weight or '')} & "
                           f"{n(b.weight_gradient)} \\\\")
            out += [r"\bottomrule", r"\end{longtable}"]
        if self.updates:
            lr = f" (learning rate ${fmt(self.learning_rate, digits)}$)" if self.learning_rate is not None else ""
            out += [r"\subsection*{Update: " + _tex(self.optimizer) + lr + "}", r"\begin{longtable}{lrrr}",
                    r"\toprule", rf"parameter & value & $\partial${E}/$\partial$parameter & new value \\",
                    r"\midrule", r"\endhead"]
            for u in self.updates:
                out.append(f"{_tex(u.param)} & {n(u.value)} & {n(u.gradient)} & {n(u.new)} \\\\")
            out += [r"\bottomrule", r"\end{longtable}"]
        out.append(r"\end{document}")
        return "\n".join(out) + "\n"

    def text(self, format: str, digits: int = 9) -> str:
        if format == "md":
            return self.markdown(digits)
        if format == "csv":
            return self.csv()
        if format == "tex":
            return self.latex(digits)
        raise ValueError(f"unknown table format {format!r}; expected one of {', '.join(FORMATS)}")


def handout_of(stepper, cycle: int = 0, positions: range | None = None, title: str = "") -> Handout:
    """The handout of pass ``cycle`` of an ``engine.trace.Stepper``."""
    steps = stepper.steps_of_cycle(cycle)
    update = steps[-1] if steps and steps[-1].phase == "update" else None
    lr = stepper.lr_for(cycle) if update is not None else None     # this pass's update (the schedule)
    return Handout(stepper.trace(cycle), update, positions, title, lr, stepper.optimizer_name)


def _md(text: str) -> str:
    """A Markdown table cell: pipes escaped, names with underscores kept literal."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("_", "\\_").replace("*", "\\*")


_TEX_CHARS = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
              "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\^{}",
              "·": r"$\cdot$", "×": r"$\times$", "σ": r"$\sigma$", "∂": r"$\partial$", "²": r"$^2$",
              "½": r"$\frac{1}{2}$", "√": r"$\sqrt{}$", "Σ": r"$\Sigma$", "≠": r"$\neq$", "≤": r"$\leq$",
              "∞": r"$\infty$", "–": "--", "…": r"\dots{}", "→": r"$\to$", "←": r"$\gets$", "η": r"$\eta$"}


def _tex(text: str) -> str:
    return "".join(_TEX_CHARS.get(c, c) for c in str(text))
