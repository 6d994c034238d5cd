"""The run's stand-ins (a local eCFR + Federal Register server, an SMTP server) for the upcoming-change tests."""

from tests.fetch.conftest import sources  # noqa: F401
from tests.run.conftest import _running_server, config, ecfr, server, smtp  # noqa: F401
