"""The teaching data sets: truth tables, blobs, circles, spirals, the four-pixel camera."""
import numpy as np
import pytest

from visualnn.engine.datasets import FOUR_PIXEL_CLASSES, GENERATORS, as_dataset, generate, shape


def matrix(cols, prefix):
    names = sorted((k for k in cols if k.startswith(prefix)), key=lambda k: int(k[1:]))
    return np.stack([cols[k] for k in names], axis=1)


@pytest.mark.parametrize("name, truth", [
    ("xor", [0, 1, 1, 0]), ("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1])])
def test_truth_tables_are_the_four_points(name, truth):
    train, test = generate(name)
    assert test == {}
    assert set(train) == {"x1", "x2", "t1"}
    np.testing.assert_array_equal(train["x1"], [0, 0, 1, 1])
    np.testing.assert_array_equal(train["x2"], [0, 1, 0, 1])
    np.testing.assert_array_equal(train["t1"], truth)


def test_truth_table_repeats_with_noise_and_signed_encoding():
    train, _ = generate("xor", n=12, noise=0.1, seed=3, low=-1.0, labels=(-1, 1))
    assert len(train["x1"]) == 12
    np.testing.assert_array_equal(train["t1"], [-1, 1, 1, -1] * 3)
    assert np.all(np.abs(train["x1"] - np.sign(train["x1"])) < 0.5)
    assert not np.array_equal(train["x1"], np.sign(train["x1"]))


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_same_seed_gives_the_same_data_and_another_seed_different(name):
    a = generate(name, n=40, noise=0.2, seed=5, test_fraction=0.25)
    b = generate(name, n=40, noise=0.2, seed=5, test_fraction=0.25)
    c = generate(name, n=40, noise=0.2, seed=6, test_fraction=0.25)
    for part in (0, 1):
        assert a[part].keys() == b[part].keys()
        for k in a[part]:
            np.testing.assert_array_equal(a[part][k], b[part][k])
    assert any(not np.array_equal(a[0][k], c[0][k]) for k in a[0])


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_test_fraction_holds_out_that_share_of_the_samples(name):
    train, test = generate(name, n=40, test_fraction=0.25)
    n_in, n_out = shape(name)
    assert set(train) == {f"x{i + 1}" for i in range(n_in)} | {f"t{j + 1}" for j in range(n_out)}
    assert set(test) == set(train)
    assert len(train["x1"]) == 30 and len(test["x1"]) == 10
    assert all(np.all(np.isfinite(v)) for v in [*train.values(), *test.values()])


def test_binary_sets_have_both_classes_in_equal_numbers():
    for name in ("gaussians", "circles", "spiral"):
        train, _ = generate(name, n=100)
        assert sorted(np.unique(train["t1"])) == [0.0, 1.0]
        assert train["t1"].sum() == 50


def test_gaussian_blobs_sit_on_either_side():
    train, _ = generate("gaussians", n=200, spread=0.3)
    X, t = matrix(train, "x"), train["t1"]
    assert np.all(X[t == 1].mean(axis=0) > 1.5) and np.all(X[t == 0].mean(axis=0) < -1.5)


def test_circles_put_one_class_inside_the_other():
    train, _ = generate("circles", n=200, radius=2.0)
    r = np.hypot(train["x1"], train["x2"])
    assert r[train["t1"] == 1].max() <= 1.0 and r[train["t1"] == 0].min() >= 1.4


def test_spiral_arms_are_point_reflections_of_each_other():
    train, _ = generate("spiral", n=100)
    X, t = matrix(train, "x"), train["t1"]
    np.testing.assert_allclose(X[t == 1], -X[t == 0], atol=1e-12)
    assert np.hypot(*X[t == 1].T).max() < 1.0


def test_sine_targets_follow_the_sine_plus_noise():
    clean, _ = generate("sine", n=50)
    np.testing.assert_allclose(clean["t1"], np.sin(clean["x1"]), atol=1e-15)
    assert np.all(np.diff(clean["x1"]) >= 0)
    noisy, _ = generate("sine", n=500, noise=0.1, seed=1)
    resid = noisy["t1"] - np.sin(noisy["x1"])
    assert 0.08 < resid.std() < 0.12


def test_four_pixel_camera_has_two_images_per_class():
    train, _ = generate("four_pixel")
    X, T = matrix(train, "x"), matrix(train, "t")
    assert X.shape == (8, 4) and T.shape == (8, 4)
    assert set(np.unique(X)) == {-1.0, 1.0}
    np.testing.assert_array_equal(T.sum(axis=0), [2, 2, 2, 2])
    # pixels: top-left, top-right, bottom-left, bottom-right
    by_class = {FOUR_PIXEL_CLASSES[c]: X[T[:, c] == 1] for c in range(4)}
    for img in by_class["solid"]:
        assert len(set(img)) == 1
    for tl, tr, bl, br in by_class["vertical"]:
        assert tl == bl and tr == br and tl != tr
    for tl, tr, bl, br in by_class["diagonal"]:
        assert tl == br and tr == bl and tl != tr
    for tl, tr, bl, br in by_class["horizontal"]:
        assert tl == tr and bl == br and tl != bl
    # the lecture's truth column for a horizontal image: 0, 0, 0, 1
    np.testing.assert_array_equal(T[np.where(T[:, 3] == 1)[0][0]], [0, 0, 0, 1])


def test_four_pixel_noise_keeps_pixels_in_range():
    train, _ = generate("four_pixel", n=80, noise=0.5, seed=2)
    X = matrix(train, "x")
    assert X.min() >= -1.0 and X.max() <= 1.0 and len(np.unique(X)) > 10


def test_columns_map_in_order_onto_the_network_names():
    train, test = generate("xor", n=8, test_fraction=0.25)
    ds = as_dataset(train, test, ["a", "b"], ["y"])
    np.testing.assert_array_equal(ds.columns["a"], train["x1"])
    np.testing.assert_array_equal(ds.columns["y"], train["t1"])
    assert len(ds) == 6 and set(ds.test) == {"a", "b", "y"}
    with pytest.raises(ValueError, match="2 input and 1 target columns; the network has 3 inputs"):
        as_dataset(train, test, ["a", "b", "c"], ["y"])


@pytest.mark.parametrize("kw, message", [
    ({"name": "moons"}, "unknown data set 'moons'; expected one of xor"),
    ({"name": "xor", "n": 0}, "n must be at least 1"),
    ({"name": "xor", "test_fraction": 1.0}, r"test_fraction must be in \[0, 1\)"),
    ({"name": "xor", "noise": -1}, "noise must be >= 0"),
    ({"name": "xor", "colour": "red"}, "data set 'xor': .*colour"),
])
def test_bad_arguments_are_explained(kw, message):
    with pytest.raises(ValueError, match=message):
        generate(**kw)
