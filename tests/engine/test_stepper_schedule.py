"""The window's update step follows the learning-rate schedule training follows: after k
passes the stepper's parameters are those of k training epochs on that one sample, bit for bit."""
import dataclasses
from pathlib import Path

import pytest

from nets import mazur_model
from visualnn.engine import Dataset, Stepper
from visualnn.engine.training import train
from visualnn.io import load

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
STEP = {"type": "step", "step_size": 2, "gamma": 0.5}
COSINE = {"type": "cosine", "t_max": 4, "eta_min": 0.05}


def model(name: str, schedule, epochs: int):
    m = mazur_model() if name == "mazur" else load(EXAMPLES / f"{name}.json").model
    m.training = dataclasses.replace(m.training, schedule=schedule, epochs=epochs)
    return m


def stepper_of(m) -> Stepper:
    t = m.training
    return Stepper(m.graph, m.params, m.samples()[:1], optimizer=t.optimizer, lr=t.learning_rate,
                   schedule=t.schedule, epochs=t.epochs, **dict(t.hyper))


def trained_on_one_sample(m, epochs: int) -> dict:
    one = m.copy()
    one.data = Dataset({c: [v] for c, v in m.samples()[0].items()})
    return train(one, epochs=epochs, start="model").model.params


@pytest.mark.parametrize("name", ["mazur", "tea_temperature", "xor"])
@pytest.mark.parametrize("schedule", [STEP, COSINE, {"type": "cosine"}], ids=["step", "cosine", "cosine-epochs"])
def test_k_update_steps_in_the_stepper_are_k_training_epochs(name, schedule):
    k = 5
    m = model(name, schedule, epochs=k)
    st = stepper_of(m)
    after = st.seek(k * st.cycle_length).params        # k passes, each ending with its update
    assert after == trained_on_one_sample(m, k)         # exactly: same floats
    constant = stepper_of(model(name, None, epochs=k))
    assert constant.seek(k * constant.cycle_length).params != after   # the schedule made a difference


def test_each_pass_updates_with_its_epochs_learning_rate():
    st = stepper_of(model("mazur", STEP, epochs=10))
    assert [st.lr_for(c) for c in range(5)] == [0.5, 0.5, 0.25, 0.25, 0.125]
    update = st.steps_of_cycle(2)[-1]
    p, old, grad, new = update.updates[0]
    assert new == old - 0.25 * grad                     # SGD with the third pass's rate

