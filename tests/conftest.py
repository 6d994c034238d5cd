"""Hypothesis, the same on every machine: no deadline and no "too slow" health check (both measure time, which a
loaded CI machine stretches), and the examples derived from each test rather than drawn at random, so a run
passes or fails alike every time. ``collector_on``: a test with the cyclic garbage collector on, left as found."""

import gc
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("tracker", deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("tracker")


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if was:  # as it was found, whatever the test did
        gc.enable()
    else:
        gc.disable()
