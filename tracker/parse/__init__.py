"""Parsing eCFR XML into keyed paragraph records.

>>> from tracker.parse import parse_file  # doctest: +SKIP
>>> paragraphs = parse_file("snapshots/ecfr/title-15/part-740/2024-04-04.xml")  # doctest: +SKIP
"""

from tracker.parse.ecfr import parse_bytes, parse_file, parse_tree
from tracker.xmltext import ParseError

__all__ = ["ParseError", "parse_bytes", "parse_file", "parse_tree"]
