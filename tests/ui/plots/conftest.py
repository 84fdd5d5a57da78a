import pytest

from nets import mazur_model, mlp_model


@pytest.fixture
def mazur():
    return mazur_model(epochs=10)


@pytest.fixture
def xor():
    from visualnn.engine.datasets import generate
    train, _ = generate("xor")
    return mlp_model([2, 3, 1], "tanh", out_activation="sigmoid", loss="mse", data=train, random_seed=1,
                     title="XOR", epochs=400, learning_rate=0.1, optimizer="adam")
