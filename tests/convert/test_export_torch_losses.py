"""visualnn export --format torch for every loss with a PyTorch equivalent, and for frozen
parameters (requires_grad=False): the script trains to visualnn's weights after 10 steps."""
from __future__ import annotations

import json

import numpy as np
import pytest
from test_export_torch import exported_weights

import visualnn as vn
from visualnn.cli import main
from visualnn.convert.to_torch import TORCH_LOSSES
from visualnn.engine.ops import OPS
from visualnn.engine.training import train
from visualnn.io import load, save

pytest.importorskip("torch", reason="the script runs PyTorch: pip install 'visualnn[bench]'")

X = [[0.1, 0.9], [0.8, -0.3], [-0.5, 0.5], [0.3, 0.3], [-0.9, -0.1]]
ONE_HOT = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0]]
CLASSES = [[c] * 3 for c in (0, 1, 2, 1, 0)]            # the class number (the file keeps the first column)

# loss -> (output activation, outputs, targets, loss attributes)
CASES = {
    "huber": ("linear", 1, [[1.5], [-2.0], [0.2], [0.1], [3.0]], {"delta": 0.5}),
    "cross_entropy": ("softmax", 3, ONE_HOT, {}),
    "binary_cross_entropy_with_logits": ("linear", 1, [[1], [0], [1], [0], [1]], {}),
    "binary_hinge": ("linear", 1, [[1], [-1], [1], [-1], [1]], {"margin": 1.5}),
    "softmax_cross_entropy": ("linear", 3, ONE_HOT, {}),
    "class_cross_entropy": ("linear", 3, CLASSES, {}),
    "hinge": ("linear", 3, ONE_HOT, {"margin": 0.8}),
}


def network_file(tmp_path, loss, output, outputs, targets, attrs=None, frozen=(), optimizer="sgd", lr=0.5):
    """A layered network file: 2-3-outputs, tanh, the loss with ``attrs``, parameters ``frozen``."""
    net = vn.MLP([2, 3, outputs], activation="tanh", output="linear" if output == "softmax" else output, seed=5)
    path = save(net.document(X, targets, loss="mse", optimizer=optimizer, learning_rate=lr), tmp_path / "net.json")
    doc = json.loads(path.read_text())
    doc["network"]["loss"].update({"op": loss, "attrs": dict(attrs or {})})
    doc["network"]["layers"][-1]["activation"] = output
    if loss == "class_cross_entropy":                     # one target: the class number
        doc["network"]["loss"]["targets"] = doc["network"]["loss"]["targets"][:1]
        for sample in doc["data"]["samples"]:
            del sample["target_y2"], sample["target_y3"]
    for name in frozen:
        doc["params"][name] = {"value": doc["params"][name], "trainable": False}
    out = tmp_path / f"{loss}.json"
    out.write_text(json.dumps(doc))
    return out


def assert_same_weights(path, tmp_path):
    model = load(path).model
    want = train(model, epochs=10).model.params
    got = exported_weights(path, tmp_path)
    assert set(got) == set(want)
    moved = 0
    for name, v in want.items():
        assert got[name] == pytest.approx(v, rel=1e-12, abs=1e-12), name
        moved += v != model.params[name]
    assert moved                               # the training did something to compare


@pytest.mark.parametrize("loss", sorted(CASES))
def test_the_script_reproduces_visualnns_weights_after_10_steps_for_the_loss(tmp_path, loss):
    output, outputs, targets, attrs = CASES[loss]
    assert_same_weights(network_file(tmp_path, loss, output, outputs, targets, attrs), tmp_path)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_frozen_parameters_stay_put_in_the_script_as_in_visualnn(tmp_path, optimizer):
    frozen = ("w_x1_h1_1", "b_h1_2", "w_h1_3_y1")
    path = network_file(tmp_path, "mse", "sigmoid", 1, [[1], [0], [1], [0], [1]], frozen=frozen,
                        optimizer=optimizer, lr=0.1)
    assert load(path).model.graph.frozen == set(frozen)
    assert_same_weights(path, tmp_path)
    assert "requires_grad=False" in (tmp_path / "net.py").read_text()


def test_every_engine_loss_with_a_pytorch_equivalent_exports():
    with_torch = {name for name, op in OPS.items() if op.kind == "loss" and op.torch}
    assert with_torch <= set(TORCH_LOSSES)


def test_a_cross_entropy_without_the_log_clamp_is_refused_naming_the_loss(tmp_path, capsys):
    path = network_file(tmp_path, "binary_cross_entropy", "sigmoid", 1, [[1], [0], [1], [0], [1]],
                        {"clamp_log": 0})
    assert main(["export", str(path), "--format", "torch", "--out", str(tmp_path / "x.py")]) == 2
    err = capsys.readouterr().err
    assert "'binary_cross_entropy' with clamp_log 0 has no PyTorch equivalent" in err
    assert not (tmp_path / "x.py").exists()


def test_cross_entropy_on_probabilities_without_the_clamp_still_matches(tmp_path):
    output, outputs, targets, _ = CASES["cross_entropy"]
    path = network_file(tmp_path, "cross_entropy", output, outputs, targets, {"clamp_log": 0})
    assert_same_weights(path, tmp_path)
    assert ".clamp(" not in (tmp_path / "net.py").read_text()
    assert np.isfinite(list(load(path).model.params.values())).all()


@pytest.mark.parametrize("optimizer, hyper", [("sgd", {"weight_decay": 0.1}), ("adamw", {"weight_decay": 0.05}),
                                              ("momentum", {"momentum": 0.8, "weight_decay": 0.02})])
def test_weight_decay_and_adamw_train_the_same_in_the_script(tmp_path, optimizer, hyper):
    path = network_file(tmp_path, "mse", "sigmoid", 1, [[1], [0], [1], [0], [1]], frozen=("b_y1",),
                        optimizer=optimizer, lr=0.1)
    doc = json.loads(path.read_text())
    doc.setdefault("training", {}).update(hyper)          # the optimizer's settings sit in training
    path.write_text(json.dumps(doc))
    assert load(path).model.training.hyper == hyper
    assert_same_weights(path, tmp_path)


def test_a_learning_rate_schedule_is_refused_by_name(tmp_path, capsys):
    path = network_file(tmp_path, "mse", "sigmoid", 1, [[1], [0], [1], [0], [1]])
    doc = json.loads(path.read_text())
    doc.setdefault("training", {})["schedule"] = {"type": "step", "step_size": 5, "gamma": 0.5}
    path.write_text(json.dumps(doc))
    assert main(["export", str(path), "--format", "torch", "--out", str(tmp_path / "x.py")]) == 2
    assert "learning-rate schedule 'step' is not written for PyTorch" in capsys.readouterr().err
