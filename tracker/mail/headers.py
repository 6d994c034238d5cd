"""What may reach an email header: one clean line (shared by the settings, messages and transports)."""

from __future__ import annotations

import re

#: What may not reach a header: C0 and C1 control characters (CR, LF, NEL …) and the Unicode line and
#: paragraph separators.
HEADER_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def header_text(text: str) -> str:
    """``text`` fit for one header line: each run of control characters or line breaks becomes a space.

    >>> header_text("89 FR 1\\r\\nBcc: evil@example.com\\u2028x")
    '89 FR 1 Bcc: evil@example.com x'
    """
    return HEADER_BREAKS.sub(" ", text)
