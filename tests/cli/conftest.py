"""Shared set-ups: the fetcher's local eCFR + Federal Register stand-in and the derived Part 740 versions."""

from tests.fetch import conftest as fetch_stand_in
from tests.history import conftest as history_set_up

_running_server = fetch_stand_in._running_server
server = fetch_stand_in.server
sources = fetch_stand_in.sources
part740 = history_set_up.part740
derived_versions = history_set_up.derived_versions
