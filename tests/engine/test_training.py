"""Training: the lecture's update, XOR from a random start, minibatches,
divergence, cancellation and the per-epoch report."""
import numpy as np
import pytest

from nets import MAZUR_PARAMS, mazur_model, mlp_model
from visualnn.engine import Dataset, Graph, Model, Node, make_optimizer
from visualnn.engine.datasets import as_dataset, generate
from visualnn.engine.training import Objective, initial_params, train


def xor_model(**training):
    data = as_dataset(*generate("xor"), ["x1", "x2"], ["t1"])
    return mlp_model([2, 3, 1], "sigmoid", data=data, **training)


def sine_model(n=20, test_fraction=0.0, **training):
    data = as_dataset(*generate("sine", n=n, noise=0.05, test_fraction=test_fraction), ["x1"], ["t1"])
    m = mlp_model([1, 4, 1], "tanh", out_activation="linear", loss="mse", data=data, **training)
    m.params = initial_params(m, seed=0)
    return m


def test_one_epoch_of_full_batch_sgd_gives_the_lecture_weights():
    mazur = mazur_model()
    res = train(mazur, epochs=1, lr=0.5, optimizer="sgd")
    p = res.model.params
    assert round(p["w5"], 8) == 0.35891648
    assert round(p["w6"], 9) == 0.408666186
    assert round(p["w7"], 9) == 0.511301270
    assert round(p["w8"], 9) == 0.561370121
    assert round(p["w1"], 9) == 0.149780716
    assert round(p["w2"], 8) == 0.19956143
    assert round(p["w3"], 8) == 0.24975114
    assert round(p["w4"], 8) == 0.29950229
    assert mazur.params == MAZUR_PARAMS          # the model given is left as it was
    assert res.epochs_done == 1 and res.status == "done" and res.stopped_reason == "finished 1 epoch(s)"
    assert round(res.initial_loss, 9) == 0.298371109
    assert res.history[0] < res.initial_loss


def test_expression_graph_trains_exactly_like_the_matrix_form():
    dense, graph = mazur_model(), mazur_model(layered=False)
    assert dense.dense() is not None and graph.dense() is None
    a = train(dense, epochs=20, lr=0.5, optimizer="momentum")
    b = train(graph, epochs=20, lr=0.5, optimizer="momentum")
    for k in MAZUR_PARAMS:
        assert a.model.params[k] == pytest.approx(b.model.params[k], rel=1e-12)
    np.testing.assert_allclose(a.history, b.history, rtol=1e-12)


def test_gate_graph_with_minibatches_trains_like_the_matrix_form():
    m = xor_model(epochs=30, learning_rate=2.0, batch_size=2, seed=4)
    gates = Model("gates", m.gate_graph(), dict(m.params), None, m.data, m.training)
    start = initial_params(m, seed=4)
    a, b = train(m, start=start), train(gates, start=start)
    for k in m.params:
        assert a.model.params[k] == pytest.approx(b.model.params[k], rel=1e-10, abs=1e-13)


def test_xor_learns_from_a_seeded_random_start():
    m = xor_model(epochs=2000, learning_rate=5.0, init="random", seed=0)
    res = train(m)
    assert res.history[-1] < 0.01
    trained = res.model
    X = trained.data.matrix(["x1", "x2"])
    out = trained.dense().predict(trained.dense().theta(trained.params), X)[:, 0]
    np.testing.assert_array_equal(out > 0.5, [False, True, True, False])


def test_random_start_is_seeded_scaled_and_leaves_biases_at_zero():
    m = mlp_model([2, 3, 1], init_scale=0.5)
    a, b, c = initial_params(m, seed=1), initial_params(m, seed=1), initial_params(m, seed=2)
    assert a == b and a != c
    assert all(a[f"b_h1_{j}"] == 0.0 for j in (1, 2, 3)) and a["b_y1"] == 0.0
    bound = 0.5 * np.sqrt(6 / (2 + 3))
    first = [a[f"w_x{i}_h1_{j}"] for j in (1, 2, 3) for i in (1, 2)]
    assert all(abs(w) <= bound for w in first) and len(set(first)) == 6


def test_settings_choose_the_start_unless_told_otherwise():
    m = xor_model(epochs=1, init="random", seed=3)
    from_settings = train(m, epochs=0).model.params
    assert from_settings == initial_params(m, seed=3)
    assert train(m, epochs=0, start="model").model.params == m.params
    with pytest.raises(ValueError, match="unknown start 'zeros'"):
        train(m, start="zeros")


def test_minibatches_follow_a_seeded_shuffle():
    m = xor_model(epochs=3, learning_rate=1.0, batch_size=3, seed=7)
    m.params = initial_params(m, seed=0)
    res = train(m)
    # the same thing by hand: each epoch a permutation from the seeded generator, batches of 3
    obj = Objective(m)
    rng, opt = np.random.default_rng(7), make_optimizer("sgd", 1.0)
    theta = obj.theta(m.params)
    for _ in range(3):
        order = rng.permutation(4)
        for rows in (order[:3], order[3:]):
            theta = opt.step(theta, obj.value_and_grad(theta, rows)[1])
    assert res.model.params == obj.params(theta)
    assert train(m).model.params == res.model.params
    assert train(m, seed=8).model.params != res.model.params


def test_callback_reports_every_epoch_with_train_and_test_loss():
    m = sine_model(n=40, test_fraction=0.25, epochs=5, learning_rate=0.05, optimizer="adam")
    seen = []
    res = train(m, callback=lambda *a: seen.append(a))
    assert [s[0] for s in seen] == [1, 2, 3, 4, 5]
    assert [s[1] for s in seen] == res.history
    assert [s[2] for s in seen] == res.test_history and len(res.test_history) == 5
    assert seen[-1][3] == res.model.params
    # the reported loss is the whole training set's loss at the parameters after the epoch
    obj = Objective(m)
    assert seen[2][1] == pytest.approx(obj.value(obj.theta(seen[2][3])), rel=1e-14)
    test_obj = Objective(m, test=True)
    assert res.test_history[-1] == pytest.approx(test_obj.value(test_obj.theta(res.model.params)), rel=1e-14)


def test_no_test_set_reports_none():
    seen = []
    res = train(sine_model(epochs=2), callback=lambda *a: seen.append(a[2]))
    assert seen == [None, None] and res.test_history == [] and res.initial_test_loss is None


def test_should_stop_cancels_between_epochs():
    calls = []

    def stop():
        calls.append(1)
        return len(calls) > 3
    res = train(sine_model(epochs=100), should_stop=stop)
    assert res.epochs_done == 3 and len(res.history) == 3
    assert res.status == "stopped" and res.stopped_reason == "stopped by the user after 3 epoch(s)"


def test_divergence_stops_with_a_message_and_keeps_finite_parameters():
    m = sine_model(epochs=200)
    res = train(m, lr=1e6)
    assert res.status == "diverged" and res.diverged
    assert res.stopped_reason.startswith(f"diverged in epoch {res.epochs_done + 1}: ")
    assert "learning rate 1e+06 is probably too large" in res.stopped_reason
    assert res.epochs_done < 200
    assert all(np.isfinite(v) for v in res.model.params.values())
    assert all(np.isfinite(res.history))
    # the parameters kept are those of the last finished epoch
    again = train(m, lr=1e6, epochs=res.epochs_done)
    assert again.status == "done" and again.model.params == res.model.params


def test_optimizer_settings_come_from_the_model():
    m = sine_model(epochs=3, learning_rate=0.01, optimizer="momentum", hyper={"momentum": 0.5})
    explicit = train(m, lr=0.01, optimizer="momentum", hyper={"momentum": 0.5})
    assert train(m).model.params == explicit.model.params
    assert train(m, hyper={"momentum": 0.9}).model.params != explicit.model.params


def test_models_that_cannot_train_say_why():
    two_outputs = Model("f", Graph([Node("x", "input"), Node("p", "param"), Node("y", "mul", ("x", "p")),
                                     Node("z", "add", ("x", "p"))]), {"p": 1.0})
    with pytest.raises(ValueError, match="f has no loss node and more than one output, so there is no objective"):
        train(two_outputs)
    not_a_cost = Model("g", Graph([Node("x", "input"), Node("p", "param"), Node("y", "mul", ("x", "p"))]),
                       {"p": 1.0}, data=Dataset({"x": np.ones(2)}))
    with pytest.raises(ValueError, match="no objective"):
        train(not_a_cost)
    with pytest.raises(ValueError, match="mlp has no training data"):
        train(mlp_model([2, 1]))
    bad = xor_model()
    bad.data = Dataset({"x1": np.zeros(4), "t1": np.zeros(4)})
    with pytest.raises(ValueError, match="the training data has no column for x2"):
        train(bad)


def test_a_graph_without_loss_minimises_its_single_output():
    # the tea-temperature example: the cost is computed by ops, not a loss node
    g = Graph([Node("T", "input"), Node("guess", "param"), Node("d", "sub", ("T", "guess")),
               Node("cost", "square", ("d",))], cost_output=True)
    m = Model("tea", g, {"guess": 80.0}, data=Dataset({"T": np.array([57.0, 62.0, 55.0, 60.0])}))
    result = train(m, epochs=200, lr=0.1, optimizer="sgd")
    assert abs(result.model.params["guess"] - 58.5) < 1e-6   # the mean minimises the squared cost
    assert result.history[-1] < result.history[0]
