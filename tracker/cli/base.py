"""The root click group, the shared ``--config`` option, the one way commands open the database, and the one
place where a failure becomes an exit code: :class:`tracker.errors.InputError` is exit 2, every other
:class:`tracker.errors.TrackerError` exit 1, always one line ``Error: …`` on stderr."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from tracker import __version__
from tracker.errors import InputError, StateError

if TYPE_CHECKING:
    from tracker.config import Config
    from tracker.store import Store

#: Raised by click itself (usage errors, --help, a declined confirmation): click reports them as it always has.
_CLICK_EXITS = (click.ClickException, click.exceptions.Exit, click.Abort)

_F = TypeVar("_F", bound=Callable[..., Any])


class Failure(click.ClickException):
    """A failure shown as ``Error: MESSAGE`` (one line) on stderr, exit code 1."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(line.strip() for line in message.splitlines() if line.strip()))


class InputFailure(Failure):
    """Bad input or usage shown as ``Error: MESSAGE`` (one line), exit code 2."""

    exit_code = 2


def failure(exc: Exception, ctx: click.Context | None = None) -> Failure:
    """The one-line :class:`Failure` for any exception a command let out (:func:`tracker.launch.failure.one_line`:
    an :class:`InputError` is exit 2, anything else exit 1).

    >>> from tracker.config import ConfigError
    >>> from tracker.store import StoreError
    >>> [failure(e).exit_code for e in (ConfigError("bad"), StoreError("refused"), OSError("disk"))]
    [2, 1, 1]
    >>> failure(KeyError("x")).format_message()
    "unexpected KeyError: 'x'"
    """
    from tracker.launch.failure import one_line

    config = ctx.obj.get("config") if ctx is not None and isinstance(ctx.obj, dict) else None
    code, line = one_line(exc, config.database if config else None)
    return (InputFailure if code == 2 else Failure)(line)


class DateType(click.ParamType):  # type: ignore[type-arg]  # generic only in newer click stubs
    """A calendar date written YYYY-MM-DD (``2024-04-04``); anything else is a usage error (exit 2)."""

    name = "YYYY-MM-DD"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from tracker.snapshots import check_date

        try:
            return check_date(str(value))
        except InputError as exc:  # one line, exit 2 (click's own usage errors print the usage too)
            name = (param.opts[0] if param.param_type_name == "option" else param.human_readable_name) if param else ""
            raise InputError(f"{name}: {exc}" if name else str(exc)) from None


DATE = DateType()


class LazyChoice(click.Choice):  # type: ignore[type-arg]  # generic only in newer click stubs
    """A :class:`click.Choice` whose values are read (``load()``) only when an argument or ``--help`` needs them,
    so that a command module naming the values of a library module does not import it at start-up."""

    def __init__(self, load: Callable[[], Iterable[str]]) -> None:  # no super().__init__: it would read choices
        self._load = load
        self.case_sensitive = True

    @cached_property
    def choices(self) -> tuple[str, ...]:  # type: ignore[override]
        return tuple(self._load())


def _config_after(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """``tracker CMD --config FILE``: the file given after the command name wins over one given before it."""
    if value is not None:
        root = ctx.find_root()
        root.obj = {**(root.obj if isinstance(root.obj, dict) else {}), "config_file": value}
        root.obj.pop("config", None)


def _config_option() -> click.Option:
    return click.Option(["--config", "config_file"], type=click.Path(dir_okay=False), expose_value=False,
                        is_eager=True, callback=_config_after,
                        help="Settings file (also accepted before the command name).")


class _Tracker(click.Group):
    """The root group: prints the library's log lines on stderr while a command runs, and turns whatever a
    command let out into one line and its exit code (:func:`failure`), never a traceback. Every command it
    holds also takes ``--config FILE`` after its name."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        if not any("--config" in p.opts for p in cmd.params):
            cmd.params.append(_config_option())
        super().add_command(cmd, name)

    def invoke(self, ctx: click.Context) -> object:
        from tracker.log import to_stderr

        try:
            with to_stderr():
                return super().invoke(ctx)
        except _CLICK_EXITS:
            raise
        except Exception as exc:  # the CLI's last resort: every failure is one line (see failure())
            raise failure(exc, ctx) from None


#: The help of every command at one width whatever the terminal's (78: click's own on any terminal of 80 columns or
#: more), so that the launcher's stored copy of the top level's (tracker.launch.spec) is the very text click prints.
_CONTEXT = {"help_option_names": ["-h", "--help"], "terminal_width": 78}


@click.group(cls=_Tracker, context_settings=_CONTEXT)
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
        from tracker.config import load_config

        obj["config"] = load_config(obj.get("config_file"))
        ctx.obj = obj
    config: Config = obj["config"]
    return config


@contextmanager
def open_store(*, write: bool = False, create: bool = False) -> Iterator[Store]:
    """The configured database (``database`` in tracker.toml, or ``$TRACKER_DB``), closed afterwards.

    Read-only unless ``write`` (or ``create``, which also makes a new database where there is none);
    otherwise a missing database is an input error (exit 2), never a new empty file. A file that is not
    a tracker database, or a locked or read-only one for writing, is one line, exit 1 (SQLite failures
    later, such as a full disk, are turned into one line by the root group).
    """
    from tracker.store import Store

    path = Path(get_config().database)
    if not create and not path.is_file():
        raise InputError(f"no database at {path}; run `tracker ingest` first (or set database in tracker.toml)")
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        store = Store(path, readonly=not (write or create))
    except OSError as exc:
        raise StateError(f"cannot open the database {path}: {exc.strerror}") from None
    try:
        yield store
    finally:
        store.close()


def format_option(help: str = "Output format: text for reading, json for scripts.") -> Callable[[_F], _F]:
    """The one ``--format text|json`` option of every command that prints data (value in ``fmt``)."""
    return click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
                        help=help)


def json_alias(fmt: str, as_json: bool) -> str:
    """The format asked for, the hidden deprecated ``--json`` flag meaning ``--format json``."""
    return "json" if as_json else fmt


def _deprecated_json(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:
        click.echo("note: --json is deprecated, use --format json", err=True)
    return value


#: The hidden deprecated ``--json`` flag of ``rules`` and ``parse`` (``--format json`` says the same; a note on
#: stderr says so).
JSON_ALIAS = click.option("--json", "as_json", is_flag=True, hidden=True, callback=_deprecated_json,
                          help="Deprecated: --format json.")


def part_option(help: str = "Only this Part (repeat or comma-separate: --part 740,774).") -> Callable[[_F], _F]:
    """The one repeatable ``--part N`` filter (also ``--parts``; values in ``parts``, read by :func:`chosen_parts`)."""
    return click.option("--part", "--parts", "parts", multiple=True, metavar="N", help=help)


def chosen_parts(values: tuple[str, ...]) -> tuple[str, ...] | None:
    """The Parts given with ``--part`` (repeated or comma-separated, checked), or None when none was given."""
    from tracker.config import parse_parts

    return parse_parts(",".join(values), "--part") if values else None


def echo_json(schema: str, data: dict[str, object]) -> None:
    """Print ``data`` as one indented JSON object (non-ASCII kept) whose first key names its schema,
    ``tracker.SCHEMA/1`` (docs/json.md)."""
    from tracker.report.schema import dumps

    click.echo(dumps(schema, data))
