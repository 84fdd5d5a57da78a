"""Small files that ask for huge work are refused before the work starts.

Each file here is a few hundred bytes (the chain a few megabytes) and once
made the app run for minutes and use gigabytes: a generator of a million
samples, five million weights, a layer of 999,999 neurons, a chain of 200,000
nodes, a lecture of 190 million clicks. Each is refused by every command with
the documented limit in one message, using little memory (measured with
tracemalloc); ``check`` reports what an accepted file costs. The CLI never
prints a traceback: a sample out of range, a lone surrogate, a cycle of 19,000
nodes (its message is shortened) each end in one message and a documented code.
"""
from __future__ import annotations

import json
import tracemalloc

import pytest

from visualnn.cli import main
from visualnn.io import FileFormatError, examples_dir, load
from visualnn.io.limits import LIMITS, MAX_LECTURE_CLICKS, MAX_NODES, MAX_SAMPLES, MAX_WEIGHTS

BASE = {"format": "visualnn", "version": 1}
MB = 1024 * 1024


def layered(sizes, **more):
    return {**BASE, "network": {"type": "layered", "sizes": sizes, "activations": "sigmoid"},
            "training": {"init": "random"}, **more}


def chain_text(n: int) -> str:
    """A graph of ``n`` tanh nodes in a row, written directly (json.dumps of it is slow)."""
    nodes = ['{"name": "x", "op": "input"}'] + [
        f'{{"name": "n{i}", "op": "tanh", "inputs": ["{"x" if i == 0 else f"n{i - 1}"}"]}}' for i in range(n)]
    return ('{"format": "visualnn", "version": 1, "network": {"type": "graph", "nodes": [' + ", ".join(nodes)
            + ']}, "data": {"samples": [{"x": 0.5}]}}')


def mazur() -> dict:
    return json.loads((examples_dir() / "mazur_2_2_2.json").read_text())


HOSTILE = {
    "samples-1m": (lambda: json.dumps(layered([2, 4, 1], data={"generator": "spiral", "n": 1_000_000})),
                   f"at most {MAX_SAMPLES:,} samples"),
    "weights-5m": (lambda: json.dumps(layered([2237, 2237])), f"{MAX_WEIGHTS:,} weights"),
    "wide-999999": (lambda: json.dumps(layered([2, 999_999, 1])), f"at most {MAX_NODES:,} graph nodes"),
    "chain-200k": (lambda: chain_text(200_000), f"at most {MAX_NODES:,} nodes"),
    "clicks-190m": (lambda: json.dumps({**mazur(), "lecture": [{"step": [0, 19_000]}] * 10_000}),
                    f"at most {MAX_LECTURE_CLICKS:,} clicks"),
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("hostile")
    out = {}
    for name, (make, _) in HOSTILE.items():
        out[name] = folder / f"{name}.json"
        out[name].write_text(make(), encoding="utf-8")
    return out


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_small_file_asking_for_huge_work_is_refused_with_the_limit_using_little_memory(hostile, name):
    tracemalloc.start()
    try:
        with pytest.raises(FileFormatError) as err:
            load(hostile[name])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert HOSTILE[name][1] in str(err.value) and "(the documented limit" in str(err.value)
    assert len(err.value.problems) == 1, str(err.value)
    assert peak < 200 * MB, f"{peak / MB:.0f} MB"


@pytest.mark.parametrize("command", [["check"], ["trace"], ["trace", "--json"], ["train", "--epochs", "1"],
                                     ["gradcheck"], ["export", "--out", "OUT.md"]])
def test_every_command_refuses_every_hostile_file_in_one_message(hostile, capsys, tmp_path, command):
    for name, path in hostile.items():
        argv = [command[0], str(path)] + [str(tmp_path / a) if a == "OUT.md" else a for a in command[1:]]
        assert main(argv) == 2, name
        out, err = capsys.readouterr()
        assert HOSTILE[name][1] in err and "Traceback" not in err + out, (name, err[-300:])
        assert not list(tmp_path.iterdir())


def test_check_reports_the_cost_against_the_limits(capsys):
    assert main(["check", str(examples_dir() / "mazur_2_2_2.json")]) == 0
    out = capsys.readouterr().out
    assert "nodes           15 (limit 20,000)" in out
    assert "edges           20 (limit 100,000)" in out
    assert "lecture clicks  29 (limit 100,000)" in out
    assert "trace steps     19" in out


def test_the_limits_are_documented_with_their_numbers():
    doc = (examples_dir().parent / "docs" / "file-format.md").read_text()
    section = doc[doc.index("## Limits"):]
    for what, limit in LIMITS:
        assert f"{limit:,}" in section, what


def test_gradcheck_of_a_sample_out_of_range_says_so(capsys):
    assert main(["gradcheck", str(examples_dir() / "xor.json"), "--sample", "-1"]) == 2
    err = capsys.readouterr().err
    assert "--sample -1 is out of range" in err and "Traceback" not in err


def test_a_lone_surrogate_in_a_name_is_one_message_from_every_command(tmp_path, capsys):
    top = json.loads((examples_dir() / "add_mul.json").read_text())
    top.pop("lecture")
    path = tmp_path / "s.json"
    path.write_text(json.dumps(top).replace('"q"', '"\\ud800"'), encoding="utf-8")
    for argv in (["check"], ["trace"], ["export", "--out", str(tmp_path / "t.md")], ["train", "--save", "x.json"]):
        assert main([argv[0], str(path), *argv[1:]]) == 2
        err = capsys.readouterr().err
        assert "lone surrogate" in err and "\ud800" not in err


def test_a_cycle_through_thousands_of_nodes_is_named_in_a_short_message(tmp_path, capsys):
    n = 19_000
    nodes = [{"name": "x", "op": "input"}] + [{"name": f"n{i}", "op": "add", "inputs": ["x", f"n{(i - 1) % n}"]}
                                              for i in range(n)]
    path = tmp_path / "cycle.json"
    path.write_text(json.dumps({**BASE, "network": {"type": "graph", "nodes": nodes},
                                "data": {"samples": [{"x": 1}]}}), encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "a cycle of 19,000 nodes" in err and len(err) < 1000


def test_an_internal_error_is_one_line_with_its_own_exit_code(monkeypatch, capsys):
    import visualnn.cli as cli
    monkeypatch.setitem(cli.HANDLERS, "check", lambda args: 1 / 0)
    assert main(["check", "whatever.json"]) == cli.EXIT_INTERNAL
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error" in err and "ZeroDivisionError" in err
