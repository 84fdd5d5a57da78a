"""What a file costs, against the documented limits: ``visualnn check`` prints it,
and an export is checked against it before the first frame is drawn.

The loader refuses what is over a limit while it reads (network.py, data.py,
lecture.py), before anything big is built; this module sums up an accepted
document and sizes work asked of it later.
"""
from __future__ import annotations

from dataclasses import dataclass

from .limits import MAX_EXPORT_FRAMES, MAX_EXPORT_PIXELS, MAX_LECTURE_CLICKS, MAX_NODES, MAX_SAMPLES, MAX_WEIGHTS

LIMIT_WORDS = "(the documented limit"      # every refusal for a limit says so


def too_many(n: int, what: str, limit: int) -> str:
    return f"{n:,} {what}; at most {limit:,} {what} are allowed {LIMIT_WORDS})"


def precheck(top: dict, problems) -> None:
    """Refuse at once what the parsed JSON shows is over a limit by its length alone
    (200,000 nodes, a million samples), before the file is examined any further."""
    net = top.get("network")
    if isinstance(net, dict):
        nodes = net.get("nodes")
        if isinstance(nodes, list) and len(nodes) > MAX_NODES:
            problems.add("network.nodes", too_many(len(nodes), "nodes", MAX_NODES))
        for key in ("inputs", "layers"):
            if isinstance(net.get(key), list) and len(net[key]) > MAX_NODES:
                problems.add(f"network.{key}", f"{len(net[key]):,} {key}; a network has at most {MAX_NODES:,} graph "
                                               f"nodes (its inputs, targets, and a weighted sum and an output for "
                                               f"each of its neurons) {LIMIT_WORDS})")
    data = top.get("data")
    if isinstance(data, dict):
        for key in ("samples", "test_samples"):
            if isinstance(data.get(key), list) and len(data[key]) > MAX_SAMPLES:
                problems.add(f"data.{key}", too_many(len(data[key]), "samples", MAX_SAMPLES))
        for key in ("columns", "test_columns"):
            cols = data.get(key)
            if isinstance(cols, dict):
                longest = max((len(v) for v in cols.values() if isinstance(v, list)), default=0)
                if longest > MAX_SAMPLES:
                    problems.add(f"data.{key}", too_many(longest, "samples", MAX_SAMPLES))
    problems.raise_if_any()


@dataclass(frozen=True)
class Cost:
    nodes: int
    edges: int
    parameters: int
    samples: int
    trace_steps: int            # operations of one pass: forward, loss, backward, update
    lecture_clicks: int

    def lines(self) -> list[str]:
        """One line per figure, with its limit where there is one."""
        def row(what, n, limit=None):
            return f"{what:<16}{n:,}" + (f" (limit {limit:,})" if limit is not None else "")
        return [row("nodes", self.nodes, MAX_NODES), row("edges", self.edges, MAX_WEIGHTS),
                row("parameters", self.parameters), row("samples", self.samples, MAX_SAMPLES),
                row("trace steps", self.trace_steps), row("lecture clicks", self.lecture_clicks, MAX_LECTURE_CLICKS)]


def cost_of(doc) -> Cost:
    """The cost of a loaded document (an ``io.Document``)."""
    from .lecture import lecture_clicks, read_lecture, step_list
    g = doc.model.graph
    steps = len(step_list(g))
    data = doc.model.data
    n_test = len(next(iter(data.test.values()))) if data.test else 0
    clicks = lecture_clicks(read_lecture(doc.lecture, g)) if doc.lecture else steps + 1
    return Cost(len(g.nodes), sum(1 for _ in g.edges()), len(g.param_names), len(data) + n_test, steps, clicks)


def gate_nodes(spec) -> int:
    """Nodes of the gate view of a layered network (every weight a mul gate, every sum
    a chain of add gates), counted without building it."""
    nodes = len(spec.inputs) + len(spec.targets) + 1
    for layer in spec.layers:
        for row, b in zip(layer.weights, layer.biases):
            k = sum(w is not None for w in row)
            nodes += 3 * k + 2 * (b is not None) + 2
    return nodes


def export_refusal(frames: int, width: int, height: int) -> str | None:
    """Why an export of ``frames`` frames of ``width`` x ``height`` pixels is refused, or None."""
    if frames > MAX_EXPORT_FRAMES:
        return (f"{frames:,} frames; at most {MAX_EXPORT_FRAMES:,} frames are allowed in one export "
                f"(the documented limit); export a range of steps")
    pixels = frames * width * height
    if pixels > MAX_EXPORT_PIXELS:
        return (f"{frames:,} frames of {width}x{height} is {pixels:,} pixels; at most {MAX_EXPORT_PIXELS:,} are "
                f"allowed in one export (the documented limit); export fewer steps or a smaller size")
    return None
