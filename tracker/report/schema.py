"""The JSON documents tracker prints and writes: each names its schema first, ``"schema": "tracker.NAME/1"``.

Within a version keys are stable and new keys may be added; a key removed or changing meaning makes a new
version. docs/json.md documents every schema with an example printed from the real 3A pair.

A change has one shape everywhere (``tracker diff --format json``, ``history``, the report): the fields of
:meth:`tracker.model.Change.to_dict`; the report adds its links (:func:`change_dict`).

>>> document("rules", {"rules": []})
{'schema': 'tracker.rules/1', 'rules': []}
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from tracker.model import Change

VERSION = 1


def schema_name(name: str) -> str:
    """``tracker.NAME/1``: the schema of the document ``name`` (``report``, ``search``, …)."""
    return f"tracker.{name}/{VERSION}"


def document(name: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """``fields`` as the JSON document ``name``: its schema first."""
    return {"schema": schema_name(name), **fields}


def dumps(name: str, fields: Mapping[str, Any]) -> str:
    """The document ``name`` as indented JSON text (non-ASCII kept as it is)."""
    return json.dumps(document(name, fields), ensure_ascii=False, indent=2)


def change_dict(change: Change, **links: str | None) -> dict[str, Any]:
    """A change in its one JSON shape, with ``links`` (the report's ``ecfr_url`` and ``history``) after it."""
    return {**change.to_dict(), **links}
