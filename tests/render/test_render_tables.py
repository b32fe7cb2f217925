import csv
import io
from pathlib import Path

import pandas
import pyogrio
import pytest
from conftest import PROVENANCE, build
from geopandas.testing import assert_geodataframe_equal
from hypothesis import example, given
from test_render_geojson import EVENT_LISTS, PROPERTY_RUNS

from geomap.config import RenderSettings
from geomap.records import Aggregates, Event, Place
from geomap.render import to_geodataframes, write_outputs
from geomap.render.boundaries import country_names
from geomap.render.geojson import EVENT_FIELDS, event_columns, event_features, sorted_events
from geomap.render.tables import CSV_COLUMNS, LAYERS, event_frame, events_csv, frames_from_features

DATA_ONLY = RenderSettings(html=False, png=False, report=False)


@pytest.fixture
def written(tmp_path: Path, agg) -> Path:
    write_outputs(agg, DATA_ONLY, tmp_path, PROVENANCE)
    return tmp_path


def test_gpkg_has_every_layer_with_geometry_types(written: Path):
    layers = {name: kind for name, kind in pyogrio.list_layers(written / "geomap.gpkg")}
    assert layers == {"events": "Point", "places": "Point", "spread": "LineString", "regions": "MultiPolygon"}


def test_gpkg_events_read_back_through_gdal(written: Path, agg):
    events = pyogrio.read_dataframe(written / "geomap.gpkg", layer="events")
    assert len(events) == len(agg.events)
    assert events.crs.to_epsg() == 4326
    almaty = events[events["place"] == "Almaty"]
    assert len(almaty) == 3
    assert almaty.geometry.x.round(5).unique().tolist() == [76.9115]  # x is longitude
    assert almaty.geometry.y.round(5).unique().tolist() == [43.25249]
    info = pyogrio.read_info(written / "geomap.gpkg", layer="events")
    types = dict(zip(info["fields"], info["ogr_types"], strict=True))
    assert types["date"] == "OFTDateTime" and types["start_date"] == "OFTDateTime"
    assert types["mentions"] == "OFTInteger64" and types["background"] == "OFTInteger"
    first = events.iloc[0]
    assert pandas.Timestamp(first["date"]).date().isoformat() == "2022-01-02"
    assert first["event_types"] == "Protests"
    assert events["date"].isna().sum() == 1  # Shymkent's undated report


def test_gpkg_places_and_regions(written: Path):
    places = pyogrio.read_dataframe(written / "geomap.gpkg", layer="places")
    assert places["place"].tolist() == ["Zhanaozen", "Aktau", "Aktobe", "Almaty", "Shymkent"]
    assert places.loc[0, "dates"] == "2022-01-02; 2022-01-03; 2022-01-04"
    assert places["first_seen"].dt.strftime("%Y-%m-%d").tolist()[:4] == [
        "2022-01-02", "2022-01-03", "2022-01-04", "2022-01-04"]  # fmt: skip
    regions = pyogrio.read_dataframe(written / "geomap.gpkg", layer="regions")
    assert regions["region_id"].tolist() == ["KZ-MAN", "KZ-AKT", "KZ-ALA", "KZ-SHY"]
    assert regions.geometry.is_valid.all()
    spread = pyogrio.read_dataframe(written / "geomap.gpkg", layer="spread")
    assert list(spread.geometry.iloc[0].coords) == [(52.86192, 43.34116), (51.17392, 43.66105)]


def test_geodataframes_keep_lists_and_typed_dates(agg):
    frames = to_geodataframes(agg, RenderSettings())
    events = frames["events"]
    assert str(events["date"].dtype).startswith("datetime64")
    assert events["event_types"].iloc[0] == ["Protests"]
    assert events.geometry.iloc[0].x == pytest.approx(52.86192)
    assert len(frames["places"]) == 5 and len(frames["spread"]) == 3 and len(frames["regions"]) == 4


def test_csv_acled_columns_and_values(written: Path, agg):
    with open(written / "events.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == len(agg.events)
    first = rows[0]
    assert (first["event_date"], first["location"], first["country"], first["admin1"]) == (
        "2022-01-02", "Zhanaozen", "Kazakhstan", "Mangystau Region")  # fmt: skip
    assert (first["latitude"], first["longitude"]) == ("43.34116", "52.86192")
    assert (first["geo_precision"], first["time_precision"]) == ("1", "1")
    assert first["notes"] == "Workers in Zhanaozen protested against gas prices."
    undated = [r for r in rows if r["location"] == "Shymkent"][0]
    assert undated["event_date"] == "" and undated["time_precision"] == ""


def test_empty_aggregates_write_valid_empty_gpkg_and_csv(tmp_path: Path):
    write_outputs(Aggregates((), (), ()), DATA_ONLY, tmp_path, PROVENANCE)
    layers = dict(pyogrio.list_layers(tmp_path / "geomap.gpkg"))
    assert set(layers) == {"events", "places", "spread", "regions"}
    for name in layers:
        assert pyogrio.read_info(tmp_path / "geomap.gpkg", layer=name)["features"] == 0
    assert (tmp_path / "events.csv").read_text(encoding="utf-8").strip() == ",".join(CSV_COLUMNS)


def _csv_row_by_row(agg: Aggregates, cfg: RenderSettings) -> str:
    """The CSV written one row at a time from the event features: what ``events_csv`` must equal."""
    names = country_names(cfg)
    geo, time = {"region": 3, "country": 3}, {"day": 1, "week": 2, "month": 3}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for feature in event_features(agg):
        p = feature["properties"]
        writer.writerow(
            [p["date"] or "", p["event_type"] or "", p["sub_event_type"] or "", names.get(p["country"], p["country"]),
             p["admin1"] or "", p["place"], f"{p['lat']:.5f}", f"{p['lon']:.5f}",
             geo.get(p["kind"], 1), time.get(p["date_precision"] or "", ""),
             p["source"] or "", " … ".join(p["evidence_all"]), p["doc"], p["place_id"]]
        )  # fmt: skip
    return buffer.getvalue()


@PROPERTY_RUNS
@given(EVENT_LISTS)
@example([Event("a.txt", Place("x:1", "", 1.0, 2.0, "city", "XX", ""), None, (), ("",), source="")])
def test_csv_is_the_rows_the_csv_writer_makes(events):
    # Quoting each distinct value once must give what the writer gives each row: quotes,
    # commas, line breaks, empty fields.
    agg, cfg = build(events), RenderSettings()
    assert events_csv(agg, cfg) == _csv_row_by_row(agg, cfg)


@PROPERTY_RUNS
@given(EVENT_LISTS)
def test_event_frame_is_the_frame_of_the_features(events):
    agg = build(events)
    columns = event_columns(sorted_events(agg.events))
    expected = frames_from_features(event_features(agg), EVENT_FIELDS, "Point")
    assert_geodataframe_equal(event_frame(columns), expected, check_less_precise=False)
    assert events_csv(agg, RenderSettings(), columns=columns) == events_csv(agg, RenderSettings())


def test_csv_of_the_sample_is_written_row_by_row(written: Path, agg):
    assert (written / "events.csv").read_text(encoding="utf-8") == _csv_row_by_row(agg, DATA_ONLY)


def test_tables_written_in_chunks_are_the_tables_written_at_once(written: Path, agg, tmp_path, monkeypatch):
    # A big run writes the GeoPackage's events and the CSV rows a chunk at a time to bound
    # its memory; the files must not show where one chunk ended.
    import geomap.render

    assert len(agg.events) > 3
    monkeypatch.setattr(geomap.render, "_CHUNK", 2)
    chunked = tmp_path / "chunked"
    chunked.mkdir()
    write_outputs(agg, DATA_ONLY, chunked, PROVENANCE)
    assert (chunked / "events.csv").read_bytes() == (written / "events.csv").read_bytes()
    for layer in LAYERS:
        assert_geodataframe_equal(
            pyogrio.read_dataframe(chunked / "geomap.gpkg", layer=layer),
            pyogrio.read_dataframe(written / "geomap.gpkg", layer=layer),
            check_less_precise=False,
        )
