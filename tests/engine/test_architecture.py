"""Architecture edits keep every weight that still has a place; seeded starts."""
import pytest

from visualnn.engine import architecture as arch
from visualnn.engine.network import compile_layered
from visualnn.io.recipe import NetworkRecipe, new_document


def _xor():
    doc = new_document(NetworkRecipe(hidden=[2, 2], activations=["tanh", "tanh"]))
    return doc.model.spec, doc.model.params


def test_removing_a_neuron_keeps_the_other_weights_and_drops_its_own():
    spec, params = _xor()
    new, p = arch.remove_neuron(spec, params, 0, 0)
    assert new.sizes == [2, 1, 2, 1]
    assert not any("h1_1" in k for k in p)
    assert all(p[k] == params[k] for k in p if k in params)
    assert spec.sizes == [2, 2, 2, 1]            # the old spec is untouched
    compile_layered(new, gates=True)


def test_adding_a_layer_renews_only_the_next_layers_weights():
    spec, params = _xor()
    new, p = arch.add_layer(spec, params, 1, size=3)
    assert new.sizes == [2, 2, 3, 2, 1]
    kept = [k for k in params if k in p]
    assert all(p[k] == params[k] for k in kept)
    assert {k for k in params if k not in p} == {k for k in params if k.startswith("w_h1_")}


def test_the_output_layer_keeps_its_size_and_softmax_stays_on_the_output():
    spec, params = _xor()
    with pytest.raises(arch.ArchitectureError, match="only hidden layers"):
        arch.add_neuron(spec, params, 2)
    with pytest.raises(arch.ArchitectureError, match="output layer only"):
        arch.set_activation(spec, params, 0, "softmax")


@pytest.mark.parametrize("scheme", arch.INITS)
def test_every_initialisation_is_seeded_and_leaves_biases_at_zero(scheme):
    spec, _ = _xor()
    a = arch.initial_values(spec, scheme, seed=3, value=0.5)
    assert a == arch.initial_values(spec, scheme, seed=3, value=0.5)
    assert all(v == 0.0 for k, v in a.items() if k.startswith("b_"))
    weights = [v for k, v in a.items() if k.startswith("w_")]
    if scheme == "zeros":
        assert set(weights) == {0.0}
    elif scheme == "constant":
        assert set(weights) == {0.5}
    else:
        assert len(set(weights)) == len(weights) and all(abs(w) < 5 for w in weights)
        assert a != arch.initial_values(spec, scheme, seed=4, value=0.5)
