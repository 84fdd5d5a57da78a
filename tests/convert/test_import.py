"""visualnn import: a model trained in PyTorch, as a state dict, TorchScript, ONNX or .npz,
becomes a network file whose trace is PyTorch's forward and backward pass."""
from __future__ import annotations

import numpy as np
import pytest

from visualnn.cli import main
from visualnn.convert import ImportRefused, import_model
from visualnn.engine import record
from visualnn.io import load

torch = pytest.importorskip("torch", reason="the reference here is PyTorch: pip install 'visualnn[bench]'")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")    # torch.jit and the ONNX exporter
TOL = 1e-12
X = np.array([[0.5, -1.0], [1.5, 0.3], [-0.7, 0.8], [0.1, 0.1]])
Y = np.array([[1.0], [0.0], [1.0], [0.0]])


def trained():
    """nn.Sequential(Linear(2,3), Tanh(), Linear(3,1), Sigmoid()) after five SGD steps in PyTorch."""
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1),
                              torch.nn.Sigmoid()).double()
    opt = torch.optim.SGD(net.parameters(), lr=0.5)
    for _ in range(5):
        opt.zero_grad()
        torch.nn.functional.mse_loss(net(torch.tensor(X)), torch.tensor(Y)).backward()
        opt.step()
    return net


def write(net, kind: str, folder):
    path = folder / {"state_dict": "net.pt", "torchscript": "net_ts.pt", "torch_export": "net.pt2", "onnx": "net.onnx",
                     "npz": "net.npz"}[kind]
    if kind == "state_dict":
        torch.save(net.state_dict(), path)
    elif kind == "torchscript":
        torch.jit.script(net).save(str(path))
    elif kind == "torch_export":
        torch.export.save(torch.export.export(net, (torch.zeros(1, 2, dtype=torch.float64),)), str(path))
    elif kind == "onnx":
        pytest.importorskip("onnx", reason="pip install 'visualnn[import]'")
        torch.onnx.export(net, (torch.zeros(1, 2, dtype=torch.float64),), str(path), dynamo=False)
    else:
        np.savez(path, W1=net[0].weight.detach().numpy(), b1=net[0].bias.detach().numpy(),
                 W2=net[2].weight.detach().numpy(), b2=net[2].bias.detach().numpy(),
                 activations=np.array(["tanh", "sigmoid"]))
    return path


@pytest.mark.parametrize("kind", ["state_dict", "torchscript", "torch_export", "onnx", "npz"])
def test_a_trained_pytorch_model_imports_to_a_file_whose_trace_is_pytorchs_forward_and_backward(kind, tmp_path):
    net = trained()
    model_path = write(net, kind, tmp_path)
    np.save(tmp_path / "samples.npy", np.hstack([X, Y]))
    out = tmp_path / "net.json"
    args = ["import", str(model_path), "--out", str(out), "--data", str(tmp_path / "samples.npy"), "--loss", "mse"]
    if kind == "state_dict":
        args += ["--activations", "tanh,sigmoid"]
    assert main(args) == 0
    doc = load(out)
    assert doc.model.spec is not None and doc.model.spec.sizes == [2, 3, 1]
    for k in range(len(X)):
        tr = record(doc.model.graph, doc.model.params, doc.model.samples()[k])
        net.zero_grad()
        x = torch.tensor(X[k:k + 1])
        hidden = torch.tanh(net[0](x))
        loss = torch.nn.functional.mse_loss(net(x), torch.tensor(Y[k:k + 1]))
        loss.backward()
        assert tr.loss == pytest.approx(loss.item(), rel=TOL, abs=TOL)
        for j in range(3):
            assert tr.values[f"out_h1_{j + 1}"] == pytest.approx(hidden[0, j].item(), rel=TOL, abs=TOL)
        grads = {f"w_x{i + 1}_h1_{j + 1}": net[0].weight.grad[j, i] for j in range(3) for i in range(2)}
        grads |= {f"b_h1_{j + 1}": net[0].bias.grad[j] for j in range(3)}
        grads |= {f"w_h1_{i + 1}_y1": net[2].weight.grad[0, i] for i in range(3)} | {"b_y1": net[2].bias.grad[0]}
        assert set(grads) == set(tr.param_gradients)
        for name, g in grads.items():
            assert tr.param_gradients[name] == pytest.approx(g.item(), rel=TOL, abs=TOL), name


def conv_net():
    return torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.ReLU(), torch.nn.Flatten(),
                               torch.nn.Linear(2, 1))


def test_a_convolution_is_refused_naming_that_layer(tmp_path):
    net = conv_net()
    torch.jit.script(net).save(str(tmp_path / "conv_ts.pt"))
    with pytest.raises(ImportRefused, match=r"layer 0 \(Conv2d\) cannot be shown"):
        import_model(tmp_path / "conv_ts.pt")
    torch.export.save(torch.export.export(net, (torch.zeros(1, 1, 3, 3),)), str(tmp_path / "conv.pt2"))
    with pytest.raises(ImportRefused, match=r"node 'conv2d' \(aten.conv2d.default\) cannot be shown"):
        import_model(tmp_path / "conv.pt2")
    torch.save(net.state_dict(), tmp_path / "conv.pt")
    with pytest.raises(ImportRefused, match=r"layer '0' has a weight of shape 2x1x3x3 \(a convolution's kernel\)"):
        import_model(tmp_path / "conv.pt", activations=["relu", "linear"])


def test_an_onnx_convolution_is_refused_naming_that_node(tmp_path):
    pytest.importorskip("onnx", reason="pip install 'visualnn[import]'")
    torch.onnx.export(conv_net(), (torch.zeros(1, 1, 3, 3),), str(tmp_path / "conv.onnx"), dynamo=False)
    with pytest.raises(ImportRefused, match=r"node '/0/Conv' \(Conv\) cannot be shown"):
        import_model(tmp_path / "conv.onnx")


class RunsCode:
    """Unpickling this would write a file: the test of "never executed"."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return exec, (f"open({self.marker!r}, 'w').write('ran')",)


def test_a_pickle_with_code_in_it_is_refused_without_running_it(tmp_path, capsys):
    marker = tmp_path / "ran.txt"
    torch.save({"0.weight": RunsCode(marker)}, tmp_path / "evil.pt")
    torch.save(trained(), tmp_path / "whole_model.pt")            # a whole pickled module: code too
    for name in ("evil.pt", "whole_model.pt"):
        code = main(["import", str(tmp_path / name), "--out", str(tmp_path / "out.json"),
                     "--activations", "tanh,sigmoid"])
        err = capsys.readouterr().err
        assert code == 2 and "pickled Python objects" in err and "was not loaded" in err
        assert "Traceback" not in err
    assert not marker.exists() and not (tmp_path / "out.json").exists()


def test_a_state_dict_without_activations_says_how_to_give_them(tmp_path):
    torch.save(trained().state_dict(), tmp_path / "net.pt")
    with pytest.raises(ImportRefused, match=r"--activations tanh,sigmoid for 2 layers"):
        import_model(tmp_path / "net.pt")


def test_an_npz_with_an_object_array_is_refused_unread(tmp_path):
    np.savez(tmp_path / "w.npz", W1=np.array([object()], dtype=object))
    with pytest.raises(ImportRefused, match="object arrays are pickles"):
        import_model(tmp_path / "w.npz", activations=["relu"])


def test_samples_come_from_a_csv_with_a_header_line(tmp_path):
    path = write(trained(), "npz", tmp_path)
    (tmp_path / "samples.csv").write_text("x1,x2,target\n0.5,-1.0,1\n1.5,0.3,0\n", encoding="utf-8")
    doc = import_model(path, data=tmp_path / "samples.csv")
    assert doc.model.spec.loss == "mse" and doc.model.samples() == [
        {"x1": 0.5, "x2": -1.0, "target_y1": 1.0}, {"x1": 1.5, "x2": 0.3, "target_y1": 0.0}]
    (tmp_path / "short.csv").write_text("0.5\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="1 column, but the network takes 2 inputs"):
        import_model(path, data=tmp_path / "short.csv")
