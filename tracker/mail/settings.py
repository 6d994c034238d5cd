"""The ``[mail]`` table of ``tracker.toml``, validated: :class:`MailSettings` and its recipients."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tracker.config import ConfigError
from tracker.mail.headers import HEADER_BREAKS

SECURITY_MODES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
MAIL_KEYS = frozenset(
    {"smtp_host", "smtp_port", "security", "sender", "recipients", "recipient", "max_changes", "site_url", "timeout",
     "upcoming"}
)


@dataclass(frozen=True)
class Recipient:
    """An address and its watchlist (empty: every change)."""

    address: str
    watch: tuple[str, ...] = ()


def _address(value: Any, where: str) -> str:
    from email.utils import parseaddr  # here: a run without [mail] recipients loads no email package

    if (
        not isinstance(value, str)
        or HEADER_BREAKS.search(value)
        or not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", parseaddr(value)[1])
    ):
        raise ConfigError(f"{where}: {value!r} is not an email address")
    return value.strip()


def _watchlist(watch: Any) -> tuple[str, ...]:
    """A ``[[mail.recipient]]``'s ``watch`` list, each entry normalised (the citation grammar loads only here)."""
    from tracker.watch import normalise_entry

    if isinstance(watch, str) or not isinstance(watch, list):
        raise ConfigError("[[mail.recipient]] watch: expected a list such as [\"3A090\", \"740.10\"]")
    try:
        return tuple(normalise_entry(str(w)) for w in watch)
    except ValueError as exc:
        raise ConfigError(f"[[mail.recipient]] watch: {exc}") from None


def _recipients(mail: Mapping[str, Any]) -> tuple[Recipient, ...]:
    plain = mail.get("recipients", [])
    tables = mail.get("recipient", [])
    if isinstance(plain, str) or not isinstance(plain, list):
        raise ConfigError("[mail] recipients: expected a list of addresses")
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ConfigError("[mail] recipient: expected [[mail.recipient]] tables with address and watch")
    found = [Recipient(_address(a, "[mail] recipients")) for a in plain]
    for t in tables:
        unknown = sorted(set(t) - {"address", "watch"})
        if unknown:
            raise ConfigError(f"[[mail.recipient]]: unknown key {unknown[0]!r} (known: address, watch)")
        entries = _watchlist(t.get("watch", []))
        found.append(Recipient(_address(t.get("address"), "[[mail.recipient]] address"), entries))
    seen = [r.address.lower() for r in found]
    dupes = sorted({a for a in seen if seen.count(a) > 1})
    if dupes:
        raise ConfigError(f"[mail]: {dupes[0]} is listed twice")
    return tuple(found)


def _whole(mail: Mapping[str, Any], key: str, default: int) -> int:
    """The positive whole number ``mail[key]`` (``default`` when absent)."""
    value = mail.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(f"[mail] {key}: expected a positive whole number")
    return value


@dataclass(frozen=True)
class MailSettings:
    """The validated ``[mail]`` table (see the module docs)."""

    sender: str
    recipients: tuple[Recipient, ...]
    smtp_host: str = "localhost"
    smtp_port: int = 587
    security: str = "starttls"
    max_changes: int = 100
    site_url: str | None = None
    timeout: float = 60.0
    #: Whether upcoming changes (rules published or on public inspection, not yet in the eCFR) are announced
    #: by email, each once, when they are first seen.
    upcoming: bool = True

    @classmethod
    def from_config(cls, mail: Mapping[str, Any]) -> MailSettings | None:
        """Settings from ``Config.mail``; None when no recipient is configured (reports only).

        Raises :class:`tracker.config.ConfigError` (one line) for anything unusable.
        """
        unknown = sorted(set(mail) - MAIL_KEYS)
        if unknown:
            raise ConfigError(f"[mail]: unknown key {unknown[0]!r} (known keys: {', '.join(sorted(MAIL_KEYS))})")
        recipients = _recipients(mail)
        if not recipients:
            return None
        security = mail.get("security", "starttls")
        if security not in SECURITY_MODES:
            raise ConfigError(f"[mail] security: {security!r} is not one of {', '.join(SECURITY_MODES)}")
        host = mail.get("smtp_host", "localhost")
        if not isinstance(host, str) or not host:
            raise ConfigError("[mail] smtp_host: expected a host name")
        if security == "none" and host not in LOCAL_HOSTS:
            raise ConfigError(f"[mail] security = \"none\" (unencrypted) is allowed only for localhost, not {host}")
        port = _whole(mail, "smtp_port", DEFAULT_PORTS[security])
        max_changes = _whole(mail, "max_changes", cls.max_changes)
        timeout = mail.get("timeout", cls.timeout)
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
            raise ConfigError("[mail] timeout: expected a positive number of seconds")
        upcoming = mail.get("upcoming", cls.upcoming)
        if not isinstance(upcoming, bool):
            raise ConfigError("[mail] upcoming: expected true or false")
        site = mail.get("site_url")
        if site is not None and not (isinstance(site, str) and re.match(r"https?://[^/\s]+", site)):
            raise ConfigError(f"[mail] site_url: {site!r} is not an http(s) URL")
        return cls(
            sender=_address(mail.get("sender"), "[mail] sender"),
            recipients=recipients,
            smtp_host=host,
            smtp_port=port,
            security=security,
            max_changes=max_changes,
            site_url=site.rstrip("/") if site else None,
            timeout=float(timeout),
            upcoming=upcoming,
        )
