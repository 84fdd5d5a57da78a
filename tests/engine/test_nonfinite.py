"""Non-finite numbers are data: the trace records them, `trace --json` writes
the documented tokens "inf", "-inf" and "nan" and always parses, `gradcheck`
fails on them, and training names the operation that produced them."""
from __future__ import annotations

import json

import pytest

from visualnn.cli import main
from visualnn.engine import Graph, Node, record
from visualnn.engine.nonfinite import in_steps
from visualnn.engine.trace import NON_FINITE_TOKENS


def _file(tmp_path, nodes, params, data, **network):
    doc = {"format": "visualnn", "version": 1, "title": "edge",
           "network": {"type": "graph", "nodes": nodes, **network}, "params": params,
           "data": {"columns": data}, "training": {"epochs": 3, "learning_rate": 0.1}}
    p = tmp_path / "edge.json"
    p.write_text(json.dumps(doc))
    return str(p)


def _unary(tmp_path, op, x, **attrs):
    nodes = [{"name": "x", "op": "input"}, {"name": "y", "op": op, "inputs": ["x"]}]
    if attrs:
        nodes[1]["attrs"] = attrs
    return _file(tmp_path, nodes, {}, {"x": [x]})


def _trace_json(capsys, path):
    code = main(["trace", path, "--json"])
    out, err = capsys.readouterr()
    assert code == 0 and "Traceback" not in err
    return json.loads(out, parse_constant=lambda c: pytest.fail(f"bare {c} in JSON"))


@pytest.mark.parametrize("op, x, attrs, value, local", [
    ("log", 0.0, {}, "-inf", "inf"),
    ("inv", 0.0, {}, "inf", "-inf"),
    ("sqrt", 0.0, {}, 0.0, "inf"),
    ("exp", 710.0, {}, "inf", "inf"),
    ("square", 1e300, {}, "inf", 2e300),
    ("pow", 0.0, {"p": 0.0}, 1.0, 0.0),          # PyTorch: d(x^0)/dx = 0, also at x = 0
])
def test_trace_json_writes_non_finite_numbers_as_documented_tokens(tmp_path, capsys, op, x, attrs, value, local):
    doc = _trace_json(capsys, _unary(tmp_path, op, x, **attrs))
    fwd, back = doc["steps"]
    assert fwd["value"] == value
    assert back["edges"][0]["local"] == local
    assert set(NON_FINITE_TOKENS) == {"inf", "-inf", "nan"}


def test_division_by_zero_and_a_huge_mse_are_recorded_not_refused(tmp_path, capsys):
    nodes = [{"name": "a", "op": "input"}, {"name": "b", "op": "input"}, {"name": "t", "op": "target"},
             {"name": "q", "op": "div", "inputs": ["a", "b"]},
             {"name": "L", "op": "mse", "inputs": ["a", "t"]}]
    doc = _trace_json(capsys, _file(tmp_path, nodes, {}, {"a": [1e200], "b": [0.0], "t": [0.0]}))
    assert doc["result"]["values"]["q"] == "inf" and doc["result"]["loss"] == "inf"


def test_the_first_operation_to_go_non_finite_is_named():
    g = Graph([Node("x", "input"), Node("w", "param"), Node("z", "mul", ("w", "x")), Node("f", "log", ("z",))])
    tr = record(g, {"w": 2.0}, {"x": 0.0})
    assert in_steps(tr.steps) == "log(0) = -∞ at f"
    g = Graph([Node("x", "input"), Node("s", "sqrt", ("x",))])
    assert in_steps(record(g, {}, {"x": 0.0}).steps) == "the local gradient ∂s/∂x of sqrt(0) = ∞ at s"


def test_gradcheck_fails_when_a_gradient_is_not_finite(tmp_path, capsys):
    nodes = [{"name": "x", "op": "input"}, {"name": "w", "op": "param"},
             {"name": "z", "op": "mul", "inputs": ["w", "x"]}, {"name": "f", "op": "log", "inputs": ["z"]}]
    code = main(["gradcheck", _file(tmp_path, nodes, {"w": 1.0}, {"x": [0.0]})])
    out, err = capsys.readouterr()
    assert code == 1 and "NOT FINITE" in out and "OK" not in out and "Traceback" not in err


def test_training_names_the_operation_instead_of_blaming_the_learning_rate(tmp_path, capsys):
    nodes = [{"name": "x", "op": "input"}, {"name": "w", "op": "param"},
             {"name": "z", "op": "mul", "inputs": ["w", "x"]}, {"name": "f", "op": "log", "inputs": ["z"]}]
    code = main(["train", _file(tmp_path, nodes, {"w": 1.0}, {"x": [1.0, 0.0]}, output="f", cost=True)])
    out, _ = capsys.readouterr()
    assert code == 3
    assert "log(0) = -∞ at f (sample 1)" in out and "learning rate" not in out


def test_training_that_really_diverges_still_points_at_the_learning_rate(tmp_path, capsys):
    nodes = [{"name": "x", "op": "input"}, {"name": "w", "op": "param"},
             {"name": "z", "op": "mul", "inputs": ["w", "x"]}, {"name": "f", "op": "square", "inputs": ["z"]}]
    path = _file(tmp_path, nodes, {"w": 1.0}, {"x": [3.0]}, output="f", cost=True)
    code = main(["train", path, "--lr", "10", "--epochs", "1000"])
    out, _ = capsys.readouterr()
    assert code == 3 and "learning rate 10 is probably too large" in out


def test_traces_with_and_without_non_finite_numbers_follow_the_published_schema(tmp_path, capsys):
    jsonschema = pytest.importorskip("jsonschema")
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    schema = json.loads((root / "docs" / "trace.schema.json").read_text())
    for path in (str(root / "examples" / "mazur_2_2_2.json"), _unary(tmp_path, "log", 0.0)):
        jsonschema.validate(_trace_json(capsys, path), schema)
    bad = _trace_json(capsys, _unary(tmp_path, "log", 0.0))
    bad["steps"][0]["value"] = "Infinity"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_graph_labels_draw_non_finite_numbers_in_the_warning_colour():
    from visualnn.engine import Stepper
    from visualnn.engine.labels import WARNING, node_lines
    g = Graph([Node("x", "input"), Node("w", "param"), Node("z", "mul", ("w", "x")), Node("f", "log", ("z",))])
    st = Stepper(g, {"w": 2.0}, [{"x": 0.0}])
    state = st.state(st.trace_length)
    value, grad = node_lines(state, g, "f", 4)
    assert value.text == "-∞" and value.role == WARNING
    assert node_lines(state, g, "w", 4)[0].role == "value"
    assert node_lines(state, g, "z", 4)[1].role == WARNING          # ∂f/∂z = 1/0
