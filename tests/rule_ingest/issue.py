"""The audit scenario's rule (tests/audit/rule-2026-99901.xml) inside a daily issue, as GovInfo prints one."""

from __future__ import annotations

from tests.audit.scenario import RULE_XML
from tests.support import SHARED, require

REAL_ISSUE = SHARED / "data" / "federal-register-xml" / "FR-2024-02-12.xml"
_EFFDATE = "<EFFDATE><HD SOURCE=\"HED\">DATES:</HD><P>This rule is effective October 1, 2026.</P></EFFDATE>"


def rule_element() -> str:
    """The rule's RULE element, with the DATES line of its preamble."""
    body = RULE_XML.split("?>", 1)[1].strip()
    return body.replace("</PREAMB>", _EFFDATE + "</PREAMB>", 1)


def issue_with_rule() -> bytes:
    """A daily issue of 2026-09-29 (vol. 91) whose only document is the rule, printed from page 91 FR 50000."""
    return ("<FEDREG><VOL>91</VOL><NO>187</NO><DATE>Tuesday, September 29, 2026</DATE><RULES>"
            f'<PRTPAGE P="50000"/>{rule_element()}</RULES></FEDREG>').encode()


def real_issue_with_rule() -> bytes:
    """The real issue of 2024-02-12 with the rule added as the last of its rules."""
    xml = require(REAL_ISSUE).read_text("utf-8")
    at = xml.index("</RULES>")
    return (xml[:at] + rule_element() + xml[at:]).encode()
