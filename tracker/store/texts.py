"""Paragraph texts stored by content: the content hash, the texts a version brings, and the re-keying of a database
stored under the former hash (migration 7).

The content hash of a paragraph covers its own fields and what its references depend on: the sha256 of the JSON
array ``[kind, marker, heading, text, unit, part]``. It does not cover the references: they are derived
(:func:`tracker.parse.refs.extract_refs` of the text, resolved in its unit and Part), so the store finds them once,
when it stores a text whose hash is new, and reads them back from ``texts.refs`` ever after. The references a
:class:`~tracker.model.Paragraph` handed to :meth:`tracker.store.Store.ingest` carries are ignored: what is stored
depends on the paragraph's own fields only. (The former hash covered ``[kind, marker, heading, text, refs]``.)

>>> p = Paragraph("740.2(a)", "740", "740.2", "740.2", "(a)", "paragraph", "", "(a) See § 740.10(b).", 1)
>>> text_hash(p) == sha256_text('["paragraph", "(a)", "", "(a) See § 740.10(b).", "740.2", "740"]')
True
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from json.encoder import encode_basestring

from tracker.model import Paragraph, sha256_text
from tracker.store.rows import refs_json

#: What a content hash covers: a paragraph's kind, marker, heading, text, unit and Part.
Key = tuple[str, str, str, str, str, str]

#: SQLite's default limit of parameters in one statement is 32766 (999 before 3.32); a chunk stays well below.
_CHUNK = 500


def key_hash(key: Key | Sequence[str]) -> str:
    """The content hash of a paragraph's own fields (:data:`Key`, in that order): of ``json.dumps(list(key),
    ensure_ascii=False)``, written out (each string as JSON writes it), which takes half the time.

    >>> import json
    >>> key = ("item", "a.", "", 'a. "Quoted" “smart” 𝄞' + chr(92) + chr(10) + chr(1), "3A090", "774")
    >>> key_hash(key) == sha256_text(json.dumps(list(key), ensure_ascii=False))
    True
    """
    return sha256_text("[" + ", ".join(map(encode_basestring, key)) + "]")


def text_hash(p: Paragraph) -> str:
    """The content hash under which a paragraph's texts row is stored (the module docs)."""
    return key_hash((p.kind, p.marker, p.heading, p.text, p.unit, p.part))


def hashes(
    paragraphs: Iterable[Paragraph], memo: dict[Key, str], *, keep: bool = True
) -> tuple[list[str], dict[Key, str]]:
    """The content hash of each paragraph, and the memo for the next call (empty unless ``keep``): ``memo`` holds
    the hashes found by the last call (a re-ingest hashes only the paragraphs the last version did not have)."""
    found: dict[Key, str] = {}
    out = []
    for p in paragraphs:
        key = (p.kind, p.marker, p.heading, p.text, p.unit, p.part)
        h = memo.get(key) or key_hash(key)
        if keep:
            found[key] = h
        out.append(h)
    return out, found


def _stored(c: sqlite3.Connection, candidates: list[str]) -> set[str]:
    """Those of ``candidates`` already in ``texts``."""
    known: set[str] = set()
    for i in range(0, len(candidates), _CHUNK):
        chunk = candidates[i:i + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        known.update(h for (h,) in c.execute(f"SELECT hash FROM texts WHERE hash IN ({marks})", chunk))
    return known


def store_texts(c: sqlite3.Connection, paragraphs: Sequence[Paragraph], keys: Sequence[str], known: set[str]) -> int:
    """Insert the texts of ``paragraphs`` (their hashes ``keys``) that ``texts`` lacks, each with its references
    found once; ``known``: hashes the caller knows are stored. Returns how many texts were new."""
    fresh: dict[str, Paragraph] = {}
    for p, h in zip(paragraphs, keys, strict=True):
        if h not in known:
            fresh.setdefault(h, p)
    for h in _stored(c, list(fresh)):
        del fresh[h]
    if not fresh:
        return 0
    from tracker.parse.refs import extract_refs  # the parser (lxml) only for a version with new texts

    c.executemany(  # heading and text bound as UTF-8 (the module's binding of a str keeps a UTF-8 copy in it)
        "INSERT INTO texts (hash, kind, marker, heading, text, refs)"
        " VALUES (?, ?, ?, CAST(? AS TEXT), CAST(? AS TEXT), ?)",
        ((h, p.kind, p.marker, p.heading.encode(), p.text.encode(),
          refs_json(extract_refs(p.text, unit=p.unit, part=p.part)))
         for h, p in fresh.items()),
    )
    return len(fresh)


def rekey(c: sqlite3.Connection) -> None:
    """Migration 7: every texts row that spans use is stored again under the content hash of each (Part, unit) it
    is used in, with the references it had; the spans name the new rows, the old rows go, and the full-text index
    is rebuilt. Texts no span uses stay as they were. When two old rows meet in one new key (references found by
    an older tracker and a newer one), the one stored last is kept."""
    used = c.execute(
        "SELECT DISTINCT t.rowid, t.hash, s.part, s.unit, t.kind, t.marker, t.heading, t.text, t.refs"
        " FROM spans s JOIN texts t ON t.hash = s.hash ORDER BY t.rowid DESC"
    ).fetchall()
    moves = [(old, part, unit, key_hash((kind, marker, heading, text, unit, part)), kind, marker, heading, text, refs)
             for _, old, part, unit, kind, marker, heading, text, refs in used]
    c.executemany("INSERT OR IGNORE INTO texts (hash, kind, marker, heading, text, refs) VALUES (?, ?, ?, ?, ?, ?)",
                  (m[3:] for m in moves))
    c.executemany("UPDATE spans SET hash = ? WHERE hash = ? AND part = ? AND unit = ?",
                  ((new, old, part, unit) for old, part, unit, new, *_ in moves))
    c.executemany("DELETE FROM texts WHERE hash = ?", ((old,) for old in {m[0] for m in moves} - {m[3] for m in moves}))
    c.execute("INSERT INTO texts_fts (texts_fts) VALUES ('rebuild')")
