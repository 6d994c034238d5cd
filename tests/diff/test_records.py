"""The fast builders of tracker.model (new_paragraph, new_change) make the very records the dataclasses' own
constructors make: equal, hashed alike, frozen, and of the class itself."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.model import Change, Paragraph, Reference, new_change, new_paragraph

_TEXT = st.text(max_size=12)
_REFS = st.lists(st.builds(Reference, _TEXT, st.just("section"), _TEXT, st.none() | _TEXT), max_size=2).map(tuple)
_PARAGRAPH = st.tuples(_TEXT, _TEXT, _TEXT, st.none() | _TEXT, _TEXT, st.sampled_from(("paragraph", "text")), _TEXT,
                       _TEXT, st.integers(0, 5000), _REFS)
_CHANGE = st.tuples(st.sampled_from(("added", "modified")), _TEXT, _TEXT, _TEXT, st.integers(0, 5000),
                    st.none() | _TEXT, st.none() | _TEXT, st.none() | _TEXT, st.none() | _TEXT, st.none() | _TEXT,
                    st.just((("equal", "a"),)), st.just((("1.1", "1.2"),)), st.just(()), st.just(()))


@pytest.mark.parametrize(("cls", "make", "fields"), [(Paragraph, new_paragraph, _PARAGRAPH),
                                                     (Change, new_change, _CHANGE)])
@given(data=st.data())
def test_a_record_built_fast_is_the_record_its_constructor_builds(cls, make, fields, data):
    values = data.draw(fields)
    fast, plain = make(*values), cls(*values)
    assert type(fast) is cls and fast == plain and hash(fast) == hash(plain) and repr(fast) == repr(plain)
    assert dataclasses.astuple(fast) == dataclasses.astuple(plain)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.order = 1
