"""visualnn export --format torch: a PyTorch script that trains to visualnn's weights."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import visualnn as vn
from visualnn.cli import main
from visualnn.engine.training import train
from visualnn.io import load, save

pytest.importorskip("torch", reason="the script runs PyTorch: pip install 'visualnn[bench]'")
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def exported_weights(path: Path, tmp_path, epochs: int = 10) -> dict:
    script = tmp_path / "net.py"
    assert main(["export", str(path), "--format", "torch", "--out", str(script)]) == 0
    out = subprocess.run([sys.executable, str(script), str(epochs)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_the_two_two_two_script_reproduces_visualnns_weights_after_10_steps(tmp_path):
    doc = load(EXAMPLES / "mazur_2_2_2.json")                    # shared biases: one parameter vector
    want = train(doc.model, epochs=10).model.params
    got = exported_weights(EXAMPLES / "mazur_2_2_2.json", tmp_path)
    assert set(got) == set(want)
    for name, v in want.items():
        assert got[name] == pytest.approx(v, rel=1e-12, abs=1e-12), name


def test_a_plain_network_with_adam_and_minibatches_exports_as_nn_sequential_with_the_same_training(tmp_path):
    net = vn.MLP([2, 4, 3, 1], activation="tanh", output="sigmoid", seed=7)
    X = [[0.1, 0.9], [0.8, -0.3], [-0.5, 0.5], [0.3, 0.3], [-0.9, -0.1]]
    doc = net.document(X, [[1], [0], [1], [0], [1]], loss="binary_cross_entropy", optimizer="adam",
                       learning_rate=0.05)
    doc.model.training.batch_size, doc.model.training.seed = 2, 3
    path = save(doc, tmp_path / "mlp.json")
    want = train(load(path).model, epochs=10).model.params
    got = exported_weights(path, tmp_path)
    assert "torch.nn.Sequential(" in (tmp_path / "net.py").read_text()
    for name, v in want.items():
        assert got[name] == pytest.approx(v, rel=1e-12, abs=1e-12), name


def test_an_expression_graph_is_refused_with_the_reason(tmp_path, capsys):
    code = main(["export", str(EXAMPLES / "add_mul.json"), "--format", "torch", "--out", str(tmp_path / "x.py")])
    assert code == 2 and "only a layered network" in capsys.readouterr().err
    assert not (tmp_path / "x.py").exists()


def test_a_network_without_a_loss_is_refused_as_having_nothing_to_train(tmp_path, capsys):
    path = save(vn.MLP([2, 2, 1], seed=1).document([[0.5, 0.5]]), tmp_path / "noloss.json")
    assert main(["export", str(path), "--format", "torch", "--out", str(tmp_path / "x.py")]) == 2
    assert "has no loss, so there is nothing to train" in capsys.readouterr().err
