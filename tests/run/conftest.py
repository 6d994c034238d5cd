"""A tracker set-up in a temporary folder: the real Part 774 excerpt pair ingested, an SMTP server."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from tests.fetch import conftest as fetch_stand_in
from tests.fetch.conftest import Sources
from tests.mail import conftest as mail_stand_in
from tests.mail.smtp import SmtpServer
from tests.support import ECFR_API, require
from tracker.config import Config
from tracker.ingest import ingest_file
from tracker.store import Store

OLD, NEW = "2026-06-25", "2026-09-01"


def excerpt(date: str, span: str = "3A001-3A090-4A090") -> Path:
    """The real Part 774 excerpt of ``date`` (the 3A001/3A090/4A090 span, or ``9A010-to-9A018``)."""
    return require(ECFR_API / f"excerpt-{date}-title-15-part-774-{span}.xml")


def ingest(config: Config, *dates: str, span: str = "3A001-3A090-4A090") -> None:
    config.database.parent.mkdir(parents=True, exist_ok=True)
    store = Store(config.database)
    for date in dates:
        ingest_file(store, excerpt(date, span), part="774", date=date)
    store.db.conn.close()


def write_toml(path: Path, config: Config) -> Path:
    """``config`` as a tracker.toml the CLI can read (paths, parts and the [mail] table)."""
    lines = [
        f"database = {json.dumps(str(config.database))}",
        f"reports_dir = {json.dumps(str(config.reports_dir))}",
        f"snapshots_dir = {json.dumps(str(config.snapshots_dir))}",
        f"parts = {json.dumps(list(config.parts))}",
        f"ecfr_url = {json.dumps(config.ecfr_url)}",
        f"federal_register_url = {json.dumps(config.federal_register_url)}",
        "retries = 0",
        "rate_limit = 100",
        "[mail]",
    ]
    tables = config.mail.get("recipient", [])
    lines += [f"{k} = {json.dumps(v)}" for k, v in config.mail.items() if k != "recipient"]
    for t in tables:
        lines += ["[[mail.recipient]]"] + [f"{k} = {json.dumps(v)}" for k, v in t.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# The fetcher's local eCFR + Federal Register stand-in (real sample responses) and the SMTP server, shared.
_running_server = fetch_stand_in._running_server
server = fetch_stand_in.server
smtp = mail_stand_in.smtp


@pytest.fixture
def ecfr(server) -> Sources:
    return Sources(server)


@pytest.fixture
def config(tmp_path: Path, smtp: SmtpServer) -> Config:
    """Settings in ``tmp_path`` mailing officer@example.com through ``smtp``; nothing ingested yet."""
    return Config(
        database=tmp_path / "db" / "tracker.db",
        reports_dir=tmp_path / "reports",
        snapshots_dir=tmp_path / "snapshots",
        parts=("774",),
        mail=smtp.mail_config(),
    )


@pytest.fixture
def pair(config: Config) -> Config:
    """``config`` with the 2026-06-25 → 2026-09-01 pair of real Part 774 text ingested."""
    ingest(config, OLD, NEW)
    return config


def with_mail(config: Config, **mail) -> Config:
    return replace(config, mail={**config.mail, **mail})
