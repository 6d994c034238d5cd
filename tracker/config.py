"""Settings from ``tracker.toml`` and the environment.

The file is found at the path given (``--config``), else ``$TRACKER_CONFIG``, else ``./tracker.toml``;
without one the defaults apply. Relative paths in a file are taken from the file's folder. The
environment overrides ``TRACKER_ECFR_URL``, ``TRACKER_FEDERAL_REGISTER_URL``, ``TRACKER_DB`` and
``TRACKER_SNAPSHOTS`` win over the file. Secrets (SMTP passwords) never go in the file.

>>> cfg = load_config_text('parts = ["740", 774]\\nrate_limit = 1', "tracker.toml", env={})
>>> cfg.parts, cfg.rate_limit, cfg.ecfr_url
(('740', '774'), 1.0, 'https://www.ecfr.gov')
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from tracker import __version__
from tracker.errors import InputError
from tracker.record import field_names

TYPE_CHECKING = False  # not typing's: the idle run loads this module (see tracker/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from dataclasses import dataclass as record  # what the record is, for type checkers
    from dataclasses import field
    from typing import Any

    #: A converter: the file's value, where it is (``source: key``), the folder relative paths start from.
    _Convert = Callable[[Any, str, Path], Any]
else:
    from tracker.record import field, record

DEFAULT_PARTS = ("734", "740", "742", "744", "772", "774")
DEFAULT_USER_AGENT = f"ear-tracker/{__version__} (+contact: set user_agent in tracker.toml)"

#: Environment variables that override a key of the file.
ENV_OVERRIDES = {
    "TRACKER_ECFR_URL": "ecfr_url",
    "TRACKER_FEDERAL_REGISTER_URL": "federal_register_url",
    "TRACKER_DB": "database",
    "TRACKER_SNAPSHOTS": "snapshots_dir",
}

#: Keys of the ``[mail]`` table that would hold a secret: they belong in the environment.
SECRET_KEYS = frozenset({"password", "pass", "passwd", "secret", "token", "api_key"})

_PART = re.compile(r"\d{1,4}")


class ConfigError(InputError):
    """A configuration file or value that cannot be used; the message is one line naming the source."""


@record(frozen=True)
class Config:
    """Every setting the tracker reads. See README "Configuration" for what each key means."""

    ecfr_url: str = "https://www.ecfr.gov"
    federal_register_url: str = "https://www.federalregister.gov"
    parts: tuple[str, ...] = DEFAULT_PARTS
    snapshots_dir: Path = Path("snapshots")
    database: Path = Path("tracker.db")
    reports_dir: Path = Path("reports")
    user_agent: str = DEFAULT_USER_AGENT
    contact: str = ""
    #: Requests per second to any one host.
    rate_limit: float = 2.0
    #: Federal Register full-text XML downloads per second (the published limit is 1).
    full_text_rate_limit: float = 1.0
    #: Read timeout in seconds (the connect timeout is ``connect_timeout``).
    timeout: float = 120.0
    connect_timeout: float = 15.0
    #: Total seconds one download may take — connecting, status line, headers, body and every retry.
    deadline: float = 600.0
    #: Retries for 429/5xx answers, timeouts and broken connections.
    retries: int = 5
    #: Back-off: ``backoff_factor * 2**n`` seconds plus up to ``backoff_factor`` of jitter, capped.
    backoff_factor: float = 1.0
    backoff_max: float = 60.0
    #: Longest ``Retry-After`` honoured, in seconds.
    retry_after_max: float = 300.0
    #: A run lock held longer than this many hours means a hung run: the next run says so and exits 1.
    stale_lock_hours: float = 6.0
    mail: dict[str, Any] = field(default_factory=dict)


KEYS = field_names(Config)


def parse_parts(value: Any, source: str = "parts") -> tuple[str, ...]:
    """Part numbers from a list (``[740, "774"]``) or a comma list (``"740,774"``), as digit strings."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not items:
        raise ConfigError(f"{source}: expected a list of CFR part numbers such as [740, 774]")
    parts = tuple(str(p).strip() for p in items)
    bad = [p for p in parts if not _PART.fullmatch(p)]
    if bad:
        raise ConfigError(f"{source}: {bad[0]!r} is not a CFR part number (digits only, e.g. 740)")
    return tuple(dict.fromkeys(parts))


def _text(raw: Any, where: str, base: Path) -> str:
    if not isinstance(raw, str):
        raise ConfigError(f"{where}: expected a string")
    return raw


def _url(raw: Any, where: str, base: Path) -> str:
    text = _text(raw, where, base)
    if not re.match(r"https?://[^/\s]+", text):
        raise ConfigError(f"{where}: {text!r} is not an http(s) URL")
    return text.rstrip("/")


def _path(raw: Any, where: str, base: Path) -> Path:
    if not isinstance(raw, str) or not raw:
        raise ConfigError(f"{where}: expected a path")
    path = Path(raw).expanduser()
    return path if path.is_absolute() else base / path


def _number(kind: type[int] | type[float], expected: str, *, zero: bool) -> _Convert:
    """A converter for positive numbers of ``kind`` (a float may be written whole), and zero if ``zero``."""
    accepted = int | float if kind is float else int

    def convert(raw: Any, where: str, base: Path) -> int | float:
        if isinstance(raw, bool) or not isinstance(raw, accepted) or raw < 0 or (raw == 0 and not zero):
            raise ConfigError(f"{where}: expected {expected}")
        return kind(raw)

    return convert


def _parts(raw: Any, where: str, base: Path) -> tuple[str, ...]:
    return parse_parts(raw, where)


#: The converter of every key but ``mail``.
_CONVERTERS: dict[str, _Convert] = {
    "ecfr_url": _url,
    "federal_register_url": _url,
    "user_agent": _text,
    "contact": _text,
    "snapshots_dir": _path,
    "database": _path,
    "reports_dir": _path,
    "parts": _parts,
    "retries": _number(int, "a whole number ≥ 0", zero=True),
    "backoff_factor": _number(float, "a number ≥ 0", zero=True),
    **dict.fromkeys(
        ("rate_limit", "full_text_rate_limit", "timeout", "connect_timeout", "deadline", "backoff_max",
         "retry_after_max", "stale_lock_hours"),
        _number(float, "a positive number", zero=False),
    ),
}


def _mail(raw: Any, source: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: [mail] must be a table")
    secret = sorted(SECRET_KEYS & {k.lower() for k in raw})
    if secret:
        raise ConfigError(f"{source}: [mail] {secret[0]} is a secret: set it in the environment, not the file")
    return dict(raw)


def _value(key: str, raw: Any, source: str, base: Path) -> Any:
    """The setting ``key`` from its value in the file; :class:`ConfigError` names ``source`` and the key."""
    if key == "mail":
        return _mail(raw, source)
    return _CONVERTERS[key](raw, f"{source}: {key}", base)


def build_config(
    data: Mapping[str, Any], source: str, *, base: Path, env: Mapping[str, str] | None = None
) -> Config:
    """A :class:`Config` from parsed TOML ``data`` (``source`` names it in errors), then the environment."""
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise ConfigError(f"{source}: unknown key {unknown[0]!r} (known keys: {', '.join(KEYS)})")
    values = {key: _value(key, raw, source, base) for key, raw in data.items()}
    if "contact" in values and "user_agent" not in data:
        values["user_agent"] = f"ear-tracker/{__version__} (+{values['contact']})"
    env = os.environ if env is None else env
    for var, key in ENV_OVERRIDES.items():
        if env.get(var):
            values[key] = _value(key, env[var], f"${var}", Path.cwd())
    return Config(**values)


def load_config_text(
    text: str, source: str, *, base: Path | None = None, env: Mapping[str, str] | None = None
) -> Config:
    """Parse TOML ``text`` into a :class:`Config`."""
    import tomllib  # here: without a settings file (the defaults) no TOML parser is loaded

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None
    return build_config(data, source, base=base or Path.cwd(), env=env)


def config_path(path: str | Path | None = None) -> Path | None:
    """The file to read: ``path``, else ``$TRACKER_CONFIG``, else ``./tracker.toml`` if it exists."""
    chosen = path or os.environ.get("TRACKER_CONFIG")
    if chosen:
        return Path(chosen)
    default = Path("tracker.toml")
    return default if default.is_file() else None


def load_config(path: str | Path | None = None) -> Config:
    """Load the configuration (see module docs); raises :class:`ConfigError` with a one-line message.

    >>> load_config(None).snapshots_dir  # doctest: +SKIP
    PosixPath('snapshots')
    """
    chosen = config_path(path)
    if chosen is None:
        return build_config({}, "defaults", base=Path.cwd())
    try:
        text = chosen.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{chosen}: cannot read the configuration file: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{chosen}: not UTF-8 text") from None
    return load_config_text(text, str(chosen), base=chosen.resolve().parent)
