"""The root click group, the shared ``--config`` option, the one way commands open the database and report a
failure."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from tracker import __version__
from tracker.config import Config, ConfigError, load_config
from tracker.snapshots import SnapshotError, check_date
from tracker.store import Store, StoreError, describe


class TrackerError(click.ClickException):
    """A failure reported as one line on stderr with exit code 1."""

    exit_code = 1


class InputError(click.ClickException):
    """Bad input (unreadable file, malformed XML, unknown date or ECCN): exit code 2."""

    exit_code = 2


class DateType(click.ParamType):
    """A calendar date written YYYY-MM-DD (``2024-04-04``); anything else is a usage error (exit 2)."""

    name = "YYYY-MM-DD"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return check_date(str(value))
        except SnapshotError as exc:  # one line, exit 2 (click's own usage errors print the usage too)
            name = (param.opts[0] if param.param_type_name == "option" else param.human_readable_name) if param else ""
            raise InputError(f"{name}: {exc}" if name else str(exc)) from None


DATE = DateType()


class _Tracker(click.Group):
    """The root group: a database failure no command handled (locked, read-only, full disk, not a tracker
    database) ends in one line with exit 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except StoreError as exc:
            raise TrackerError(str(exc)) from None
        except sqlite3.Error as exc:
            config = ctx.obj.get("config") if isinstance(ctx.obj, dict) else None
            where = f"database {config.database}" if config else "database"
            raise TrackerError(f"{where}: {describe(exc)}; the step that failed was rolled back") from None


@click.group(cls=_Tracker, context_settings={"help_option_names": ["-h", "--help"]})
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


@contextmanager
def open_store(*, write: bool = False, create: bool = False) -> Iterator[Store]:
    """The configured database (``database`` in tracker.toml, or ``$TRACKER_DB``), closed afterwards.

    Read-only unless ``write`` (or ``create``, which also makes a new database where there is none);
    otherwise a missing database is an input error (exit 2), never a new empty file. A file that is not
    a tracker database, or a locked or read-only one for writing, is one line, exit 1 (SQLite failures
    later, such as a full disk, are turned into one line by the root group).
    """
    path = Path(get_config().database)
    if not create and not path.is_file():
        raise InputError(f"no database at {path}; run `tracker ingest` first (or set database in tracker.toml)")
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        store = Store(path, readonly=not (write or create))
    except OSError as exc:
        raise TrackerError(f"cannot open the database {path}: {exc.strerror}") from None
    except StoreError as exc:
        raise TrackerError(str(exc)) from None
    try:
        yield store
    finally:
        store.close()
