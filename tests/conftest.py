"""Hypothesis, the same on every machine: no deadline and no "too slow" health check (both measure time, which a
loaded CI machine stretches), and the examples derived from each test rather than drawn at random, so a run
passes or fails alike every time."""

from hypothesis import HealthCheck, settings

settings.register_profile("tracker", deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("tracker")
