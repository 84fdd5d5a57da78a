"""The worked example as a table: Markdown, CSV and LaTeX hold the trace's numbers."""
import csv
import io
import re
from pathlib import Path

import pytest

from visualnn.engine.explain import fmt
from visualnn.engine.handout import Handout, handout_of
from visualnn.engine.trace import Stepper
from visualnn.io import load

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def mazur():
    m = load(EXAMPLES / "mazur_2_2_2.json").model
    st = Stepper(m.graph, m.params, m.samples(), lr=0.5)
    return st, handout_of(st, title=m.title)


def _md_rows(text, section):
    """The cells of each data row of a Markdown section's table."""
    part = text.split(f"## {section}")[1].split("\n## ")[0]
    rows = [line for line in part.splitlines() if line.startswith("|")][2:]
    return [[c.strip().replace("\\_", "_") for c in re.split(r"(?<!\\)\|", r)[1:-1]] for r in rows]


def test_markdown_forward_rows_are_the_trace_values(mazur):
    st, h = mazur
    tr = st.trace(0)
    rows = _md_rows(h.markdown(), "Forward")
    fwd = [s for s in tr.steps if s.phase in ("forward", "loss")]
    assert [r[1] for r in rows] == [s.node for s in fwd]
    for r, s in zip(rows, fwd):
        assert float(r[4]) == pytest.approx(s.value, abs=5e-10)
    assert dict((r[1], r[4]) for r in rows)["out_h1"] == "0.593269992"      # the lecture's digits
    assert dict((r[1], r[4]) for r in rows)["E_total"] == "0.298371109"


def test_markdown_backward_rows_hold_local_upstream_and_product(mazur):
    st, h = mazur
    rows = _md_rows(h.markdown(), "Backward")
    edges = [(s, e) for s in st.trace(0).steps if s.phase == "backward" for e in s.edges]
    assert len(rows) == len(edges)
    for r, (s, e) in zip(rows, edges):
        assert (r[1], r[3]) == (s.node, e.src)
        for cell, x in zip((r[2], r[4], r[5], r[6]), (e.upstream, e.local, e.gradient, e.accumulated)):
            assert float(cell) == pytest.approx(x, abs=5e-10)
    w5 = next(r for r in rows if r[7] == "w5")
    assert w5[8] == "0.082167041"                                           # dE/dw5 as printed
    w1 = next(r for r in rows if r[7] == "w1")
    assert w1[8] == "0.000438568"
    summed = next(r for r in rows if r[3] == "out_h1" and r[1] == "net_o2")
    assert summed[6] == "0.036350306"                                       # gradients add at branches


def test_markdown_update_rows_give_the_new_weights(mazur):
    _, h = mazur
    rows = {r[0]: r for r in _md_rows(h.markdown(), "Update")}
    assert rows["w5"][3] == "0.35891648" and rows["w1"][3] == "0.149780716"


def test_csv_keeps_every_digit_of_the_trace(mazur):
    st, h = mazur
    tr = st.trace(0)
    rows = list(csv.DictReader(io.StringIO(h.csv())))
    fwd = [r for r in rows if r["phase"] in ("forward", "loss")]
    assert [float(r["value"]) for r in fwd] == [s.value for s in tr.steps if s.phase in ("forward", "loss")]
    back = [r for r in rows if r["phase"] == "backward"]
    edges = [e for s in tr.steps if s.phase == "backward" for e in s.edges]
    assert [(float(r["local"]), float(r["upstream"]), float(r["gradient"]), float(r["sum_at_input"]))
            for r in back] == [(e.local, e.upstream, e.gradient, e.accumulated) for e in edges]
    grads = {r["weight"]: float(r["weight_gradient"]) for r in back if r["weight"]}
    assert grads == {p: tr.param_gradients[p] for p in grads}
    new = {r["node"]: float(r["new_value"]) for r in rows if r["phase"] == "update"}
    assert new == st.params_for(1)


def test_latex_is_a_document_with_the_trace_numbers(mazur):
    st, h = mazur
    tex = h.latex()
    assert tex.startswith(r"\documentclass") and tex.rstrip().endswith(r"\end{document}")
    assert tex.count(r"\begin{longtable}") == tex.count(r"\end{longtable}") == 3
    assert r"net\_h1" in tex and "_h1" not in tex.replace(r"\_h1", "")
    body = tex.split(r"\subsection*{Backward}")[1].split(r"\subsection*{Update")[0]
    lines = [line for line in body.splitlines() if line.endswith(r"\\") and line[0].isdigit()]
    edges = [e for s in st.trace(0).steps if s.phase == "backward" for e in s.edges]
    assert len(lines) == len(edges)
    for line, e in zip(lines, edges):
        nums = [float(x) for x in re.findall(r"\$(-?[0-9.e+-]+)\$", line)]
        assert nums[:4] == [pytest.approx(x, abs=5e-10) for x in (e.upstream, e.local, e.gradient, e.accumulated)]
    assert "$0.082167041$" in body


def test_a_range_of_positions_keeps_only_those_steps(mazur):
    st, _ = mazur
    h = handout_of(st, positions=range(10, 13))
    assert not h.forward and not h.updates
    assert sorted({r.position for r in h.backward}) == [10, 11, 12]


def test_a_graph_without_a_loss_has_no_update_section():
    m = load(EXAMPLES / "add_mul.json").model
    st = Stepper(m.graph, m.params, m.samples())
    h = handout_of(st)
    md = h.markdown()
    assert "## Update" not in md and "## Backward" in md
    rows = _md_rows(md, "Backward")
    assert {r[3]: r[5] for r in rows} == {"q": "-4", "z": "3", "x": "-4", "y": "-4"}


def test_markdown_cells_escape_pipes_and_underscores():
    m = load(EXAMPLES / "sigmoid_neuron.json").model
    st = Stepper(m.graph, m.params, m.samples())
    md = Handout(st.trace(0)).markdown(2)
    assert "w0\\*x0" in md
    assert f"| {fmt(st.trace(0).values['f'], 2)} |" in md
