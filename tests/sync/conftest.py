"""sync against the fetcher's local eCFR + Federal Register stand-in (tests/fetch/conftest.py)."""

from tests.fetch import conftest as fetch_stand_in

_running_server = fetch_stand_in._running_server
server = fetch_stand_in.server
sources = fetch_stand_in.sources
config = fetch_stand_in.config
store = fetch_stand_in.store
