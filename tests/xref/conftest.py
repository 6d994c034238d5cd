"""The history tests' stores of real EAR text, shared: Part 740 and the real Part 774 excerpt pair."""

from tests.history import conftest as history_set_up

part740 = history_set_up.part740
excerpt_store = history_set_up.excerpt_store
