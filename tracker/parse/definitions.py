"""Definitions sections (§ 772.1): each definition opens with its defined term in quotes."""

from __future__ import annotations

import re

from tracker.xmltext import plain

_DEFINITION = re.compile(r"^[\"“]([^\"”]{1,120})[\"”]")


def defined_term(text: str) -> str | None:
    """The term a paragraph defines (``"Technology" means …`` → ``Technology``), else None."""
    m = _DEFINITION.match(plain(text))
    return m.group(1).strip(" ,.") if m else None


def definition_key(unit: str, term: str) -> str:
    """The key of a definition: ``772.1 “Technology”``."""
    return f"{unit} “{term}”"
