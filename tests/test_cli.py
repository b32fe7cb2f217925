"""The command line: help for every command, one-line errors, exit codes, nothing half-written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from geomap.cli import app

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
MINI = ROOT / "tests" / "fixtures" / "gazetteer"


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def mini_env(monkeypatch, tmp_path):
    # The mini gazetteer keeps CLI tests fast; the seeds' end-to-end test uses the real one.
    monkeypatch.setenv("GEOMAP_GAZETTEER__PATH", str(MINI))
    monkeypatch.setenv("GEOMAP_GAZETTEER__WORLD", "false")
    monkeypatch.setenv("GEOMAP_RENDER__HTML", "false")
    monkeypatch.setenv("GEOMAP_RENDER__PNG", "false")
    monkeypatch.setenv("GEOMAP_RENDER__REPORT", "false")
    monkeypatch.setenv("GEOMAP_RENDER__GPKG", "false")
    monkeypatch.chdir(tmp_path)
    return tmp_path


COMMANDS = [["run"], ["gazetteer", "build"], ["gazetteer", "lookup"], ["config", "show"], ["extract"]]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(runner, command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output and len(result.output.splitlines()) > 5


def test_readme_names_every_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        assert "geomap " + " ".join(command) in readme, command


def test_run_writes_outputs(runner, mini_env):
    out = mini_env / "out"
    result = runner.invoke(app, ["run", str(SEEDS), "--out", str(out), "--quiet", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    features = json.loads((out / "events.geojson").read_text(encoding="utf-8"))["features"]
    assert {f["properties"]["place"] for f in features} >= {"Almaty", "Zhanaozen"}


def _one_line_error(result, *fragments):
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert lines[0].startswith("geomap: ")
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def _file(folder, name, data):
    path = folder / name
    if data is not None:
        path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "name, data, fragment",
    [
        ("missing.txt", None, "no such file"),
        ("empty.txt", b"", "empty"),
        ("bin.txt", b"\x00\x01\x02PNG\x00" * 50, "binary"),
    ],
    ids=["missing", "empty", "binary"],
)
def test_bad_input_one_line_exit_2_nothing_written(runner, mini_env, name, data, fragment):
    path = _file(mini_env, name, data)
    out = mini_env / "out"
    result = runner.invoke(app, ["run", str(path), "--out", str(out), "--quiet"])
    assert result.exit_code == 2
    _one_line_error(result, fragment, path.name)
    assert not out.exists() or not any(out.iterdir())


def test_bad_document_skipped_others_processed(runner, mini_env):
    (mini_env / "in").mkdir()
    (mini_env / "in" / "empty.txt").write_bytes(b"")
    (mini_env / "in" / "good.txt").write_text("Published: 2022-01-05\n\nProtesters rallied in Aktobe.", "utf-8")
    out = mini_env / "out"
    result = runner.invoke(app, ["run", str(mini_env / "in"), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "empty.txt" in result.stderr and "skipped" in result.stderr
    assert (out / "events.geojson").exists()
    strict = runner.invoke(app, ["run", str(mini_env / "in"), "--out", str(out), "--strict", "--quiet"])
    assert strict.exit_code == 2
    _one_line_error(strict, "empty.txt")


def test_documents_without_places_or_dates_are_read_not_refused(runner, mini_env):
    # Neither is bad input: a text naming no place has no events, an undated one is dated
    # from the others (or has undated events); the run succeeds and says what it found.
    (mini_env / "in").mkdir()
    (mini_env / "in" / "nowhere.txt").write_text("Published: 2022-01-05\n\nNothing happened anywhere.", "utf-8")
    (mini_env / "in" / "undated.txt").write_text("Protesters rallied in Aktobe.", "utf-8")
    out = mini_env / "out"
    result = runner.invoke(app, ["run", str(mini_env / "in"), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "2 documents read, 0 skipped" in result.stderr
    features = json.loads((out / "events.geojson").read_text("utf-8"))["features"]
    assert {f["properties"]["place"] for f in features} == {"Aktobe"}


def test_malformed_config_names_file_and_line(runner, mini_env):
    cfg = mini_env / "bad.toml"
    cfg.write_text("[temporal]\nwindow_days = 5\n[geoparse]\nfuzy = true\n", "utf-8")
    result = runner.invoke(app, ["run", str(SEEDS), "--config", str(cfg), "--quiet"])
    assert result.exit_code == 2
    _one_line_error(result, "bad.toml", "geoparse.fuzy", "line 4")
    cfg.write_text("[temporal\n", "utf-8")
    result = runner.invoke(app, ["config", "show", "--config", str(cfg)])
    assert result.exit_code == 2
    _one_line_error(result, "bad.toml", "malformed TOML")


def test_unwritable_output_is_a_one_line_error(runner, mini_env):
    blocker = mini_env / "file-not-folder"
    blocker.write_text("x", "utf-8")
    result = runner.invoke(app, ["run", str(SEEDS), "--out", str(blocker / "out"), "--quiet", "--jobs", "1"])
    assert result.exit_code == 1
    _one_line_error(result, "file-not-folder")


def test_previous_outputs_survive_a_failed_run(runner, mini_env):
    out = mini_env / "out"
    assert runner.invoke(app, ["run", str(SEEDS), "--out", str(out), "--quiet", "--jobs", "1"]).exit_code == 0
    before = (out / "events.geojson").read_bytes()
    result = runner.invoke(app, ["run", str(mini_env / "nope"), "--out", str(out), "--quiet"])
    assert result.exit_code == 2
    assert (out / "events.geojson").read_bytes() == before
    assert not [p for p in out.iterdir() if re.search(r"\.tmp|~$", p.name)]


def test_gazetteer_lookup_prints_candidates(runner, mini_env):
    result = runner.invoke(app, ["gazetteer", "lookup", "Aktau"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("place_id\tname\tlat\tlon") and len(lines) >= 3
    assert "Mangystau" in lines[1] and "43.66" in lines[1]
    assert runner.invoke(app, ["gazetteer", "lookup", "Nowhereville"]).exit_code == 1


def test_config_show_reflects_environment(runner, mini_env, monkeypatch):
    monkeypatch.setenv("GEOMAP_TEMPORAL__WINDOW_DAYS", "9")
    result = runner.invoke(app, ["config", "show"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["temporal"]["window_days"] == 9
