"""Outputs on the real CCL pairs, byte for byte: ``tracker diff``/``history --format json`` and the reports of
``tracker run --no-fetch``, compared with files recorded in tests/goldens/.

A refactor must leave them identical. A change that means to alter an output re-records them with
``TRACKER_RECORD_GOLDENS=1 pytest tests/test_goldens.py`` and the diff of tests/goldens/ is reviewed in the commit.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.support import ECFR_API, require
from tracker.cli import main

GOLDENS = Path(__file__).with_name("goldens")
OLD, NEW = "2026-06-25", "2026-09-01"
PAIRS = {
    "3A001-3A090-4A090": ("3A001", "3A090", "4A090"),
    "9A010-to-9A018": ("9A012",),
}


def _cli(folder: Path, *args: str) -> str:
    env = {"TRACKER_DB": str(folder / "tracker.db"), "TRACKER_CONFIG": None}
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _outputs(folder: Path, span: str) -> dict[str, str]:
    """Every output of the pair ``span``, by golden file name; paths of the temporary folder left out."""
    for date in (OLD, NEW):
        _cli(folder, "ingest", str(require(ECFR_API / f"excerpt-{date}-title-15-part-774-{span}.xml")),
             "--part", "774", "--date", date)
    out = {f"{span}.diff.json": _cli(folder, "diff", OLD, NEW, "--format", "json")}
    out[f"{span}.diff.txt"] = _cli(folder, "diff", OLD, NEW)
    for eccn in PAIRS[span]:
        out[f"{span}.history-{eccn}.json"] = _cli(folder, "history", eccn, "--format", "json")
    cwd = Path.cwd()
    os.chdir(folder)  # reports/ goes into the folder (the default reports_dir is relative)
    try:
        _cli(folder, "run", "--no-fetch", "--quiet")
    finally:
        os.chdir(cwd)
    for suffix in ("html", "txt", "json"):
        out[f"{span}.report.{suffix}"] = (folder / "reports" / f"{NEW}.{suffix}").read_text(encoding="utf-8")
    return {name: text.replace(str(folder), "<tmp>") for name, text in out.items()}


@pytest.mark.parametrize("span", sorted(PAIRS))
def test_outputs_on_the_real_pairs_are_byte_identical_to_the_recorded_ones(tmp_path, span):
    outputs = _outputs(tmp_path, span)
    if os.environ.get("TRACKER_RECORD_GOLDENS"):
        GOLDENS.mkdir(exist_ok=True)
        for name, text in outputs.items():
            (GOLDENS / name).write_text(text, encoding="utf-8")
    for name, text in outputs.items():
        assert text == (GOLDENS / name).read_text(encoding="utf-8"), f"{name} differs from tests/goldens/{name}"
