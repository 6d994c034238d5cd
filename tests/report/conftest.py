"""The headless Chromium the browser checks of reports and history pages share."""

from __future__ import annotations

import os

import pytest

from tests.report.chromium import install_chromium


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium binary (installed with apt when missing and allowed); required in CI, else the test is skipped."""
    binary = install_chromium()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI and could not be installed (apt-get install chromium)")
        pytest.skip("no chromium binary on this machine and none installable (apt-get install chromium)")
    return binary
