from __future__ import annotations

import pytest

from tests.mail.smtp import SmtpServer


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()
