"""Static HTML history pages: ``eccn/3A090.html``, ``section/740.10.html`` and an index with a filter box.

One page per ECCN or section that changed in some stored version: its timeline (newest first,
with kinds, redlines and rules), the references pointing at it, and its text in force in the
latest version. Pages are plain files (no server, no external assets); each is written atomically.

>>> import tempfile
>>> from tracker.store import Store
>>> sorted(write_history_pages(Store(":memory:"), Path(tempfile.mkdtemp())))
[]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from tracker.history import History, history, text_on
from tracker.model import Paragraph
from tracker.report.data import ECCN_RE, SECTION_RE, history_path, rule_url
from tracker.report.markup import runs_to_html, text_to_html
from tracker.report.render import write_atomic
from tracker.xref import Ref, refs_to

INDEX_NAME = "history.html"


@dataclass(frozen=True)
class Page:
    """What one history page shows."""

    unit: str
    label: str
    history: History
    inbound: tuple[Ref, ...]
    current: tuple[Paragraph, ...]
    latest: str
    reports: frozenset[str]

    @property
    def path(self) -> str:
        return history_path(self.unit) or ""


def _label(unit: str) -> str:
    return f"ECCN {unit}" if ECCN_RE.match(unit) else f"§ {unit}"


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("tracker.report", "templates"),
        autoescape=select_autoescape(["html"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(markup=text_to_html, redline=runs_to_html, rule_url=rule_url)
    return env


_ENV = _environment()


def changed_units(store) -> list[tuple[str, str]]:
    """``(part, unit)`` of every ECCN and section with a span that started after, or ended in, a stored version."""
    rows = store.db.execute(
        "SELECT DISTINCT s.part, s.unit FROM spans s"
        " WHERE s.valid_to IS NOT NULL OR s.valid_from > (SELECT min(date) FROM snapshots WHERE part = s.part)"
    ).fetchall()
    return sorted((p, u) for p, u in rows if ECCN_RE.match(u) or SECTION_RE.match(u))


def build_page(store, part: str, unit: str, reports: frozenset[str] = frozenset()) -> Page:
    """The page data of one ECCN or section (``reports``: dates that have a change report to link)."""
    latest = store.dates(part)[-1]
    return Page(
        unit=unit,
        label=_label(unit),
        history=history(store, unit),
        inbound=tuple(r for r in refs_to(store, unit) if r.from_unit != unit),
        current=tuple(text_on(store, unit, latest)) if store.version_on(part, latest) else (),
        latest=latest,
        reports=reports,
    )


def render_page(page: Page) -> str:
    return _ENV.get_template("history.html").render(page=page, index=f"../{INDEX_NAME}")


def render_history_index(pages: list[Page]) -> str:
    return _ENV.get_template("history_index.html").render(pages=pages)


def write_history_pages(store, reports_dir: Path) -> list[Path]:
    """Write the page of every key that ever changed, then the index; returns the pages written."""
    reports = frozenset(p.stem for p in reports_dir.glob("*.html")) if reports_dir.is_dir() else frozenset()
    pages = []
    for part, unit in changed_units(store):
        page = build_page(store, part, unit, reports)
        if page.history.entries:
            pages.append(page)
    written = []
    for page in pages:
        path = reports_dir / page.path
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, render_page(page))
        written.append(path)
    if pages or reports_dir.is_dir():
        reports_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(reports_dir / INDEX_NAME, render_history_index(pages))
    return written
