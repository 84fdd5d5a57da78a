"""File > Import model… attaches samples (a CSV, NPZ or NPY file) as `visualnn import --data`
does, through the same code; a bad data file is named with its line, and nothing is lost."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from visualnn.cli import main
from visualnn.ui import text

torch = pytest.importorskip("torch", reason="the models here are PyTorch's: pip install 'visualnn[bench]'")

GOOD_CSV = "x1,x2,target\n0.5,-1.0,1\n1.5,0.3,0\n"
BAD_CSV = "x1,x2,target\n0.5,-1.0,1\n1.5,abc,0\n"


@pytest.fixture
def state_dict(tmp_path):
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1), torch.nn.Sigmoid())
    torch.save(net.state_dict(), tmp_path / "net.pt")
    return tmp_path / "net.pt"


@pytest.fixture
def user(monkeypatch, dialogs):
    """The user's answers: files picked in turn, the activations typed, Yes to attaching samples."""
    class User:
        files: list[str] = []
        typed: list[str] = []
        asked: list[str] = []
    u = User()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (u.files.pop(0) if u.files else "", ""))
    monkeypatch.setattr(QInputDialog, "getText", lambda parent, title, label, *a: (u.typed.append(label) or
                                                                                   ("tanh, sigmoid", True)))

    def ask(parent, kind, title, body, *args, **kwargs):
        if kind == "question":
            u.asked.append(body)
            return QMessageBox.Yes
        dialogs.shown.append((kind, title, body))
        return QMessageBox.Ok
    monkeypatch.setattr(text, "ask", ask)
    return u


def test_import_model_attaches_samples_from_a_csv(window, tmp_path, state_dict, user):
    (tmp_path / "samples.csv").write_text(GOOD_CSV, encoding="utf-8")
    user.files = [str(state_dict), str(tmp_path / "samples.csv")]
    window.import_model_action.trigger()
    assert "Attach samples to net.pt?" in user.asked[0]
    model = window.session.model
    assert model.spec.loss == "mse" and model.samples() == [
        {"x1": 0.5, "x2": -1.0, "target_y1": 1.0}, {"x1": 1.5, "x2": 0.3, "target_y1": 0.0}]
    assert "with 2 samples from samples.csv" in window.statusBar().currentMessage()


def test_bad_samples_are_named_by_file_and_line_and_another_file_can_be_picked(window, tmp_path, state_dict, user,
                                                                                dialogs):
    (tmp_path / "bad.csv").write_text(BAD_CSV, encoding="utf-8")
    np.savez(tmp_path / "good.npz", X=np.array([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]), T=np.array([1.0, 0.0, 1.0]))
    user.files = [str(state_dict), str(tmp_path / "bad.csv"), str(tmp_path / "good.npz")]
    window.import_model_action.trigger()
    kind, title, message = dialogs.shown[-1]
    assert kind == "critical" and message == f"{tmp_path / 'bad.csv'}, line 3, column 2: 'abc' is not a number"
    assert len(user.typed) == 1                          # the activations were asked once, and kept
    model = window.session.model
    assert len(model.data) == 3 and model.samples()[2] == {"x1": 0.5, "x2": 0.6, "target_y1": 1.0}


def test_cancelling_after_bad_samples_leaves_the_window_as_it_was(window, tmp_path, state_dict, user, dialogs):
    (tmp_path / "ragged.csv").write_text("0.5,-1.0,1\n1.5,0.3\n", encoding="utf-8")
    before, params = window.session.model, dict(window.session.model.params)
    window.session.step()
    step = window.session.position
    user.files = [str(state_dict), str(tmp_path / "ragged.csv")]       # then Cancel
    window.import_model_action.trigger()
    assert "ragged.csv, line 2: 2 values, but the rows above have 3" in dialogs.shown[-1][2]
    assert window.session.model is before and window.session.model.params == params
    assert window.session.position == step


def test_saying_no_imports_without_samples(window, state_dict, user, monkeypatch):
    monkeypatch.setattr(text, "ask", lambda parent, kind, *a, **k: QMessageBox.No)
    user.files = [str(state_dict)]
    window.import_model_action.trigger()
    assert window.session.model.spec.sizes == [2, 3, 1] and len(window.session.model.data) == 1


def test_the_cli_names_the_same_line(tmp_path, state_dict, capsys):
    (tmp_path / "bad.csv").write_text(BAD_CSV, encoding="utf-8")
    code = main(["import", str(state_dict), "--activations", "tanh,sigmoid", "--data", str(tmp_path / "bad.csv"),
                 "--out", str(tmp_path / "net.json")])
    assert code != 0 and "bad.csv, line 3, column 2: 'abc' is not a number" in capsys.readouterr().err
    assert not (tmp_path / "net.json").exists()
