import pytest

from plot_nets import dense_model, mazur_model


@pytest.fixture
def mazur():
    return mazur_model()


@pytest.fixture
def xor():
    from visualnn.engine.datasets import generate
    train, _ = generate("xor")
    return dense_model("XOR", [2, 3, 1], ["tanh", "sigmoid"], train, loss="mse", seed=1,
                       epochs=400, learning_rate=0.1, optimizer="adam")
