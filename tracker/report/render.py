"""Change reports as HTML pages, email-safe HTML, plain text and JSON, and the reports folder.

The templates are compiled once per process, by the one :func:`environment`, made on first use: importing this
module imports neither Jinja nor css-inline (a run with nothing to report never loads them).

>>> from tracker.model import Change, Rule
>>> r = ReportData("2024-04-04", "2024-04-03", ("774",),
...                (Change("editorial", "3A090.a.1", "774", "3A090", 5, redline=(("delete", "a"),)),))
>>> "<del>a</del>" in render_html(r)
True
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> sorted(p.name for p in write_report(folder, r).values()), write_index(folder).name
(['2024-04-04.html', '2024-04-04.json', '2024-04-04.txt'], 'index.html')
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.atomic import write_atomic
from tracker.model import Change, Rule
from tracker.report.data import (
    HISTORY_INDEX,
    KIND_LEGEND,
    RefFinding,
    ReportData,
    ecfr_url,
    group_changes,
    history_path,
    in_report_order,
    redline,
    ref_url,
    rule_url,
    upcoming_url,
    watched_audit,
    watched_refs,
    watched_upcoming,
)
from tracker.report.markup import runs_in_context, runs_to_html, text_to_html
from tracker.report.schema import change_dict, document
from tracker.report.text import TEXT_FILTERS, heading_runs

if TYPE_CHECKING:
    from jinja2 import Environment

_REPORT_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")


def _wrap(text: str, indent: int = 0, width: int = 100) -> str:
    pad = " " * indent
    return textwrap.fill(
        text, width, initial_indent=pad, subsequent_indent=pad, break_long_words=False, break_on_hyphens=False
    )


@cache
def environment() -> Environment:
    """The one template environment of every page tracker writes (reports, index, history pages), made on first
    use; it keeps each template compiled for the rest of the process."""
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    from tracker.report.audit_section import shown, tally  # here: it imports the whole audit (rules, store)

    env = Environment(
        loader=PackageLoader("tracker.report", "templates"),
        autoescape=select_autoescape(["html"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        markup=text_to_html,
        redline_html=lambda c: runs_to_html(runs_in_context(redline(c))),
        heading_html=lambda c: runs_to_html(heading_runs(c)),
        redline=runs_to_html,
        rule_url=rule_url,
        upcoming_url=upcoming_url,
        wrap=_wrap,
        not_applied=shown,
        tally=tally,
        **TEXT_FILTERS,
    )
    env.globals.update(legend=KIND_LEGEND)
    return env


def _context(report: ReportData, *, email: bool = False, max_changes: int | None = None) -> dict[str, Any]:
    """What the templates see: the report, the (possibly cut) changes to show, and link makers."""
    shown = in_report_order(report)[:max_changes]
    site = report.site_url.rstrip("/") if report.site_url else None

    def history(change: Change) -> str | None:
        path = history_path(change.unit)
        if path and (email or site):  # a published report links absolutely, an email never relatively
            return f"{site}/{path}" if site else None
        return path

    return {
        "audit": watched_audit(report.audit, report.watch),
        "upcoming": watched_upcoming(report.upcoming, report.watch),
        "broken": watched_refs(report.broken_refs, report.watch),
        "repaired": watched_refs(report.repaired_refs, report.watch),
        "ref_url": lambda f: ref_url(report, f),
        "report": report,
        "summary": report.summary,
        "parts": group_changes(shown),
        "omitted": report.summary.total - len(shown),
        "email": email,
        "full_report_url": f"{site}/{report.version_date}.html" if site else None,
        "ecfr": lambda c, anchor=True: ecfr_url(report, c, anchor=anchor),
        "history": history,
    }


def _page(report: ReportData, kind: str) -> str:
    """The template of a report, or of a notice of upcoming changes."""
    return f"{'notice' if report.notice else 'report'}.{kind}"


def render_html(report: ReportData) -> str:
    """The report as a self-contained HTML page (embedded CSS, no scripts, no external assets)."""
    return environment().get_template(_page(report, "html")).render(_context(report))


def render_email_html(report: ReportData, *, max_changes: int | None = None) -> str:
    """The report as email HTML: table layout, CSS inlined, at most ``max_changes`` paragraphs."""
    import css_inline

    html = environment().get_template(_page(report, "html")).render(
        _context(report, email=True, max_changes=max_changes))
    return css_inline.inline(html, load_remote_stylesheets=False)


def render_text(report: ReportData, *, max_changes: int | None = None, email: bool = False) -> str:
    """The report as plain text (``[-removed-]``, ``{+added+}``), at most ``max_changes`` paragraphs; for ``email``
    with absolute links only (none where no ``site_url`` is set)."""
    return environment().get_template(_page(report, "txt")).render(
        _context(report, email=email, max_changes=max_changes))


def report_dict(report: ReportData) -> dict[str, Any]:
    """The report as JSON-ready data: metadata, summary counts, rules, every change with its links, and the
    audit of the interval's rules (``audit``, only when there is one: ``AuditSection.to_dict``); schema
    ``tracker.report/1``, each change in the shape of ``tracker diff --format json`` plus its links."""
    s = report.summary
    out: dict[str, Any] = {
        "version_date": report.version_date,
        "previous_date": report.previous_date,
        "parts": list(report.parts),
        "watch": list(report.watch),
        "summary": {
            "total": s.total,
            "by_kind": s.totals_by_kind,
            "by_part": s.totals_by_part,
            "changed_parts": list(report.changed_parts),
        },
        "rules": [asdict(r) for r in report.rules],
        "changes": [
            change_dict(c, ecfr_url=ecfr_url(report, c), history=history_path(c.unit))
            for c in in_report_order(report)
        ],
        "references_broken": [_ref_dict(report, f) for f in watched_refs(report.broken_refs, report.watch)],
        "references_repaired": [_ref_dict(report, f) for f in watched_refs(report.repaired_refs, report.watch)],
    }
    audit = watched_audit(report.audit, report.watch)
    if upcoming := watched_upcoming(report.upcoming, report.watch):
        out["upcoming"] = [e.to_dict() for e in upcoming]
    return document("report", {**out, "audit": audit.to_dict()} if audit else out)


def _ref_dict(report: ReportData, finding: RefFinding) -> dict[str, str]:
    return {**finding.to_dict(), "ecfr_url": ref_url(report, finding)}


def render_json(report: ReportData) -> str:
    return json.dumps(report_dict(report), ensure_ascii=False, indent=2) + "\n"


def render_index(reports_dir: Path) -> str:
    """The index page of every ``YYYY-MM-DD.json`` report in ``reports_dir``, newest first."""
    entries = [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(reports_dir.iterdir(), reverse=True)
        if _REPORT_NAME.match(p.name)
    ]
    for e in entries:
        e["rules"] = [Rule(**r) for r in e["rules"]]
    history = HISTORY_INDEX if (reports_dir / HISTORY_INDEX).exists() else None
    return environment().get_template("index.html").render(entries=entries, history=history)


def write_report(reports_dir: Path, report: ReportData) -> dict[str, Path]:
    """Write ``<date>.html``, ``.txt`` and ``.json`` into ``reports_dir``; returns the paths by suffix.

    Each file is replaced atomically, the ``.json`` last (its presence marks the report complete).
    Call :func:`write_index` afterwards to list it.
    """
    reports_dir.mkdir(parents=True, exist_ok=True)
    stem = reports_dir / report.version_date
    paths = {"html": stem.with_suffix(".html"), "txt": stem.with_suffix(".txt"), "json": stem.with_suffix(".json")}
    write_atomic(paths["html"], render_html(report))
    write_atomic(paths["txt"], render_text(report))
    write_atomic(paths["json"], render_json(report))
    return paths


def write_index(reports_dir: Path) -> Path:
    """Regenerate ``reports_dir/index.html`` from the ``.json`` reports there; returns its path."""
    path = reports_dir / "index.html"
    write_atomic(path, render_index(reports_dir))
    return path
