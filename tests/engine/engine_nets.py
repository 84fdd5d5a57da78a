"""Networks the engine tests share, built straight from the engine API
(imported by the test modules: ``from engine_nets import mazur_model``)."""
import numpy as np

from visualnn.engine import Dataset, Layer, LayeredSpec, Model, TrainingSettings, compile_layered

MAZUR_PARAMS = dict(w1=0.15, w2=0.20, w3=0.25, w4=0.30, w5=0.40, w6=0.45, w7=0.50, w8=0.55, b1=0.35, b2=0.60)
MAZUR_SAMPLE = dict(i1=0.05, i2=0.10, target_o1=0.01, target_o2=0.99)


def mazur_spec() -> LayeredSpec:
    """Matt Mazur's 2-2-2 example: b1 shared by h1 and h2, b2 by o1 and o2."""
    return LayeredSpec(
        inputs=["i1", "i2"],
        layers=[Layer(["h1", "h2"], "sigmoid", [["w1", "w2"], ["w3", "w4"]], ["b1", "b1"]),
                Layer(["o1", "o2"], "sigmoid", [["w5", "w6"], ["w7", "w8"]], ["b2", "b2"])],
        loss="squared_error", targets=["target_o1", "target_o2"], loss_name="E_total")


def mazur_model(layered: bool = True) -> Model:
    """``layered=False`` drops the spec, so the engine treats it as a plain graph."""
    spec = mazur_spec()
    data = Dataset({k: np.array([v]) for k, v in MAZUR_SAMPLE.items()})
    return Model("Mazur 2-2-2", compile_layered(spec), dict(MAZUR_PARAMS), spec if layered else None, data,
                 TrainingSettings(epochs=1, learning_rate=0.5))


def mlp_model(sizes, activation="sigmoid", out_activation=None, loss="squared_error", data=None,
              **training) -> Model:
    """A fully connected network with weights w<l>_<j>_<i> and biases b<l>_<j>."""
    inputs = [f"x{i + 1}" for i in range(sizes[0])]
    prev, layers = inputs, []
    for l, n in enumerate(sizes[1:], start=1):
        last = l == len(sizes) - 1
        neurons = [f"y{j + 1}" if last else f"h{l}_{j + 1}" for j in range(n)]
        act = (out_activation or activation) if last else activation
        layers.append(Layer(neurons, act, [[f"w{l}_{j + 1}_{i + 1}" for i in range(len(prev))] for j in range(n)],
                            [f"b{l}_{j + 1}" for j in range(n)]))
        prev = neurons
    targets = [f"t{j + 1}" for j in range(sizes[-1])]
    spec = LayeredSpec(inputs, layers, loss, targets)
    g = compile_layered(spec)
    return Model("mlp", g, {p: 0.0 for p in g.param_names}, spec, data or Dataset(),
                 TrainingSettings(**training))
