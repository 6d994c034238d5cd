"""Parsing eCFR XML into keyed paragraph records.

>>> from tracker.parse import parse_file  # doctest: +SKIP
>>> paragraphs = parse_file("snapshots/ecfr/title-15/part-740/2024-04-04.xml")  # doctest: +SKIP

A :class:`SectionCache` passed as ``cache=`` parses a new version of a document again only where its sections,
supplements and CCL entries changed (the records are exactly those of a parse without it):

>>> cache = SectionCache()  # doctest: +SKIP
>>> old = parse_file("snapshots/ecfr/title-15/part-740/2024-04-04.xml", cache=cache)  # doctest: +SKIP
>>> new = parse_file("snapshots/ecfr/title-15/part-740/2024-05-01.xml", cache=cache)  # doctest: +SKIP
"""

from tracker.parse.cache import SectionCache
from tracker.parse.ecfr import parse_bytes, parse_file, parse_tree
from tracker.xmltext import ParseError

__all__ = ["ParseError", "SectionCache", "parse_bytes", "parse_file", "parse_tree"]
