"""A network goes whole to a training process: its graph pickles, caches left behind."""
import pickle

from visualnn.engine.layer_trace import plan_of
from visualnn.engine.training import train
from visualnn.io import examples_dir, load


def test_a_layered_network_with_its_layer_plan_built_pickles_and_trains_the_same():
    model = load(examples_dir() / "and_or_perceptron.json").model
    assert plan_of(model.graph) is not None            # the plan holds the ops' functions
    copy = pickle.loads(pickle.dumps(model))
    assert copy.params == model.params
    assert plan_of(copy.graph) is not None              # computed again when asked
    a, b = train(model, epochs=5), train(copy, epochs=5)
    assert a.history == b.history and a.model.params == b.model.params
