"""References the regulation itself marks as historical or as another agency's: found from its own words.

The EAR keeps pointers to entries that are gone on purpose: "items … that, immediately prior to March 9,
2020, were classified under 0A018.b"; § 774.1(b)(2) lists the "ECCNs formerly listed on the CCL" now under
the Nuclear Regulatory Commission; "“technology” for items described in ECCN 1C012 are subject to the export
licensing authority of the Department of Energy". Such a reference names nothing in today's text and is no
drafting error. Two kinds of wording mark it:

- a *backward* cue ("were classified under", "formerly listed", "historical reference") marks what follows it,
  up to the end of its clause (a semicolon, an opening parenthesis or the end of the sentence);
- an *agency* cue ("subject to the export licensing authority of", "exclusive jurisdiction of", "subject to
  the ITAR") marks its whole sentence.

>>> text = "$3,000 for items in 0A505.x that, immediately prior to March 9, 2020, were classified under 0A018.b. (i.e."
>>> [text[a:b] for a, b, _ in historical_spans(text)]
[' 0A018.b']
>>> marked(text, "0A505.x"), marked(text, "0A018.b")
(None, 'were classified under')
"""

from __future__ import annotations

import re

from tracker.xmltext import plain

_BACKWARD = re.compile(
    r"\b(?:(?:were|was|had\s+been)\s+(?:classified|controlled|listed)\s+(?:under|in)"
    r"|formerly\s+(?:listed|classified|controlled)|historical\s+reference)\b",
    re.I,
)
_AGENCY = re.compile(
    r"\bsubject\s+to\s+the\s+(?:export\s+licensing\s+authority|export\s+control\s+regulations|jurisdiction)\s+of"
    r"|\bexclusive\s+jurisdiction\s+of|\bsubject\s+to\s+the\s+ITAR\b",
    re.I,
)
#: A sentence ends at ". " before a capital letter or a paragraph marker such as "(4)".
_SENTENCE_END = re.compile(r"[.;][”\"]?\s+(?=[A-Z“\"*]|\(\w{1,4}\)\s)|$")
#: A backward cue's clause ends at a semicolon or an opening parenthesis too.
_CLAUSE_END = re.compile(r";|\s\(|[.]\s+(?=[A-Z“\"*(])|$")


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if m.end() > start:
            spans.append((start, m.end()))
        start = m.end()
    return spans


def historical_spans(text: str, *, agency: bool = True) -> list[tuple[int, int, str]]:
    """``(start, end, cue)`` of every stretch of ``text`` (plain) that names things as historical or (with
    ``agency``) another agency's."""
    out = []
    for m in _BACKWARD.finditer(text):
        end = _CLAUSE_END.search(text, m.end())
        out.append((m.end(), end.start() if end else len(text), m.group(0)))
    for a, b in _sentences(text) if agency else ():
        cue = _AGENCY.search(text, a, b)
        if cue:
            out.append((a, b, cue.group(0)))
    return out


def marked(text: str, written: str, *, agency: bool = True) -> str | None:
    """The cue that marks ``written`` (a reference as written in ``text``) historical (or, with ``agency``,
    another agency's), None if nothing does."""
    s = plain(text)
    spans = historical_spans(s, agency=agency) if _BACKWARD.search(s) or (agency and _AGENCY.search(s)) else []
    for a, b, cue in spans:
        if s.find(written, a, b) >= 0:
            return " ".join(cue.split())
    return None
