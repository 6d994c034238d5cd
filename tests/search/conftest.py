"""The history tests' stores of real EAR text, shared: the real Part 774 excerpt pair and the peer's CCL."""

from tests.history import conftest as history_set_up

excerpt_store = history_set_up.excerpt_store
peer = history_set_up.peer
peer_store = history_set_up.peer_store
