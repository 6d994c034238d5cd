"""A parse runs with the garbage collector paused and leaves it as it found it: on a real file, on bad input, and
when the caller paused it already (``collector_on``: tests/conftest.py)."""

from __future__ import annotations

import gc

import pytest

from tests.support import PART_740
from tracker.parse import ParseError, SectionCache, parse_bytes


@pytest.mark.usefixtures("collector_on")
def test_a_parse_of_a_real_file_pauses_the_collector_and_leaves_it_on() -> None:
    seen: list[bool] = []
    parse_bytes(PART_740.read_bytes(), cache=SectionCache(), refs=False, check=lambda root: seen.append(gc.isenabled()))
    assert seen == [False] and gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_bad_input_raises_and_leaves_the_collector_on() -> None:
    with pytest.raises(ParseError):
        parse_bytes(b"<DIV5 N='1'><P>unclosed</DIV5>")
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_a_collector_paused_by_the_caller_stays_paused() -> None:
    gc.disable()
    parse_bytes(b'<DIV5 N="1"><DIV8 N="1.1"><HEAD>1.1 A.</HEAD><P>(a) One.</P></DIV8></DIV5>')
    assert not gc.isenabled()
