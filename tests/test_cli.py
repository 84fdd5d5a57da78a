"""The visualnn command line: what a user types and reads."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from visualnn.cli import main
from visualnn.io import load

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
MAZUR = str(EXAMPLES / "mazur_2_2_2.json")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_prints_a_summary_of_a_valid_file(capsys):
    code, out, _ = run(capsys, "check", MAZUR)
    assert code == 0
    assert "valid visualnn file" in out and "layered 2-2-2" in out and "E_total" in out


def test_check_lists_the_problems_of_an_invalid_file_and_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "visualnn", "version": 1, "title": "x", '
                   '"network": {"type": "graph", "nodes": [{"name": "f", "op": "frobnicate", "inputs": []}]}}')
    code, out, err = run(capsys, "check", str(bad))
    assert code == 2
    assert "bad.json" in err and "frobnicate" in err
    assert "Traceback" not in err + out


def test_missing_file_is_one_clear_message(capsys):
    code, out, err = run(capsys, "trace", "/nonexistent/net.json")
    assert code != 0 and "net.json" in err and "Traceback" not in err


def test_wrong_arguments_are_one_clear_message(capsys):
    code, _, err = run(capsys, "train", MAZUR, "--epochs", "zero")
    assert code == 2 and "whole number" in err
    code, _, err = run(capsys, "trace", MAZUR, "--sample", "7")
    assert code != 0 and "out of range" in err


def test_trace_table_shows_local_times_upstream(capsys):
    code, out, _ = run(capsys, "trace", MAZUR, "--digits", "9")
    assert code == 0
    assert "net_h1 = weighted_sum(w1·i1 [0.15×0.05], w2·i2 [0.2×0.1], b1 [0.35]) = 0.3775" in out
    assert "-> out_h1: local 0.4 × upstream 0.138498562 = 0.0553994247" in out
    assert "(sum at out_h1: 0.0363503064)" in out  # the two branches add up


def test_trace_json_has_the_documented_shape(capsys):
    code, out, _ = run(capsys, "trace", str(EXAMPLES / "add_mul.json"), "--json")
    assert code == 0
    tr = json.loads(out)
    assert tr["format"] == "visualnn-trace" and tr["version"] == 1
    phases = [s["phase"] for s in tr["steps"]]
    assert phases == ["forward", "forward", "backward", "backward"]
    fwd = tr["steps"][0]
    assert set(fwd) == {"index", "phase", "node", "op", "inputs", "value"}
    back = tr["steps"][2]
    assert {"index", "phase", "node", "op", "upstream", "edges"} <= set(back)
    assert {"from", "to", "local", "upstream", "gradient", "param", "param_gradient"} <= set(back["edges"][0])
    res = tr["result"]
    assert res["loss"] is None and res["output"] == {"f": -12.0}
    assert res["gradients"]["x"] == -4 and res["gradients"]["y"] == -4 and res["gradients"]["z"] == 3


def test_trace_json_of_mazur_gives_the_lecture_gradients(capsys):
    code, out, _ = run(capsys, "trace", MAZUR, "--json")
    res = json.loads(out)["result"]
    assert round(res["loss"], 9) == 0.298371109
    assert round(res["params"]["w5"]["gradient"], 9) == 0.082167041
    assert round(res["params"]["w1"]["gradient"], 9) == 0.000438568


def test_train_one_epoch_saves_the_lectures_updated_weights(tmp_path, capsys):
    out_file = tmp_path / "trained.json"
    code, out, _ = run(capsys, "train", MAZUR, "--epochs", "1", "--lr", "0.5", "--optimizer", "sgd",
                       "--save", str(out_file))
    assert code == 0 and "saved" in out
    params = load(out_file).model.params
    assert round(params["w5"], 8) == 0.35891648
    assert round(params["w1"], 9) == 0.149780716
    assert round(params["w8"], 9) == 0.561370121


def test_train_with_exploding_learning_rate_stops_with_a_message(tmp_path, capsys):
    code, out, _ = run(capsys, "train", str(EXAMPLES / "xor.json"), "--epochs", "50", "--lr", "1e6",
                       "--optimizer", "sgd")
    # sigmoid saturates rather than overflowing for many settings; either it trains on or stops cleanly
    assert code in (0, 3)
    if code == 3:
        assert "stopped" in out


def test_gradcheck_agrees_with_backprop(capsys):
    code, out, _ = run(capsys, "gradcheck", str(EXAMPLES / "sigmoid_neuron.json"))
    assert code == 0 and "OK" in out and "w0" in out


def test_console_script_runs_without_a_display():
    proc = subprocess.run([sys.executable, "-m", "visualnn.cli", "check", MAZUR], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "PySide6" not in proc.stderr
