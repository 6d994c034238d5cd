"""Wrong content from the eCFR and the Federal Register, end to end through ``tracker.run.run``.

The stand-in (tests/fetch/conftest.py, serving the real files) answers with what a broken or hostile
service could send: Federal Register failures (a full text that 404s, malformed records, the whole
API down), a body that is not the Part asked for (another Part, one section, an XHTML or HTML page,
an empty stub, another title), a corrupt snapshot left on disk, an emptied database beside an old
``state.json``, a version dated a month ahead and one that loses most of its Part. Each drill asserts
what a user sees: what is stored, reported and mailed, what is kept aside, the exit code, and that
the next run with the service fixed completes the work.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from werkzeug import Request, Response

from tests.fetch import conftest as fetch_stand_in
from tests.fetch.conftest import FR_XML, PART_740_FULL, PART_774_NEW, PART_774_OLD, Sources, make_config
from tests.mail import conftest as mail_stand_in
from tests.run.conftest import write_toml
from tests.support import ECFR_API, require
from tracker.cli import main
from tracker.config import Config
from tracker.run import RunOutcome, run
from tracker.snapshots import ecfr_path
from tracker.store import Store
from tracker.sync import sync

_running_server = fetch_stand_in._running_server
server = fetch_stand_in.server
smtp = mail_stand_in.smtp

OLD, NEW = "2026-06-25", "2026-09-01"
API = "/api/versioner/v1"


class Drill:
    """The stand-in, a configuration for Part 774 (or more) mailing through ``smtp``, and the run's log."""

    def __init__(self, sources: Sources, config: Config, smtp) -> None:
        self.sources, self.config, self.smtp = sources, config, smtp
        self.lines: list[str] = []

    def run(self) -> RunOutcome:
        self.lines.clear()
        return run(self.config, log=self.lines.append)

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    def store(self) -> Store:
        return Store(self.config.database)

    def stored(self, part: str = "774") -> list[str]:
        store = self.store()
        try:
            return store.dates(part)
        finally:
            store.close()

    def reported(self) -> list[str]:
        return sorted(p.stem for p in self.config.reports_dir.glob("????-??-??.json"))

    def quarantined(self, part: str = "774") -> list[Path]:
        folder = self.config.snapshots_dir / "quarantine" / "ecfr" / "title-15" / f"part-{part}"
        return sorted(folder.glob("*.xml")) if folder.is_dir() else []

    def state(self) -> dict:
        return json.loads((self.config.snapshots_dir / "ecfr" / "title-15" / "state.json").read_text())


def _drill(server, tmp_path: Path, smtp, sources: Sources | None = None, **override) -> Drill:
    config = make_config(
        server, tmp_path, parts=("774",), reports_dir=tmp_path / "reports", mail=smtp.mail_config(), **override
    )
    return Drill(sources or Sources(server), config, smtp)


@pytest.fixture
def baseline(server, tmp_path, smtp) -> Drill:
    """Part 774 of 2026-06-25 stored by a first run (its baseline: nothing reported or mailed)."""
    drill = _drill(server, tmp_path, smtp)
    drill.sources.add_version("774", OLD, PART_774_OLD.read_bytes())
    first = drill.run()
    assert first.exit_code == 0 and drill.stored() == [OLD], drill.log
    return drill


def assert_reported_and_mailed(drill: Drill, outcome: RunOutcome) -> str:
    """The 2026-09-01 change is stored, reported and mailed once; returns the HTML report."""
    assert ("774", NEW) in outcome.new_versions, drill.log
    assert drill.stored() == [OLD, NEW] and drill.reported() == [NEW]
    [message] = drill.smtp.messages
    assert f"EAR changes {NEW}:" in message["Subject"]
    return (drill.config.reports_dir / f"{NEW}.html").read_text(encoding="utf-8")


# -- the Federal Register fails: the eCFR change is stored, reported and mailed all the same ----------


def test_a_full_text_that_404s_still_stores_reports_and_mails_the_change_and_is_asked_for_again(baseline):
    drill = baseline
    drill.sources.add_version("774", NEW, PART_774_NEW.read_bytes())
    for number, day in (("2024-07004", "2026-08-01"), ("2024-08446", "2026-09-01")):  # two rules: full texts read
        drill.sources.add_rule("774", drill.sources.rule(number, effective_on=day))  # ... and both 404

    outcome = drill.run()

    html = assert_reported_and_mailed(drill, outcome)
    assert outcome.exit_code == 1 and "HTTP 404" in "; ".join(outcome.errors)
    assert "89 FR 23876" in html  # the rules themselves were stored: both are named as candidates
    assert drill.state()["federal_register_due"] == NEW
    drill.sources.full_text.update({"2024-07004": FR_XML.read_bytes(), "2024-08446": FR_XML.read_bytes()})

    again = drill.run()

    assert again.exit_code == 0 and again.errors == [], drill.log
    assert len(drill.sources.requests_to("/full-text/")) == 4 and drill.state()["federal_register_due"] is None
    assert len(drill.smtp.messages) == 1  # the report is not mailed twice


def test_the_federal_register_down_still_stores_reports_and_mails_the_change_and_is_asked_for_again(
    server, tmp_path, smtp
):
    drill = _drill(server, tmp_path, smtp, federal_register_url="http://127.0.0.1:9")  # nothing listens there
    drill.sources.add_version("774", OLD, PART_774_OLD.read_bytes())
    assert drill.run().exit_code == 0
    drill.sources.add_version("774", NEW, PART_774_NEW.read_bytes())
    drill.sources.add_rule("774", drill.sources.rule("2024-07004", effective_on=NEW))

    outcome = drill.run()

    html = assert_reported_and_mailed(drill, outcome)
    [error] = outcome.errors
    assert error.startswith("fetch: Federal Register: GET http://127.0.0.1:9/") and "not yet identified" in error
    assert "source not yet identified" in html
    assert drill.state()["federal_register_until"] is None and drill.state()["federal_register_due"] == NEW
    drill.config = replace(drill.config, federal_register_url=drill.sources.base)

    again = drill.run()  # nothing new in the eCFR, but the rules are due

    assert again.exit_code == 0 and again.new_versions == [], drill.log
    store = drill.store()
    assert [r.citation for r in store.rules("774")] == ["89 FR 23876"]
    store.close()
    assert drill.state()["federal_register_due"] is None and drill.state()["federal_register_until"]


MALFORMED = {
    "cfr_references is a string": {"cfr_references": "15 CFR 774"},
    "publication_date is an object": {"publication_date": {"x": 1}},
    "effective_on is an object": {"effective_on": {"x": 1}},
    "citation is a list": {"citation": ["89 FR 23876"]},
    "publication_date is missing": {"publication_date": None},
}


@pytest.mark.parametrize("override", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_rule_record_is_skipped_with_a_warning_and_the_change_is_reported(baseline, override):
    drill = baseline
    drill.sources.add_version("774", NEW, PART_774_NEW.read_bytes())
    drill.sources.add_rule("774", drill.sources.rule("2024-07004", **{"effective_on": NEW, **override}))

    outcome = drill.run()

    html = assert_reported_and_mailed(drill, outcome)
    assert outcome.exit_code == 0, outcome.errors
    warnings = [line for line in drill.lines if "Federal Register: skipped document" in line]
    assert warnings and all(w.startswith("warning: ") and "2024-07004" in w for w in warnings)
    assert "source not yet identified" in html and "Traceback" not in drill.log


class ObjectDates(Sources):
    """The stand-in, whose versions listing also carries entries with an object where a date should be."""

    def _versions(self, request: Request) -> Response:
        body = json.loads(super()._versions(request).get_data())
        body["content_versions"] += [
            {"date": {"x": 1}, "amendment_date": {"x": 1}, "issue_date": NEW, "part": "774"},
            {"date": NEW, "amendment_date": NEW, "issue_date": {"x": 1}, "part": "774"},
        ]
        return Response(json.dumps(body), content_type="application/json")


def test_a_listing_with_an_object_as_a_date_still_stores_reports_and_mails_the_change(server, tmp_path, smtp):
    drill = _drill(server, tmp_path, smtp, sources=ObjectDates(server))
    drill.sources.add_version("774", OLD, PART_774_OLD.read_bytes())
    assert drill.run().exit_code == 0
    drill.sources.add_version("774", NEW, PART_774_NEW.read_bytes())

    outcome = drill.run()

    assert_reported_and_mailed(drill, outcome)
    assert outcome.exit_code == 0 and "warning: part 774: skipped a listed version" in drill.log


# -- a body that is not the Part asked for: never stored, kept aside, and the next run succeeds --------


def _section_774() -> bytes:
    """One real section of Part 774 (§ 774.1) on its own: what ``&section=774.1`` would return."""
    root = etree.fromstring(require(ECFR_API / "full-2026-09-01-title-15-part-774.xml").read_bytes())
    return etree.tostring(root.find(".//DIV8"))


WRONG = {
    "Part 740 served for Part 774": lambda: PART_740_FULL.read_bytes(),
    "one section only": _section_774,
    "an XHTML page with status 200": lambda: b'<?xml version="1.0"?><html><body><p>Maintenance</p></body></html>',
    "an empty DIV5 stub": lambda: b'<DIV5 N="774" TYPE="PART"><HEAD>PART 774</HEAD></DIV5>',
    "another title's Part 774": lambda: PART_774_NEW.read_bytes().replace(b"15 CFR Part 774", b"16 CFR Part 774"),
    "a section of Part 740 inside Part 774": lambda: PART_774_NEW.read_bytes().replace(
        b"</DIV5>", b'<DIV8 N="740.10" TYPE="SECTION"><HEAD>740.10</HEAD><P>(a) text</P></DIV8></DIV5>'
    ),
}


@pytest.mark.parametrize("body", WRONG.values(), ids=WRONG.keys())
def test_a_wrong_body_is_never_stored_or_mailed_is_quarantined_and_the_next_run_succeeds(baseline, body):
    drill = baseline
    drill.sources.add_version("774", NEW, body())

    outcome = drill.run()

    assert outcome.exit_code == 1 and len(outcome.errors) == 1, drill.log
    assert "kept aside as" in outcome.errors[0] and "\n" not in outcome.errors[0]
    assert drill.stored() == [OLD] and drill.reported() == [] and drill.smtp.messages == []
    assert not ecfr_path(drill.config.snapshots_dir, "774", NEW).exists()
    [kept] = drill.quarantined()
    assert kept.name.startswith(f"{NEW}.") and kept.read_bytes() == body()
    assert kept.with_suffix(".why.txt").read_text().strip()
    assert drill.state()["latest_issue_date"] != NEW  # the next run lists the version again

    drill.sources.xml["774"][NEW] = PART_774_NEW.read_bytes()
    again = drill.run()

    assert again.exit_code == 0, drill.log
    assert_reported_and_mailed(drill, again)


def test_an_html_page_with_status_200_is_never_stored_or_mailed_and_the_next_run_succeeds(baseline):
    drill = baseline
    drill.sources.add_version("774", NEW, b"<!DOCTYPE html><html><body>Scheduled maintenance</body></html>")

    outcome = drill.run()

    assert outcome.exit_code == 1 and "expected XML" in outcome.errors[0]
    assert drill.stored() == [OLD] and drill.reported() == [] and drill.smtp.messages == []
    assert not ecfr_path(drill.config.snapshots_dir, "774", NEW).exists()
    drill.sources.xml["774"][NEW] = PART_774_NEW.read_bytes()
    assert_reported_and_mailed(drill, drill.run())


def test_one_wrong_part_does_not_stop_the_others(server, tmp_path, smtp):
    drill = _drill(server, tmp_path, smtp)
    drill.config = replace(drill.config, parts=("740", "774"))
    drill.sources.add_version("774", OLD, PART_774_OLD.read_bytes())
    drill.sources.add_version("740", NEW, PART_774_NEW.read_bytes())  # Part 774's text served for Part 740
    drill.sources.add_version("774", NEW, PART_774_NEW.read_bytes())

    outcome = drill.run()

    assert outcome.exit_code == 1 and ("740", NEW) not in outcome.new_versions
    assert drill.stored("774") == [NEW] and drill.stored("740") == []  # 774's first run: its latest, a baseline
    assert len(drill.quarantined("740")) == 1


# -- what is on disk and in state.json must not fool the run --------------------------------------


def test_a_corrupt_snapshot_on_disk_is_quarantined_and_fetched_again(baseline):
    drill = baseline
    drill.sources.add_version("774", NEW, PART_774_NEW.read_bytes())
    on_disk = ecfr_path(drill.config.snapshots_dir, "774", NEW)
    on_disk.write_bytes(PART_774_NEW.read_bytes()[:3000])  # e.g. a disk that lost the end of the file

    outcome = drill.run()

    assert outcome.exit_code == 0, drill.log
    assert_reported_and_mailed(drill, outcome)
    assert "the snapshot on disk is unusable" in drill.log and len(drill.quarantined()) == 1
    assert on_disk.read_bytes() == PART_774_NEW.read_bytes()
    assert [r.path for r in drill.sources.requests_to("/full/")][-1] == f"{API}/full/{NEW}/title-15.xml"


def test_a_snapshot_of_another_part_on_disk_is_quarantined_and_fetched_again(baseline):
    drill = baseline
    drill.sources.add_version("774", NEW, PART_774_NEW.read_bytes())
    ecfr_path(drill.config.snapshots_dir, "774", NEW).write_bytes(PART_740_FULL.read_bytes())

    outcome = drill.run()

    assert_reported_and_mailed(drill, outcome)
    assert outcome.exit_code == 0 and len(drill.quarantined()) == 1


def _empty_the_database(drill: Drill) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{drill.config.database}{suffix}").unlink(missing_ok=True)


@pytest.mark.parametrize("how", ["emptied", "another database file"])
def test_an_old_state_json_beside_an_empty_database_never_makes_the_next_change_a_baseline(baseline, how):
    drill = baseline
    if how == "emptied":
        _empty_the_database(drill)
    else:
        drill.config = replace(drill.config, database=drill.config.database.with_name("other.db"))
    drill.sources.add_version("774", NEW, PART_774_NEW.read_bytes())

    outcome = drill.run()

    assert outcome.exit_code == 0, drill.log
    assert "state.json does not match the database" in drill.log
    assert "re-ingesting 1 snapshot(s) from disk" in drill.log
    assert_reported_and_mailed(drill, outcome)  # 2026-09-01 is a reported change, not a new baseline
    assert [r.path for r in drill.sources.requests_to("/full/")] == [
        f"{API}/full/{OLD}/title-15.xml", f"{API}/full/{NEW}/title-15.xml"  # the old version came from disk
    ]


def test_an_emptied_database_without_snapshots_on_disk_lists_everything_again(baseline):
    drill = baseline
    _empty_the_database(drill)
    for path in (drill.config.snapshots_dir / "ecfr" / "title-15" / "part-774").iterdir():
        path.unlink()
    before = len(drill.sources.requests_to("/versions/"))

    outcome = drill.run()

    assert outcome.exit_code == 0 and outcome.new_versions == [("774", OLD)], drill.log
    assert len(drill.sources.requests_to("/versions/")) == before + 1  # not "nothing new" on one request


# -- dates from the future, and a version that loses most of its Part -------------------------------


def test_a_version_dated_a_month_ahead_is_held_back_until_its_date_is_near(baseline):
    drill = baseline
    ahead = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    drill.sources.add_version("774", ahead, PART_774_NEW.read_bytes(), issue_date=NEW)

    outcome = drill.run()

    assert outcome.exit_code == 0 and outcome.new_versions == [], drill.log
    assert f"version {ahead} is dated more than 3 days after today" in drill.log
    assert not drill.sources.requests_to(f"/full/{ahead}/")
    assert drill.state()["latest_issue_date"] == OLD  # not advanced: the next runs list the version again
    store = drill.store()
    near = (dt.date.fromisoformat(ahead) - dt.timedelta(days=2)).isoformat()
    result = sync(drill.config, store, log=drill.lines.append, today=near)
    store.close()
    assert result.new_versions == [("774", ahead)] and result.errors == []


def _sections(xml: bytes, keep: int) -> bytes:
    """The Part with only its first ``keep`` sections (and no supplements): most of it gone."""
    root = etree.fromstring(xml)
    for n, div in enumerate(root.iter("DIV8", "DIV9")):
        if n >= keep or div.tag == "DIV9":
            div.getparent().remove(div)
    return etree.tostring(root)


def test_a_version_that_loses_most_of_its_part_is_held_back_for_the_operator_and_the_others_go_on(
    server, tmp_path, smtp
):
    drill = _drill(server, tmp_path, smtp)
    drill.config = replace(drill.config, parts=("740", "774"))
    drill.sources.add_version("740", OLD, PART_740_FULL.read_bytes())
    drill.sources.add_version("774", OLD, PART_774_OLD.read_bytes())
    assert drill.run().exit_code == 0
    drill.sources.add_version("740", NEW, _sections(PART_740_FULL.read_bytes(), 2))
    drill.sources.add_version("774", NEW, PART_774_NEW.read_bytes())

    outcome = drill.run()

    assert outcome.exit_code == 1 and ("774", NEW) in outcome.new_versions, drill.log
    held = drill.config.snapshots_dir / "held" / "ecfr" / "title-15" / "part-740" / f"{NEW}.xml"
    [error] = outcome.errors
    assert f"tracker ingest {held}" in error and "--accept-suspect" in error and "held back" in error
    assert held.is_file() and drill.stored("740") == [OLD]
    assert not ecfr_path(drill.config.snapshots_dir, "740", NEW).exists()  # never read back as a snapshot

    again = drill.run()  # not skipped: downloaded and refused again, with the same line

    assert again.exit_code == 1 and again.errors == outcome.errors
    toml = write_toml(tmp_path / "tracker.toml", drill.config)
    taken = CliRunner().invoke(
        main, ["--config", str(toml), "ingest", str(held), "--part", "740", "--date", NEW, "--accept-suspect"]
    )
    assert taken.exit_code == 0, taken.output
    assert drill.stored("740") == [OLD, NEW]
