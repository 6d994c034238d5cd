"""tracker.record behaves as the dataclass it stands in for (the one type checkers see): the same class written
both ways answers every question alike."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from tracker.config import Config
from tracker.record import field, record
from tracker.run import RunOutcome


def _both(frozen: bool) -> tuple[type, type]:
    def body() -> dict[str, object]:
        return {"__annotations__": {"a": "int", "b": "str", "c": "list[int]"}, "b": "x",
                "c": (field if cls is rec else dataclasses.field)(default_factory=list)}

    made = []
    for cls in (rec := record(frozen=frozen), dataclasses.dataclass(frozen=frozen)):
        made.append(cls(type("Thing", (), body())))
    return made[0], made[1]


@pytest.mark.parametrize("frozen", [False, True])
def test_a_record_is_built_compared_and_shown_as_its_dataclass(frozen):
    mine, theirs = _both(frozen)
    for args, kwargs in [((1,), {}), ((1, "y"), {}), ((), {"a": 2, "c": [3]}), ((1,), {"b": "z"})]:
        r, d = mine(*args, **kwargs), theirs(*args, **kwargs)
        assert repr(r) == repr(d) and dataclasses.astuple(r) == dataclasses.astuple(d)
        assert dataclasses.asdict(r) == dataclasses.asdict(d)
        assert r == mine(*args, **kwargs) and r != mine(9) and r != d  # another class is never equal
    if frozen:  # the hash of the fields, as a frozen dataclass's (a list among them: unhashable in both)
        assert hash(mine(1, c=(2,))) == hash(mine(1, c=(2,))) == hash(theirs(1, c=(2,)))
        for cls in (mine, theirs):
            with pytest.raises(TypeError):
                hash(cls(1))
    assert mine(1).c is not mine(1).c  # a factory makes a new default each time
    assert (mine.__hash__ is None) is (theirs.__hash__ is None)
    assert [f.name for f in dataclasses.fields(mine)] == [f.name for f in dataclasses.fields(theirs)]
    assert dataclasses.is_dataclass(mine) and dataclasses.replace(mine(1), b="q") == mine(1, "q")
    for bad_args, bad_kwargs in [((), {}), ((1, "x", [], 4), {}), ((1,), {"a": 2}), ((1,), {"d": 0})]:
        for cls in (mine, theirs):
            with pytest.raises(TypeError):
                cls(*bad_args, **bad_kwargs)


def test_a_frozen_record_refuses_changes_as_a_frozen_dataclass():
    mine, _ = _both(frozen=True)
    thing = mine(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        thing.a = 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        del thing.a
    assert copy.deepcopy(thing) == thing


def test_the_records_of_the_run_keep_their_dataclass_api(tmp_path):
    config = Config(database=tmp_path / "t.db")
    assert dataclasses.replace(config, parts=("740",)).parts == ("740",)
    assert dataclasses.replace(config, parts=("740",)).database == tmp_path / "t.db"
    assert pickle.loads(pickle.dumps(config)) == config and copy.deepcopy(config) == config
    assert Config.ecfr_url == "https://www.ecfr.gov"  # a default is a class attribute, as a dataclass's
    assert RunOutcome().reports is not RunOutcome().reports and RunOutcome().exit_code == 0
