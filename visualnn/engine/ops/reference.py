"""The op reference of docs/file-format.md, written from the ops themselves
(a test keeps the document equal to it): each op's inputs and settings, its
formula, its local derivative, its kinks and special points, and PyTorch's
equivalent."""
from __future__ import annotations

from .base import OPS, Op

KIND_TITLES = (("op", "Gates and penalties"), ("activation", "Activations"), ("loss", "Losses"))


def _example_args(o: Op) -> tuple[list[str], list[str] | None]:
    if o.weighted:
        return ["x1", "x2"], ["w1", "w2"]
    if o.targets is not None:
        return ["z1", "z2", "c"], None
    if o.pairs:
        return ["o1", "o2", "t1", "t2"], None
    if o.arity == 1:
        return ["x"], None
    if o.arity == 2:
        return (["x", "a"] if o.name == "prelu" else ["a", "b"]), None
    return ["a", "b"], None


def _inputs(o: Op) -> str:
    if o.targets is not None:
        return f"logits z₁…z_k (k ≥ {o.min_inputs - 1}), then the class number"
    if o.pairs:
        return "outputs o₁…o_k, then targets t₁…t_k"
    if o.weighted:
        return "1+, each edge with a weight"
    if o.arity is not None:
        return str(o.arity)
    return f"{o.min_inputs}+"


def _symbolic(o: Op) -> dict:
    """The settings by name (``x^p``), except an index, which picks an input."""
    return {k: (v if k == "index" else k) for k, v in o.attrs}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def reference_markdown() -> str:
    """The tables, one per kind of op."""
    out = []
    for kind, title in KIND_TITLES:
        out += [f"#### {title}", "",
                "| op | inputs | settings (default) | formula | local derivative | kinks and special points "
                "| PyTorch |",
                "|---|---|---|---|---|---|---|"]
        for name in sorted(OPS):
            o = OPS[name]
            if o.kind != kind or name == "identity":
                continue
            args, ws = _example_args(o)
            settings = ", ".join(f"`{k}` ({v})" for k, v in o.attrs) or "–"
            alias = " (alias `identity`)" if name == "linear" else ""
            out.append(f"| `{name}`{alias} | {_cell(_inputs(o))} | {_cell(settings)} | "
                       f"{_cell(o.text(args, _symbolic(o), ws))} | {_cell(o.derivative)} | "
                       f"{_cell(o.special or 'smooth')} | `{_cell(o.torch)}` |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"
