from pathlib import Path

import pytest
from conftest import PROVENANCE

from geomap.config import RenderSettings
from geomap.errors import OutputError
from geomap.records import Aggregates
from geomap.render import write_outputs
from geomap.render._io import atomic_write, write_text


def test_atomic_write_replaces_only_on_success(tmp_path: Path):
    target = tmp_path / "a.txt"
    write_text(target, "old")
    with pytest.raises(RuntimeError):
        with atomic_write(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("writer failed")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_atomic_write_temp_file_is_in_the_same_folder(tmp_path: Path):
    with atomic_write(tmp_path / "x.geojson") as tmp:
        assert tmp.parent == tmp_path and not tmp.exists() and tmp.suffix == ".geojson"
        tmp.write_text("{}")
    assert (tmp_path / "x.geojson").read_text() == "{}"


def test_writer_that_writes_nothing_is_an_error(tmp_path: Path):
    with pytest.raises(OutputError, match="nothing was written"):
        with atomic_write(tmp_path / "empty.txt"):
            pass
    assert not (tmp_path / "empty.txt").exists()


def test_unwritable_folder_raises_output_error_naming_the_path(tmp_path: Path):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(OutputError) as err:
        write_text(blocker / "events.geojson", "{}")
    assert str(blocker / "events.geojson") in str(err.value)


def test_write_outputs_into_a_file_path_fails_cleanly(tmp_path: Path):
    blocker = tmp_path / "out"
    blocker.write_text("x")
    with pytest.raises(OutputError) as err:
        write_outputs(Aggregates((), (), ()), RenderSettings(), blocker / "sub", PROVENANCE)
    assert "out" in str(err.value)
    assert isinstance(err.value, OSError)


def test_flags_switch_outputs_off(tmp_path: Path):
    cfg = RenderSettings(html=False, png=False, gpkg=False, csv=False, report=False)
    written = write_outputs(Aggregates((), (), ()), cfg, tmp_path, PROVENANCE)
    names = ["events.geojson", "places.geojson", "spread.geojson", "regions.geojson", "background.geojson"]
    assert [p.name for p in written] == names
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)


def test_report_without_png_embeds_images_but_writes_none(tmp_path: Path, agg):
    cfg = RenderSettings(html=False, png=False, gpkg=False, csv=False, report=True)
    written = write_outputs(agg, cfg, tmp_path, PROVENANCE)
    assert written[-1].name == "report.html"
    assert not list(tmp_path.glob("*.png"))
    assert written[-1].read_text(encoding="utf-8").count("data:image/png;base64,") == 2


def test_every_output_written_and_no_leftovers(tmp_path: Path, agg):
    written = write_outputs(agg, RenderSettings(), tmp_path, PROVENANCE)
    expected = [
        "events.geojson", "places.geojson", "spread.geojson", "regions.geojson", "background.geojson",
        "geomap.gpkg", "events.csv", "map.html", "map_fragment.html", "spread.png", "spread.svg", "timeline.png",
        "report.html",
    ]  # fmt: skip
    assert [p.name for p in written] == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(expected)
    assert all(p.stat().st_size > 0 for p in written)
