import numpy as np
import pytest

from visualnn.engine import Dataset, Layer, LayeredSpec, Model, TrainingSettings, compile_layered


def mazur_model() -> Model:
    """The lecture's 2-2-2 network (w1=.15 ... b2=.60, inputs .05/.10, targets .01/.99)."""
    spec = LayeredSpec(
        inputs=["i1", "i2"],
        layers=[Layer(["h1", "h2"], "sigmoid", [["w1", "w2"], ["w3", "w4"]], ["b1", "b1"]),
                Layer(["o1", "o2"], "sigmoid", [["w5", "w6"], ["w7", "w8"]], ["b2", "b2"])],
        loss="squared_error", targets=["target_o1", "target_o2"], loss_name="E_total")
    params = dict(w1=.15, w2=.20, w3=.25, w4=.30, w5=.40, w6=.45, w7=.50, w8=.55, b1=.35, b2=.60)
    data = Dataset({"i1": np.array([.05]), "i2": np.array([.10]),
                    "target_o1": np.array([.01]), "target_o2": np.array([.99])})
    return Model("Mazur 2-2-2", compile_layered(spec), params, spec, data,
                 TrainingSettings(epochs=10, learning_rate=0.5))


@pytest.fixture
def mazur():
    return mazur_model()
