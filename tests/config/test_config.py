"""``tracker.toml`` and the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.config import Config, ConfigError, load_config, load_config_text


def test_defaults_point_at_the_real_services():
    cfg = load_config_text("", "tracker.toml", env={})
    assert cfg.ecfr_url == "https://www.ecfr.gov" and cfg.federal_register_url == "https://www.federalregister.gov"
    assert cfg.parts == ("734", "740", "742", "744", "772", "774") and cfg.snapshots_dir == Path("snapshots")


def test_environment_overrides_the_urls_so_tests_and_mirrors_can_point_elsewhere():
    env = {"TRACKER_ECFR_URL": "http://127.0.0.1:9/", "TRACKER_FEDERAL_REGISTER_URL": "http://mirror.example"}
    cfg = load_config_text('ecfr_url = "https://www.ecfr.gov"', "tracker.toml", env=env)
    assert cfg.ecfr_url == "http://127.0.0.1:9" and cfg.federal_register_url == "http://mirror.example"


def test_relative_paths_are_taken_from_the_files_folder(tmp_path):
    (tmp_path / "tracker.toml").write_text('snapshots_dir = "snaps"\ndatabase = "data/t.db"\n')
    cfg = load_config(tmp_path / "tracker.toml")
    assert cfg.snapshots_dir == tmp_path / "snaps" and cfg.database == tmp_path / "data" / "t.db"


def test_a_contact_goes_into_the_user_agent():
    cfg = load_config_text('contact = "mailto:export@example.com"', "tracker.toml", env={})
    assert cfg.user_agent.endswith("(+mailto:export@example.com)")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('parts = [740, "7x4"]', "'7x4' is not a CFR part number"),
        ("rate_limit = 0", "rate_limit: expected a positive number"),
        ('ecfr_url = "ftp://x"', "is not an http(s) URL"),
        ("colour = 1", "unknown key 'colour'"),
        ('[mail]\npassword = "hunter2"', "password is a secret: set it in the environment"),
        ("parts = [", "not valid TOML"),
    ],
)
def test_bad_settings_are_one_line_errors_naming_the_file(text, message):
    with pytest.raises(ConfigError, match="^tracker.toml: ") as err:
        load_config_text(text, "tracker.toml", env={})
    assert message in str(err.value) and "\n" not in str(err.value)


def test_config_is_immutable():
    with pytest.raises(AttributeError):
        Config().parts = ("740",)  # type: ignore[misc]


def test_the_deadline_defaults_to_ten_minutes_and_must_be_positive():
    assert load_config_text("", "tracker.toml", env={}).deadline == 600.0
    assert load_config_text("deadline = 30", "tracker.toml", env={}).deadline == 30.0
    with pytest.raises(ConfigError, match="^tracker.toml: deadline: expected a positive number$"):
        load_config_text("deadline = 0", "tracker.toml", env={})
