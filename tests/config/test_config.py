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


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("user_agent = 1", "user_agent: expected a string"),
        ("ecfr_url = 1", "ecfr_url: expected a string"),
        ('federal_register_url = "www.federalregister.gov"', "federal_register_url: 'www.federalregister.gov' is not"
         " an http(s) URL"),
        ('database = ""', "database: expected a path"),
        ("reports_dir = 3", "reports_dir: expected a path"),
        ("timeout = -1.5", "timeout: expected a positive number"),
        ("stale_lock_hours = true", "stale_lock_hours: expected a positive number"),
        ('rate_limit = "2"', "rate_limit: expected a positive number"),
        ("backoff_factor = -1", "backoff_factor: expected a number ≥ 0"),
        ("retries = 1.5", "retries: expected a whole number ≥ 0"),
        ("retries = -1", "retries: expected a whole number ≥ 0"),
        ("parts = []", "parts: expected a list of CFR part numbers such as [740, 774]"),
        ("mail = 1", "[mail] must be a table"),
        ('[mail]\nAPI_KEY = "x"', "[mail] api_key is a secret: set it in the environment, not the file"),
    ],
)
def test_each_kind_of_setting_is_checked_with_its_own_one_line_message(line, message):
    with pytest.raises(ConfigError) as err:
        load_config_text(line, "tracker.toml", env={})
    assert str(err.value) == f"tracker.toml: {message}"


def test_good_values_of_each_kind_are_converted(tmp_path):
    text = (
        'ecfr_url = "http://127.0.0.1:8/"\nparts = "774,740,774"\nretries = 0\nbackoff_factor = 0\ntimeout = 2\n'
        'reports_dir = "/srv/reports"\nuser_agent = "me"\n[mail]\nhost = "smtp.example"\n'
    )
    cfg = load_config_text(text, "tracker.toml", base=tmp_path, env={"TRACKER_DB": "/tmp/t.db"})
    assert (cfg.ecfr_url, cfg.parts, cfg.retries, cfg.backoff_factor, cfg.timeout) == (
        "http://127.0.0.1:8", ("774", "740"), 0, 0.0, 2.0
    )
    assert isinstance(cfg.timeout, float) and isinstance(cfg.retries, int)
    assert (cfg.reports_dir, cfg.database, cfg.user_agent, cfg.mail) == (
        Path("/srv/reports"), Path("/tmp/t.db"), "me", {"host": "smtp.example"}
    )
