"""The shared cache's byte estimates (engine.cache) err on the high side: a trace is
counted at no less than the memory it keeps, with every field of its edge records."""
from __future__ import annotations

import tracemalloc
from dataclasses import fields

import pytest

from visualnn.engine.cache import EDGE_FIELDS, trace_bytes
from visualnn.engine.trace import EdgeGradient, record


def test_the_estimate_counts_every_field_of_an_edge_record():
    assert len(fields(EdgeGradient)) == EDGE_FIELDS


@pytest.mark.parametrize("sizes", [[2, 2, 2], [8, 6, 3], [64, 32, 10]])
def test_a_trace_is_counted_at_no_less_than_the_memory_it_keeps(sizes):
    from nets import mlp_model
    m = mlp_model(sizes, random_seed=0, samples=1)
    sample = m.samples()[0]
    record(m.graph, m.params, sample)             # anything made once per graph is made now
    tracemalloc.start()
    try:
        tr = record(m.graph, m.params, sample)
        for s in tr.steps:
            list(s.edges)                          # backward edge records are made when first read
        kept, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert trace_bytes(tr) >= kept
