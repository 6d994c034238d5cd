"""The data of each report and notice the run writes and mails (a layer below :mod:`tracker.run`, imported when a
report or notice is built: a run with nothing new never loads the differ, the audit or the attribution).

:func:`build_report` compares each Part's version on a date with the one before it: the changes with the rules
behind them, the references broken and repaired, the audit of the rules that took effect in between, and, for
the newest date, the changes coming into force. :func:`build_notice` is the email announcing upcoming changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from tracker.amendments import Amendment, parse_amendments
from tracker.attribution import attribute
from tracker.audit import Audit, audit_rule, note_findings, stored_rule_texts
from tracker.config import Config
from tracker.diff import diff_dates
from tracker.errors import InputError
from tracker.model import Change
from tracker.parse import ParseError
from tracker.report.audit_section import AuditSection
from tracker.report.data import RefFinding, ReportData
from tracker.snapshots import federal_register_path
from tracker.store import Ref, Store
from tracker.upcoming import Upcoming
from tracker.upcoming.collect import upcoming
from tracker.xref import broken_and_repaired, versions_on

#: The start of a notice's delivery key (``upcoming-2026-12-01-1a2b3c4d``), apart from report version dates.
NOTICE_PREFIX = "upcoming-"


def stored_amendments(snapshots_dir: Path, document_numbers: Iterable[str]) -> dict[str, list[Amendment]]:
    """Title 15 amendment instructions of the rules whose full text is on disk, by document number."""
    out: dict[str, list[Amendment]] = {}
    for number in document_numbers:
        path = federal_register_path(Path(snapshots_dir), number, "xml")
        try:
            out[number] = parse_amendments(path.read_bytes(), "15", str(path))
        except (OSError, ParseError):  # absent or unreadable: the rule's instructions stay unknown
            continue
    return out


def _attribute(
    config: Config, store: Store, changes: list[Change], part: str, date_from: str, date_to: str
) -> list[Change]:
    """The changes with the Federal Register rules behind them (stored rules, their stored full texts)."""
    rules = store.rules(part)
    amendments = stored_amendments(config.snapshots_dir, [r.document_number for r in rules])
    records = [r.record() for r in rules]
    return attribute(changes, records, date_from=date_from, date_to=date_to, amendments=amendments)


def _made_on(store: Store, date: str) -> dict[tuple[str, str], Ref]:
    """The stored references in force on ``date`` in every Part, by (citing citation, target): each Part read once."""
    return {(r.from_citation, r.target): r for part, version in versions_on(store, date).items()
            for r in store.refs_on(part, version)}


def reference_findings(
    store: Store, part: str, date_from: str, date_to: str
) -> tuple[list[RefFinding], list[RefFinding]]:
    """The references the change of ``part`` from ``date_from`` to ``date_to`` broke, and those it repaired.

    A finding names the unit of the citing paragraph (for its link; the Part when unknown) and, when
    repaired, how: the target exists now, or the paragraph no longer makes the reference.
    """
    broken, repaired = broken_and_repaired(store, part, date_from, date_to)
    if not broken and not repaired:
        return [], []
    before, after = _made_on(store, date_from), _made_on(store, date_to)
    broke = []
    for c in broken:
        ref = after.get(c.key)
        broke.append(RefFinding(c, ref.from_unit if ref else c.part))
    fixed = []
    for c in repaired:
        now = after.get(c.key)
        ref = now or before.get(c.key)
        how = "the target exists now" if now else f"{c.from_citation} no longer makes this reference"
        fixed.append(RefFinding(c, ref.from_unit if ref else c.part, how))
    return broke, fixed


def audit_section(config: Config, store: Store, spans: dict[str, tuple[str, str]]) -> AuditSection:
    """The audits of the stored rules with a kept full text that took effect (else were published) in the
    compared interval of a Part they amend (``spans``: part → (previous date, date)), and the editorial notes new
    in an interval that say an amendment could not be incorporated (read from the interval's delta: cheap)."""
    deltas = [store.delta(part, a, b) for part, (a, b) in spans.items()]
    notes = [f for d in deltas for f in note_findings(d.new, before=d.old) if f.status == "not-incorporated"]
    return AuditSection(tuple(_interval_audits(config, store, spans)), tuple(notes))


def _interval_audits(config: Config, store: Store, spans: dict[str, tuple[str, str]]) -> list[Audit]:
    """The audits of the rules of the intervals; a rule that cannot be audited yet is left out."""
    rules = {r.document_number: r for part, (a, b) in spans.items() for r in store.rules(part)
             if a < (r.effective_on or r.publication_date or "") <= b}
    texts = stored_rule_texts(store, config.snapshots_dir, list(rules.values()))
    audits = []
    for rule in texts:
        try:
            audits.append(audit_rule(store, rule, others=texts))
        except InputError:
            continue
    return audits


def upcoming_after(config: Config, store: Store, date: str, today: str) -> tuple[Upcoming, ...]:
    """The upcoming changes known to the store that take effect after ``date`` (or whose date is not known)."""
    entries = upcoming(store, config.snapshots_dir, today, fr_base=config.federal_register_url, parts=config.parts)
    return tuple(e for e in entries if (e.effective_on or "9999") > date)


def build_notice(config: Config, store: Store, name: str, today: str) -> ReportData:
    """The notice ``name``: the upcoming changes announced in it, as announced (its day is in its name)."""
    entries = tuple(Upcoming.from_dict(e) for e in store.announcement(name))
    day = name.removeprefix(NOTICE_PREFIX)[:10] or today
    return ReportData(day, None, (), (), ecfr_base=config.ecfr_url, upcoming=entries, notice=name)


def build_report(config: Config, store: Store, date: str, today: str | None = None) -> ReportData:
    """Every Part with a version on ``date`` compared with its previous version, rules attributed.

    Also the references each Part's change broke and repaired (a reference between two compared
    Parts is listed once), the audit of the rules that took effect in between (:func:`audit_section`), and the
    changes coming into force after ``date`` when it is the newest stored version date (:func:`upcoming_after`;
    ``today`` defaults to the real date).
    """
    changes: list[Change] = []
    compared: list[str] = []
    previous: list[str] = []
    broken: dict[tuple[str, str], RefFinding] = {}
    repaired: dict[tuple[str, str], RefFinding] = {}
    spans: dict[str, tuple[str, str]] = {}
    for part in store.parts():
        earlier = [d for d in store.dates(part) if d < date]
        if not store.has_snapshot(part, date) or not earlier:
            continue
        found = diff_dates(store, earlier[-1], date, part=part).changes
        changes.extend(_attribute(config, store, found, part, earlier[-1], date))
        compared.append(part)
        previous.append(earlier[-1])
        spans[part] = (earlier[-1], date)
        broke, fixed = reference_findings(store, part, earlier[-1], date)
        for f in broke:
            broken.setdefault(f.check.key, f)
        for f in fixed:
            repaired.setdefault(f.check.key, f)
    return ReportData(
        date,
        max(previous, default=None),
        tuple(compared),
        tuple(changes),
        ecfr_base=config.ecfr_url,
        broken_refs=tuple(broken.values()),
        repaired_refs=tuple(repaired.values()),
        audit=audit_section(config, store, spans),
        upcoming=upcoming_after(config, store, date, today or dt.date.today().isoformat())
        if date == store.dates()[-1] else (),  # the newest report says what is coming, not each of a backfill
    )


def report_or_notice(config: Config, store: Store, today: str, key: str) -> ReportData:
    """What a delivery key names: a notice of upcoming changes, else the report of a version date."""
    if key.startswith(NOTICE_PREFIX):
        return build_notice(config, store, key, today)
    return build_report(config, store, key, today)
