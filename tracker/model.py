"""The records every layer shares: paragraphs, references and changes.

Data flows one way (sources → snapshots → paragraphs → store → diff → report), and these
dataclasses are the currency between the layers. They are plain, frozen and JSON-friendly.

>>> p = Paragraph(citation="740.10(a)(1)", part="740", unit="740.10", parent="740.10(a)",
...               marker="(1)", kind="paragraph", heading="Scope.", text="(1) *Scope.* The provisions…",
...               order=3)
>>> p.body
'*Scope.* The provisions…'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any, Literal, TypeVar, get_args

if TYPE_CHECKING:
    from _hashlib import HASH

#: Kinds of paragraph record, from the largest unit down.
ParagraphKind = Literal[
    "part",  # the Part itself (its heading)
    "subpart",  # a subpart heading
    "authority",  # the Part's authority or source note
    "section",  # a section heading (740.10)
    "appendix",  # a supplement heading (Supplement No. 1 to Part 740)
    "paragraph",  # a designated paragraph ((a), (1), (i), (A), italic (1), italic (i))
    "text",  # undesignated text (intro, flush text, continuation)
    "note",  # a NOTE / Technical Note / N.B. block
    "ednote",  # an eCFR editorial note: not regulatory text
    "extract",  # quoted or example text
    "table",  # a table's caption or header
    "row",  # one table row (e.g. one country in Country Groups)
    "heading",  # a heading inside a section or supplement (HD1/HD2)
    "source",  # the CITA source note of a section
    "eccn",  # an ECCN heading (3A090)
    "block",  # an ECCN block (License Requirements, Related Controls, …)
    "item",  # an ECCN item (3A090.a, 3A001.z.1.a)
]
PARAGRAPH_KINDS: tuple[ParagraphKind, ...] = get_args(ParagraphKind)

#: Kinds that are navigation or editorial matter rather than regulatory text.
NON_REGULATORY_KINDS: frozenset[ParagraphKind] = frozenset({"ednote"})

#: Kinds of cross-reference.
ReferenceKind = Literal["section", "eccn", "country-group", "supplement", "part", "external"]


def sha256_text(text: str) -> str:
    """Hex sha256 of a paragraph's text (UTF-8).

    >>> sha256_text("")[:12]
    'e3b0c44298fc'
    """
    return (_sha256 or _hash())(text.encode("utf-8")).hexdigest()


#: hashlib's sha256, imported on the first hash (an idle ``tracker run`` hashes nothing: hashlib and its OpenSSL
#: set-up are ~4% of its start-up).
_sha256: Callable[[bytes], HASH] | None = None


def _hash() -> Callable[[bytes], HASH]:
    global _sha256
    from hashlib import sha256

    _sha256 = sha256
    return sha256


@dataclass(frozen=True, slots=True)
class Reference:
    """A cross-reference found in a paragraph's text.

    ``target`` is the normalised citation it points at (``740.10(a)(2)(iv)``, ``3B001.j``,
    ``Country Group E:1``, ``Supplement No. 1 to Part 740``, ``Part 744``); ``kind`` is one of
    ``section``, ``eccn``, ``country-group``, ``supplement``, ``part``, ``external``;
    ``text`` is the words as written (the whole list or range for each target it names).
    ``through`` is set when the reference opens a range ("paragraphs (b)(1) through (8)": ``740.19(b)(1)``
    through ``740.19(b)(8)``); the range's end is also a reference of its own. Which citations lie between
    depends on what exists: :func:`tracker.parse.refs.expand` reads a range against a set of keys.
    """

    target: str
    kind: ReferenceKind
    text: str
    through: str | None = None

    def to_dict(self) -> dict[str, str]:
        """``target``, ``kind``, ``text``, and ``through`` only when the reference opens a range."""
        d = {"target": self.target, "kind": self.kind, "text": self.text}
        return d if self.through is None else {**d, "through": self.through}


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One keyed paragraph of a snapshot.

    ``citation`` is unique within a snapshot; ``parent`` is the citation of the enclosing record
    (``None`` for the Part). ``unit`` is the section (``740.10``), supplement
    (``Supplement No. 1 to Part 740``) or ECCN (``3A090``) the paragraph belongs to. ``text`` is
    whitespace-normalised with light markup (``*italic*``, ``**bold**``, ``^sup^``) and begins with
    the paragraph's own marker, so the records of a section read back as its body.
    """

    citation: str
    part: str
    unit: str
    parent: str | None
    marker: str
    kind: ParagraphKind
    heading: str
    text: str
    order: int
    refs: tuple[Reference, ...] = field(default=())

    @property
    def sha256(self) -> str:
        return sha256_text(self.text)

    @property
    def body(self) -> str:
        """The text without its leading marker (what a redesignation keeps unchanged)."""
        if self.marker and self.text.startswith(self.marker):
            return self.text[len(self.marker) :].lstrip()
        return self.text

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["sha256"] = self.sha256
        d["refs"] = [r.to_dict() for r in self.refs]
        return d


#: Kinds of change the differ reports, in the order reports list them.
ChangeKind = Literal[
    "added",
    "removed",
    "modified",
    "reserved",
    "redesignated",
    "restructured",
    "restored",
    "reference-only",
    "editorial",
    "heading",
]
CHANGE_KINDS: tuple[ChangeKind, ...] = get_args(ChangeKind)


@dataclass(frozen=True, slots=True)
class Rule:
    """A Federal Register document behind a change (e.g. 89 FR 23876, document 2024-07004)."""

    document_number: str
    citation: str
    title: str
    action: str = ""
    publication_date: str = ""
    effective_on: str | None = None
    html_url: str = ""

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Rule:
        """The rule of a Federal Register API record or a stored rule's columns (absent text fields empty)."""
        return cls(
            document_number=str(record["document_number"]),
            citation=str(record.get("citation") or ""),
            title=str(record.get("title") or ""),
            action=str(record.get("action") or ""),
            publication_date=str(record.get("publication_date") or ""),
            effective_on=record.get("effective_on"),
            html_url=str(record.get("html_url") or ""),
        )


@dataclass(frozen=True, slots=True)
class Change:
    """One classified change between two versions, keyed by citation.

    ``citation`` is the key in the new version (the old key for ``removed``); ``old_citation``
    differs from it only for ``redesignated``. ``redline`` is a sequence of
    ``(op, text)`` runs with op in ``equal``/``insert``/``delete``; ``reference_pairs`` holds
    ``(old target, new target)`` for ``reference-only`` changes, and for a ``redesignated`` paragraph
    whose references were updated with it (its other words unchanged). ``parts`` holds, for
    ``restructured`` only, the new sub-paragraphs a paragraph was split into, each an ``added``
    change (``old_text`` is the paragraph before the split, ``new_text`` its own new words).
    ``rules`` names the Federal Register documents behind the change (empty: source not identified).
    """

    kind: ChangeKind
    citation: str
    part: str
    unit: str
    order: int
    old_citation: str | None = None
    old_text: str | None = None
    new_text: str | None = None
    old_heading: str | None = None
    new_heading: str | None = None
    redline: Sequence[tuple[str, str]] = ()
    reference_pairs: tuple[tuple[str, str], ...] = ()
    rules: tuple[Rule, ...] = ()
    parts: tuple[Change, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields; ``parts`` appears only when there are some (``restructured``). (Read field by field:
        every field holds strings, numbers or tuples of them, which ``dataclasses.asdict`` would copy in vain.)"""
        d = _fields(self)
        d["redline"] = [list(r) for r in self.redline]
        d["reference_pairs"] = [list(r) for r in self.reference_pairs]
        d["rules"] = [_fields(r) for r in self.rules]
        d.pop("parts")
        if self.parts:
            d["parts"] = [c.to_dict() for c in self.parts]
        return d


def _fields(record: Change | Rule) -> dict[str, Any]:
    """The fields of a slotted record by name, in order (as ``dataclasses.asdict`` gives them, uncopied)."""
    return {name: getattr(record, name) for name in record.__slots__}


_Record = TypeVar("_Record")


def _builder(cls: type[_Record]) -> Callable[..., _Record]:
    """A function of every field of the frozen, slotted dataclass ``cls``, positional, that builds the record as an
    object of a plain class with the same slots and then sets its class to ``cls``: the dataclass's own ``__init__``
    sets each field through ``object.__setattr__`` (a ``Paragraph``: 2.4 µs against 0.5 µs so, a ``Change`` 3.1 µs
    against 0.6 µs). Its code is written out as :mod:`dataclasses` writes an ``__init__``.

    >>> make = _builder(Reference)
    >>> r = make("740.2", "section", "§ 740.2", None)
    >>> type(r) is Reference, r == Reference("740.2", "section", "§ 740.2")
    (True, True)
    """
    names: tuple[str, ...] = cls.__slots__  # type: ignore[attr-defined]
    assert tuple(f.name for f in fields(cls)) == names and not hasattr(cls, "__post_init__")  # type: ignore[arg-type]
    settable = type(f"Settable{cls.__name__}", (), {"__slots__": names})
    sets = "".join(f"    o.{name} = {name}\n" for name in names)
    scope: dict[str, Any] = {"new": object.__new__, "settable": settable, "cls": cls}
    exec(f"def make({', '.join(names)}):\n    o = new(settable)\n{sets}    o.__class__ = cls\n    return o\n", scope)
    made: Callable[..., _Record] = scope["make"]
    return made


#: ``Paragraph(...)`` and ``Change(...)`` with every field given, in order (built as :func:`_builder` says).
new_paragraph = _builder(Paragraph)
new_change = _builder(Change)


@dataclass(frozen=True, slots=True)
class Delta:
    """Two versions of one Part as far as they differ (:meth:`tracker.store.Store.delta`).

    ``old`` and ``new`` hold the paragraphs of each version whose citation is absent from the
    other version or whose content (kind, marker, heading, text, refs) differs there, each in its
    document order; a paragraph that only moved (a neighbour inserted or removed) is in neither.
    ``old_order`` and ``new_order`` are all citations of each version, in document order.
    """

    old: list[Paragraph]
    new: list[Paragraph]
    old_order: list[str]
    new_order: list[str]
