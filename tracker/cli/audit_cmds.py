"""``tracker audit``: did the eCFR do what each rule said? (:mod:`tracker.audit`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from tracker.cli.base import DATE, get_config, main, open_store
from tracker.errors import InputError

if TYPE_CHECKING:
    from tracker.audit import Audit, Finding


def _finding_lines(f: Finding) -> list[str]:
    where = ", ".join(f.citations) or "-"
    head = f"{f.status.upper():20} {where}"
    if f.instruction is not None:
        head += f"   (instruction {f.instruction.index}: {f.instruction.action})"
    lines = [head, f"    {f.reason}"]
    if f.instruction is not None and f.status != "applied" and f.instruction.written:
        lines.append(f"    the rule: {f.instruction.written}")
    if f.status == "different" and f.instruction is not None:
        reads = {c.citation: c.new_text for c in f.changes}
        for citation, printed in f.instruction.new_text:
            if citation in reads:
                lines += [f"    the rule prints {citation}: {printed}", f"    the eCFR reads: {reads[citation]}"]
    if f.note:
        lines.append(f"    the eCFR: {f.note}")
    return lines


def audit_text(audit: Audit) -> str:
    """One audit as text: the rule, the versions compared, the counts, then each finding."""
    name = f"{audit.citation} (document {audit.document_number})" if audit.citation else audit.document_number
    counts = ", ".join(f"{n} {s}" for s, n in audit.counts().items() if n)
    lines = [f"{name}, effective {audit.effective_on}: {counts or 'no findings'}"]
    lines += [f"  part {p}: version of {a} compared with {b}" for p, (a, b) in audit.versions.items()]
    lines += [f"  note: {n}" for n in audit.notes]
    lines += [line for f in audit.findings for line in _finding_lines(f)]
    return "\n".join(lines)


@main.command("audit")
@click.argument("document_number", required=False)
@click.option("--since", type=DATE, help="Audit every stored rule effective on or after DATE (instead of one).")
@click.option("--rule-xml", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The rule's Federal Register XML (a document or a daily issue), when its full text is not kept.")
@click.option("--effective", type=DATE, help="The rule's effective date, when the rule is not stored.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format.")
def audit_command(document_number: str | None, since: str | None, rule_xml: Path | None, effective: str | None,
                  fmt: str) -> None:
    """Check that the eCFR did what a Federal Register rule said. Exit 1 if not.

    DOCUMENT_NUMBER is the rule's Federal Register document number (2024-07004; `tracker rules` lists the
    stored ones). tracker compares the stored eCFR version before the rule took effect with the first one
    that includes it, and reads each amendment instruction of the rule:

    \b
      APPLIED            the eCFR changed the target as the rule says (kind, words and printed text)
      MISSING            no change at the target: the amendment is not in the eCFR
      DIFFERENT          the target changed, but not as the rule says
      NOT-INCORPORATED   an eCFR editorial note says an amendment could not be incorporated
      UNEXPLAINED        a change in those versions that no instruction explains
      NOT-UNDERSTOOD     an instruction tracker could not read (not checked)
      EFFECTIVE-DATE-NOTE  an eCFR note on a stay or a later effective date

    The instructions come from the rule's full text kept under snapshots/federal-register/ (kept when
    rules share an interval); otherwise give the rule's XML with --rule-xml FILE (and --effective DATE
    if the rule is not stored). With --since DATE, every stored rule effective since then is audited;
    the rules that cannot be audited yet are named on stderr. Exit codes: 1 when something is missing, different or not
    incorporated, 0 otherwise, 2 on bad input (unknown document, no version including it yet).

    Example: tracker audit 2024-07004 --rule-xml 2024-07004.xml --format json
    """
    from tracker.audit import audit_rule, audit_since, rule_text, stored_rule_texts, to_json

    if (document_number is None) == (since is None):
        raise InputError("give a DOCUMENT_NUMBER or --since DATE (one of them)")
    if since is not None and (rule_xml or effective):
        raise InputError("--rule-xml and --effective go with a DOCUMENT_NUMBER, not --since")
    snapshots = Path(get_config().snapshots_dir)
    store = click.get_current_context().with_resource(open_store())
    skipped: list[str] = []
    if document_number is not None:
        rule = rule_text(store, snapshots, document_number, xml_file=rule_xml, effective_on=effective)
        audits = [audit_rule(store, rule, others=stored_rule_texts(store, snapshots, store.rules()))]
    else:
        audits, skipped = audit_since(store, snapshots, since or "")
    if fmt == "json":
        click.echo(to_json(audits))
    else:
        click.echo("\n\n".join([audit_text(a) for a in audits] or [f"no rule to audit since {since}"]))
    for line in skipped:
        click.echo(line, err=True)
    click.get_current_context().exit(1 if any(a.failed for a in audits) else 0)
