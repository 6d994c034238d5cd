"""``tracker fetch`` and ``tracker rules`` end to end through the command line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tests.fetch.conftest import FR_XML, PART_740_FULL, PART_774_NEW, PART_774_OLD
from tracker.cli import main
from tracker.store import Store


@pytest.fixture
def toml(server, tmp_path, sources):
    sources.add_version("740", "2026-09-01", PART_740_FULL.read_bytes())
    sources.add_version("774", "2026-06-25", PART_774_OLD.read_bytes())
    sources.add_version("774", "2026-09-01", PART_774_NEW.read_bytes())
    sources.add_rule("774", sources.rule("2024-07004", effective_on="2026-09-01"), FR_XML.read_bytes())
    base = server.url_for("/").rstrip("/")
    path = tmp_path / "tracker.toml"
    path.write_text(
        f'ecfr_url = "{base}"\nfederal_register_url = "{base}"\nparts = [740, 774]\n'
        'contact = "mailto:compliance@example.org"\nrate_limit = 1000\nfull_text_rate_limit = 1000\n'
        "retries = 1\nbackoff_factor = 0.001\ntimeout = 2\n"
        'database = "tracker.db"\nsnapshots_dir = "snapshots"\n'  # beside this file, never the project's
    )
    return path


def run(toml, *args):
    return CliRunner().invoke(main, ["--config", str(toml), *args])


def test_fetch_since_backfills_and_rules_lists_what_was_stored(toml, tmp_path, sources):
    result = run(toml, "fetch", "--since", "2026-01-01")
    assert result.exit_code == 0, result.output
    assert "new versions: 740@2026-09-01, 774@2026-06-25, 774@2026-09-01; new rules: 1" in result.stdout
    assert "[3/3] part 774 2026-09-01" in result.stderr
    assert Store(tmp_path / "tracker.db").dates("774") == ["2026-06-25", "2026-09-01"]
    listed = run(toml, "rules", "--part", "774")
    assert listed.exit_code == 0 and "89 FR 23876  2024-07004  effective 2026-09-01  parts 774" in listed.stdout
    again = run(toml, "fetch")
    assert again.exit_code == 0 and "new versions: none" in again.stdout and "1 requests" in again.stdout


def test_fetch_of_one_part_leaves_the_others_alone(toml, tmp_path):
    assert run(toml, "fetch", "--part", "774").exit_code == 0
    assert Store(tmp_path / "tracker.db").parts() == ["774"]


def test_a_failed_download_is_one_line_and_exit_code_1(toml, sources):
    sources.xml["774"]["2026-09-01"] = b"<html><body>Service unavailable</body></html>"
    result = run(toml, "fetch")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith("Error: GET http://127.0.0.1")
    assert "expected XML" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [["fetch", "--since", "2024-13-45"], ["fetch", "--part", "../740"]])
def test_bad_input_is_exit_code_2(toml, args):
    result = run(toml, *args)
    assert result.exit_code == 2 and "Error:" in result.stderr


def test_rules_with_an_empty_store_says_so(toml, tmp_path):
    missing = run(toml, "rules")  # a read-only command: no database is an error, not a new empty file
    assert missing.exit_code == 2 and "no database at" in missing.stderr and not (tmp_path / "tracker.db").exists()
    Store(tmp_path / "tracker.db").close()
    result = run(toml, "rules")
    assert result.exit_code == 0 and "no rules stored" in result.stderr
