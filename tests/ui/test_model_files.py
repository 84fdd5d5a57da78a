"""File > Import model… and File > Export as PyTorch… in the window."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog

torch = pytest.importorskip("torch", reason="the models here are PyTorch's: pip install 'visualnn[bench]'")


def test_import_model_asks_for_the_activations_of_a_state_dict_and_shows_the_network(window, tmp_path,
                                                                                      monkeypatch):
    net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1), torch.nn.Sigmoid())
    torch.save(net.state_dict(), tmp_path / "net.pt")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tmp_path / "net.pt"), ""))
    asked = []
    monkeypatch.setattr(QInputDialog, "getText", lambda parent, title, label, *a: (asked.append(label) or
                                                                                   ("tanh, sigmoid", True)))
    window.import_model_action.trigger()
    assert "2 layers" in asked[0]
    spec = window.session.model.spec
    assert spec.sizes == [2, 3, 1] and [L.activation for L in spec.layers] == ["tanh", "sigmoid"]
    assert window.session.model.params["w_x2_h1_3"] == pytest.approx(net[0].weight[2, 1].item(), rel=1e-7)
    window.session.step()
    assert window.session.state.values["net_h1_1"] == pytest.approx(net[0].bias[0].item(), rel=1e-7)  # inputs 0


def test_import_model_refusal_names_the_layer_in_a_message(window, tmp_path, monkeypatch, dialogs):
    conv = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.Flatten(), torch.nn.Linear(2, 1))
    torch.jit.script(conv).save(str(tmp_path / "conv.pt"))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tmp_path / "conv.pt"), ""))
    before = window.session.model
    window.import_model_action.trigger()
    assert dialogs.shown and "layer 0 (Conv2d) cannot be shown" in dialogs.shown[-1][2]
    assert window.session.model is before


def test_export_as_pytorch_writes_a_script_of_the_network_shown(window, tmp_path, monkeypatch):
    out = tmp_path / "net.py"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.export_torch_action.trigger()
    script = out.read_text()
    assert "torch.optim.SGD(model.parameters(), lr=0.5)" in script and "NAMES = ['b1', 'w1'" in script
    compile(script, str(out), "exec")
