import tomllib
from pathlib import Path

import pytest

from geomap.config import Settings, config_id
from geomap.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path, text):
    p = tmp_path / "config.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_precedence_flags_over_env_over_file_over_defaults(tmp_path, monkeypatch):
    cfg = write(tmp_path, "[temporal]\nwindow_days = 5\n[geoparse]\nfuzzy_threshold = 90\n")
    assert Settings.load(None).temporal.window_days == 30
    assert Settings.load(cfg).temporal.window_days == 5
    monkeypatch.setenv("GEOMAP_TEMPORAL__WINDOW_DAYS", "7")
    s = Settings.load(cfg)
    assert s.temporal.window_days == 7 and s.geoparse.fuzzy_threshold == 90
    assert Settings.load(cfg, temporal={"window_days": 3}).temporal.window_days == 3


def test_unknown_key_is_an_error_naming_key_and_line(tmp_path):
    cfg = write(tmp_path, "[temporal]\nwindow_days = 5\n\n[geoparse]\nfuzzy_treshold = 90\n")
    with pytest.raises(ConfigError) as err:
        Settings.load(cfg)
    assert "geoparse.fuzzy_treshold" in str(err.value) and "line 5" in str(err.value)
    assert err.value.path == str(cfg)


def test_unknown_section_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="unknown key 'rendering'"):
        Settings.load(write(tmp_path, "[rendering]\ntitle = 'x'\n"))


def test_bad_value_names_the_key(tmp_path):
    with pytest.raises(ConfigError, match=r"temporal\.window_days.*line 2"):
        Settings.load(write(tmp_path, "[temporal]\nwindow_days = 'soon'\n"))


def test_malformed_toml_names_the_file(tmp_path):
    cfg = write(tmp_path, "[temporal\nwindow_days = 5\n")
    with pytest.raises(ConfigError, match="malformed TOML") as err:
        Settings.load(cfg)
    assert str(cfg) in str(err.value)


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        Settings.load(tmp_path / "nope.toml")


def test_bad_environment_value_is_a_config_error(monkeypatch):
    monkeypatch.setenv("GEOMAP_TEMPORAL__WINDOW_DAYS", "-3")
    with pytest.raises(ConfigError, match="window_days"):
        Settings.load(None)


def test_config_id_changes_with_settings():
    assert config_id(Settings.load(None)) == config_id(Settings.load(None))
    assert config_id(Settings.load(None)) != config_id(Settings.load(None, temporal={"window_days": 3}))


def _leaves(data, prefix=""):
    for key, value in data.items():
        if isinstance(value, dict) and key != "dates":
            yield from _leaves(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def test_repository_config_mirrors_settings_defaults():
    """config.toml lists every setting with its default, so users see what they can change."""
    shipped = tomllib.loads((ROOT / "config.toml").read_text(encoding="utf-8"))
    defaults = Settings.load(None).model_dump(mode="json")
    shipped_keys = dict(_leaves(shipped))
    default_keys = {k: v for k, v in _leaves(defaults) if v is not None}  # no default: shown commented out
    assert set(shipped_keys) == set(default_keys)
    for key, value in shipped_keys.items():
        if isinstance(default_keys[key], str) and ("/" in default_keys[key]):
            continue  # paths: relative in the file, absolute once resolved
        assert value == default_keys[key] or list(value) == default_keys[key], key
