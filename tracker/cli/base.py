"""The root click group, the shared ``--config`` option, and the one way commands report a failure."""

from __future__ import annotations

import click

from tracker import __version__
from tracker.config import Config, ConfigError, load_config


class TrackerError(click.ClickException):
    """A failure reported as one line on stderr with exit code 1."""

    exit_code = 1


class InputError(click.ClickException):
    """Bad input (unreadable file, malformed XML, unknown date or ECCN): exit code 2."""

    exit_code = 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tracker")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    envvar="TRACKER_CONFIG",
    help="Settings file (default: ./tracker.toml if present; see README 'Configuration').",
)
@click.pass_context
def main(ctx: click.Context, config_file: str | None) -> None:
    """Track changes to the Export Administration Regulations (15 CFR 730-774).

    tracker downloads point-in-time versions of the tracked Parts from the eCFR, keys every
    paragraph by its citation (740.10(a)(2)(iv)) or ECCN item (3A090.a), stores each version,
    and reports what changed between dates and which Federal Register rule changed it.

    Exit codes: 0 success or nothing new, 1 failure, 2 usage or input error.
    """
    ctx.obj = {"config_file": config_file}


def get_config(ctx: click.Context | None = None) -> Config:
    """The configuration for this invocation (loaded once); a bad file is an input error (exit 2)."""
    ctx = (ctx or click.get_current_context()).find_root()
    obj = ctx.obj if isinstance(ctx.obj, dict) else {}
    if "config" not in obj:
        try:
            obj["config"] = load_config(obj.get("config_file"))
        except ConfigError as exc:
            raise InputError(str(exc)) from None
        ctx.obj = obj
    return obj["config"]
