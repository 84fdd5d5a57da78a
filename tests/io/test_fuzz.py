"""Whatever a file holds, loading it ends in a Document or a FileFormatError,
never any other exception; and whatever loads, saves and loads again.

Mutations start from the bundled examples: wrong types, missing keys, huge and
non-finite numbers, truncated JSON, random byte flips, deep nesting.  Every
run fuzzes QUICK_CASES cases; the long run (marked slow, so CI runs it) takes
its number from ``VISUALNN_FUZZ_CASES`` (default 1500; CI uses 10,000)."""
import copy
import json
import os
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from iohelp import EXAMPLE_NAMES, example_json

from visualnn.io import Document, FileFormatError, dumps, loads

QUICK_CASES = 300
CASES = int(os.environ.get("VISUALNN_FUZZ_CASES", "1500"))
STRENGTHS = [pytest.param(QUICK_CASES, id="quick"), pytest.param(CASES, id="long", marks=pytest.mark.slow)]


def fuzz(strategies, cases: int, share: int):
    """Run a Hypothesis property over ``strategies`` with ``cases // share`` examples (at least 50).

    The settings wrap the @given test, not the ``given`` decorator: applied to the decorator
    they were silently ignored, so every run had Hypothesis's defaults (100 examples, a
    200 ms deadline, health checks on) and failed now and then on a loaded machine."""
    chosen = settings(max_examples=max(50, cases // share), deadline=None, suppress_health_check=list(HealthCheck))
    return lambda prop: chosen(given(*strategies)(prop))
EXAMPLES = {name: example_json(name) for name in EXAMPLE_NAMES}
TEXTS = {name: json.dumps(doc) for name, doc in EXAMPLES.items()}

WEIRD_VALUES = [None, True, False, 0, -1, 1, 2, 3, 7, 0.5, -0.0, 1e308, -1e308, 10 ** 30, -(10 ** 30),
                2 ** 63, 2 ** 64 + 1, 10_000_001, 999_999_999, "", " ", "x", "input", "sigmoid", "graph",
                "layered", "w1", "i1", "nan", "Infinity", "\u0000", "\u202e", "é" * 300, [], [[]], [None],
                [1, 2, 3], ["a", "b"], {}, {"": 1}, {"op": "add"}, {"type": "graph"}, float("nan"),
                float("inf"), float("-inf")]


def check(text) -> None:
    """The property: a Document (that saves and reloads to the same text) or a FileFormatError."""
    try:
        doc = loads(text, source="fuzz.json")
    except FileFormatError as e:
        assert e.problems, "a FileFormatError must list its problems"
        assert all(p.file == "fuzz.json" and isinstance(p.message, str) and p.message for p in e.problems)
        str(e)
        return
    assert isinstance(doc, Document)
    written = dumps(doc)
    again = loads(written, source="fuzz-again.json")
    assert dumps(again) == written


def paths(v, prefix=()):
    """Every path to a value inside a parsed JSON document."""
    out = [prefix]
    if isinstance(v, dict):
        for k, x in v.items():
            out.extend(paths(x, prefix + (k,)))
    elif isinstance(v, list):
        for i, x in enumerate(v):
            out.extend(paths(x, prefix + (i,)))
    return out


def get_parent(doc, path):
    obj = doc
    for k in path[:-1]:
        obj = obj[k]
    return obj


def mutate_tree(rng: random.Random, doc, value_of):
    """Apply one structural mutation: replace, delete, duplicate or nest a value."""
    doc = copy.deepcopy(doc)
    ps = [p for p in paths(doc) if p]
    path = rng.choice(ps)
    parent = get_parent(doc, path)
    key = path[-1]
    kind = rng.random()
    if kind < 0.55:
        parent[key] = value_of(rng)
    elif kind < 0.7:
        del parent[key]
    elif kind < 0.8:
        if isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        else:
            parent[key + "_"] = copy.deepcopy(parent[key])
    elif kind < 0.9:
        v = parent[key]
        for _ in range(rng.choice([2, 50, 99, 100, 101, 200])):   # deeper: see mutate_text
            v = [v]
        parent[key] = v
    else:
        v = parent[key]
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            parent[key] = rng.choice([v * 10 ** rng.randint(1, 9), -v, v + 0.5, 10 ** rng.randint(5, 12), v * 1e300])
        elif isinstance(v, list) and v:
            parent[key] = v[: rng.randrange(len(v))]
        elif isinstance(v, str):
            parent[key] = v[::-1] or "x"
        else:
            parent[key] = value_of(rng)
    return doc


def weird_value(rng: random.Random):
    return copy.deepcopy(rng.choice(WEIRD_VALUES))


def to_text(doc) -> str:
    return json.dumps(doc, allow_nan=True)


def mutate_text(rng: random.Random, text: str):
    """Byte-level damage: truncation, flipped bytes, inserted junk, huge tokens."""
    kind = rng.random()
    data = bytearray(text.encode("utf-8"))
    if kind < 0.25:
        return bytes(data[: rng.randrange(len(data))])
    if kind < 0.5:
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(len(data))
            data[i] = rng.randrange(256)
        return bytes(data)
    if kind < 0.7:
        i = rng.randrange(len(text))
        junk = rng.choice(["NaN", "-Infinity", "1e999", "9" * 400, "\"\\ud800\"", "{", "]", ",", ":", "//",
                           "\x00", "\ufeff", "[" * 5000, "\"" + "a" * 1000 + "\""])
        return text[:i] + junk + text[i:]
    if kind < 0.85:
        # swap a number for something enormous or non-finite
        import re
        nums = list(re.finditer(r"-?\d+(\.\d+)?", text))
        if not nums:
            return text
        m = rng.choice(nums)
        return text[: m.start()] + rng.choice(["1e999", "NaN", "Infinity", "-1e400", "1" * 5000, "1e-999", "1e18",
                                               "999999999999", "2000000"]) + text[m.end():]
    return "[" * rng.randint(900, 5000) + text + "]" * rng.randint(0, 5000)


@pytest.mark.parametrize("cases", STRENGTHS)
def test_deterministic_mutations_never_raise_anything_but_file_format_errors(cases):
    rng = random.Random(20240601)
    names = sorted(EXAMPLES)
    for case in range(cases):
        name = names[case % len(names)]
        if rng.random() < 0.6:
            doc = EXAMPLES[name]
            for _ in range(rng.choice([1, 1, 1, 2, 3])):
                doc = mutate_tree(rng, doc, weird_value)
                if "[[[[[[" in to_text(doc):
                    break
            text = to_text(doc)
        else:
            text = mutate_text(rng, TEXTS[name])
        try:
            check(text)
        except AssertionError:
            raise
        except Exception as e:                       # report the input that broke it
            raise AssertionError(f"case {case} ({name}) raised {type(e).__name__}: {e}\n{text[:2000]!r}") from e


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20) | st.sampled_from(["input", "param", "const", "add", "sigmoid", "x", "w1", "i1"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)


@st.composite
def mutated_documents(draw):
    name = draw(st.sampled_from(sorted(EXAMPLES)))
    doc = copy.deepcopy(EXAMPLES[name])
    for _ in range(draw(st.integers(1, 3))):
        ps = [p for p in paths(doc) if p]
        path = draw(st.sampled_from(ps))
        parent = get_parent(doc, path)
        if draw(st.booleans()):
            parent[path[-1]] = draw(json_values)
        else:
            del parent[path[-1]]
    return to_text(doc)


@pytest.mark.parametrize("cases", STRENGTHS)
def test_hypothesis_mutated_documents_load_or_fail_cleanly(cases):
    fuzz([mutated_documents()], cases, 5)(check)()


def _damaged_text_loads_or_fails_cleanly(name, data):
    text = TEXTS[name]
    cut = data.draw(st.integers(0, len(text)))
    junk = data.draw(st.text(max_size=10) | st.binary(max_size=10))
    if isinstance(junk, bytes):
        check(text.encode()[:cut] + junk + text.encode()[cut:])
    else:
        check(text[:cut] + junk + text[cut:])


@pytest.mark.parametrize("cases", STRENGTHS)
def test_hypothesis_damaged_text_loads_or_fails_cleanly(cases):
    fuzz([st.sampled_from(sorted(TEXTS)), st.data()], cases, 5)(_damaged_text_loads_or_fails_cleanly)()


def _arbitrary_json_loads_or_fails_cleanly(value):
    check(json.dumps(value, allow_nan=True))
    check(json.dumps({"format": "visualnn", "version": 1, "network": value}, allow_nan=True))


@pytest.mark.parametrize("cases", STRENGTHS)
def test_hypothesis_arbitrary_json_loads_or_fails_cleanly(cases):
    fuzz([json_values], cases, 10)(_arbitrary_json_loads_or_fails_cleanly)()


extreme_numbers = st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(-10 ** 20, 10 ** 20),
                            st.sampled_from([0, -1, 1e308, -1e308, 5e-324, 2 ** 53 + 1, 1_000_000]))


GENERATOR_SETTINGS = [
    st.sampled_from(["xor", "and", "or", "gaussians", "circles", "spiral", "sine", "four_pixel"]),
    st.dictionaries(st.sampled_from(["n", "noise", "seed", "test_fraction", "low", "spread", "radius", "turns",
                                     "frequency"]), extreme_numbers, max_size=4),
    st.one_of(st.none(), st.lists(extreme_numbers, min_size=0, max_size=3))]


@pytest.mark.parametrize("cases", STRENGTHS)
def test_hypothesis_generator_settings_load_or_fail_cleanly(cases):
    fuzz(GENERATOR_SETTINGS, cases, 10)(_generator_settings_load_or_fail_cleanly)()


def _generator_settings_load_or_fail_cleanly(generator, numbers, pair):
    from visualnn.engine import datasets
    n_in, n_out = datasets.shape(generator)
    data = {"generator": generator, **numbers}
    if "n" in data and isinstance(data["n"], (int, float)) and abs(data["n"]) > 5000:
        data["n"] = 5000                      # keep each case fast; the limit itself is tested elsewhere
    if pair is not None:
        data["labels" if generator != "sine" else "span"] = pair
    doc = {"format": "visualnn", "version": 1, "data": data, "training": {"init": "random"},
           "network": {"type": "layered", "sizes": [n_in, n_out], "activations": "sigmoid", "loss": {"op": "mse"}}}
    check(json.dumps(doc))


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_example_passes_the_property_unchanged(name):
    check(TEXTS[name])


def test_fuzz_runs_the_number_of_cases_it_asks_for():
    seen = []

    def record(n):
        seen.append(n)
    fuzz([st.integers()], 60 * 5, 5)(record)()
    assert 60 <= len(seen) < 100          # Hypothesis's default is 100: the setting is at work
    fuzz([st.integers()], 7 * 5, 5)(record)()            # at least 50, whatever is asked
    assert 50 <= len(seen) - 60 < 100
