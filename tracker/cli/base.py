"""The root click group and the one way commands report a failure."""

from __future__ import annotations

import click

from tracker import __version__


class TrackerError(click.ClickException):
    """A failure reported as one line on stderr with exit code 1."""

    exit_code = 1


class InputError(click.ClickException):
    """Bad input (unreadable file, malformed XML, unknown date or ECCN): exit code 2."""

    exit_code = 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tracker")
def main() -> None:
    """Track changes to the Export Administration Regulations (15 CFR 730-774).

    tracker downloads point-in-time versions of the tracked Parts from the eCFR, keys every
    paragraph by its citation (740.10(a)(2)(iv)) or ECCN item (3A090.a), stores each version,
    and reports what changed between dates and which Federal Register rule changed it.

    Exit codes: 0 success or nothing new, 1 failure, 2 usage or input error.
    """
