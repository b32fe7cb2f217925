import json
import math
from datetime import date
from pathlib import Path
from unittest import mock

import pytest
import shapely
from conftest import ALMATY, PROVENANCE, D, build, sample
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from shapely.geometry import shape

import geomap.render.geojson
from geomap.config import RenderSettings
from geomap.records import Aggregates, Event, Place
from geomap.render import write_events, write_outputs
from geomap.render.geojson import (
    EVENT_FIELDS,
    PLACE_FIELDS,
    REGION_FIELDS,
    SPREAD_FIELDS,
    event_columns,
    event_features,
    event_properties,
    iter_event_json,
    sorted_events,
    to_feature,
)

GEOJSON_ONLY = RenderSettings(html=False, png=False, gpkg=False, csv=False, report=False)


def _written(tmp_path: Path, agg: Aggregates) -> dict[str, dict]:
    write_outputs(agg, GEOJSON_ONLY, tmp_path, PROVENANCE)
    return {
        name: json.loads((tmp_path / f"{name}.geojson").read_text(encoding="utf-8"))
        for name in ("events", "places", "spread", "regions")
    }


def test_to_feature_writes_lon_then_lat():
    point = to_feature([(43.24, 76.89)], {"place": "Almaty"})
    assert point["geometry"] == {"type": "Point", "coordinates": [76.89, 43.24]}
    line = to_feature([(43.24, 76.89), (43.34116, 52.86192)], {})
    assert line["geometry"]["coordinates"] == [[76.89, 43.24], [52.86192, 43.34116]]
    with pytest.raises(ValueError):
        to_feature([], {})


def test_collections_are_rfc7946_with_provenance(tmp_path: Path, agg):
    layers = _written(tmp_path, agg)
    for name, fc in layers.items():
        assert fc["type"] == "FeatureCollection", name
        assert "crs" not in fc
        assert fc["geomap"] == {
            "config_id": "ab12cd34",
            "gazetteer_sha": "0123456789abcdef",
            "version": "0.1.0",
        }
        assert "generated" not in json.dumps(fc)
        for feature in fc["features"]:
            assert feature["type"] == "Feature"
            assert shape(feature["geometry"]).is_valid


def test_event_points_are_lon_lat_and_match_properties(tmp_path: Path, agg):
    events = _written(tmp_path, agg)["events"]["features"]
    assert len(events) == len(agg.events)
    almaty = [f for f in events if f["properties"]["place"] == "Almaty"]
    assert almaty and all(f["geometry"]["coordinates"] == [76.9115, 43.25249] for f in almaty)
    for f in events:
        lon, lat = f["geometry"]["coordinates"]
        assert (lat, lon) == (f["properties"]["lat"], f["properties"]["lon"])
        assert set(f["properties"]) == set(EVENT_FIELDS)


def test_event_fields_follow_the_scorer_contract(tmp_path: Path, agg):
    # shared/eval/score.py reads doc, date ("YYYY-MM-DD" or null), kind and a Point per feature.
    for f in _written(tmp_path, agg)["events"]["features"]:
        p = f["properties"]
        assert f["geometry"]["type"] == "Point"
        assert isinstance(p["doc"], str) and p["doc"].endswith(".txt")
        assert p["kind"] in {"city", "town", "village", "region", "country", "landmark"}
        assert p["date"] is None or (len(p["date"]) == 10 and p["date"][4] == "-")
        assert p["start_date"] == p["date"]
        assert p["end_date"] == p["date"]
        assert p["date_precision"] in {"day", "week", "month", None}
        assert isinstance(p["event_types"], list) and isinstance(p["evidence_all"], list)


def test_events_sorted_by_doc_date_place(agg):
    keys = [(f["properties"]["doc"], f["properties"]["date"] or "9999", f["properties"]["place"])
            for f in event_features(agg)]  # fmt: skip
    assert keys == sorted(keys)
    assert keys[0] == ("a.txt", "2022-01-02", "Zhanaozen")
    assert keys[-1][0] == "c.txt" and keys[-1][1] == "9999"  # undated last within its document


def test_evidence_joined_and_end_date_from_event():
    e = Event("a.txt", ALMATY, D[4], ("Protests",), ("First.", "Second."), end_date=D[6])
    (f,) = event_features(build([e]))
    assert f["properties"]["evidence"] == "First. … Second."
    assert f["properties"]["evidence_all"] == ["First.", "Second."]
    assert (f["properties"]["start_date"], f["properties"]["end_date"]) == ("2022-01-04", "2022-01-06")


def test_places_layer(tmp_path: Path, agg):
    places = _written(tmp_path, agg)["places"]["features"]
    assert [f["properties"]["place"] for f in places] == [
        "Zhanaozen",
        "Aktau",
        "Aktobe",
        "Almaty",
        "Shymkent",
    ]
    z = places[0]["properties"]
    assert set(z) == set(PLACE_FIELDS)
    assert (z["first_seen"], z["last_seen"], z["start_date"], z["end_date"]) == (
        "2022-01-02", "2022-01-04", "2022-01-02", "2022-01-04")  # fmt: skip
    assert z["dates"] == ["2022-01-02", "2022-01-03", "2022-01-04"]
    assert (z["n_reports"], z["n_documents"]) == (3, 2)
    assert z["sources"] == ["Other Wire", "Test Wire"]
    assert places[0]["geometry"]["coordinates"] == [52.86192, 43.34116]
    assert places[-1]["properties"]["first_seen"] is None


def test_spread_layer_lines_run_origin_to_destination(tmp_path: Path, agg):
    spread = _written(tmp_path, agg)["spread"]["features"]
    assert len(spread) == 3
    first = spread[0]
    assert set(first["properties"]) == set(SPREAD_FIELDS)
    assert first["geometry"]["type"] == "LineString"
    assert (first["properties"]["origin"], first["properties"]["destination"]) == ("Zhanaozen", "Aktau")
    assert first["geometry"]["coordinates"] == [[52.86192, 43.34116], [51.17392, 43.66105]]
    assert (first["properties"]["start_date"], first["properties"]["end_date"]) == (
        "2022-01-02",
        "2022-01-03",
    )


def _ring_area(ring: list) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False)) / 2


def test_regions_join_boundaries_with_right_hand_rings(tmp_path: Path, agg):
    regions = _written(tmp_path, agg)["regions"]["features"]
    ids = [f["properties"]["region_id"] for f in regions]
    assert ids == ["KZ-MAN", "KZ-AKT", "KZ-ALA", "KZ-SHY"]  # XX-NONE has no polygon; undated last
    man = regions[0]
    assert set(man["properties"]) == set(REGION_FIELDS)
    assert man["properties"]["start_date"] == "2022-01-02" and man["properties"]["n_reports"] == 5
    geometry = shape(man["geometry"])
    assert geometry.contains(shapely.Point(52.86192, 43.34116))  # Zhanaozen, lon/lat
    for f in regions:
        polygons = f["geometry"]["coordinates"]
        polygons = [polygons] if f["geometry"]["type"] == "Polygon" else polygons
        for rings in polygons:
            assert _ring_area(rings[0]) > 0, "outer rings must be counter-clockwise"
            assert all(_ring_area(hole) < 0 for hole in rings[1:])


def test_coordinates_are_finite_and_in_range(tmp_path: Path, agg):
    for f in _written(tmp_path, agg)["events"]["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert math.isfinite(lon) and -180 <= lon <= 180 and -90 <= lat <= 90


def test_empty_aggregates_write_valid_empty_collections(tmp_path: Path):
    layers = _written(tmp_path, Aggregates((), (), ()))
    assert all(fc["features"] == [] and fc["type"] == "FeatureCollection" for fc in layers.values())


def test_reruns_are_byte_identical(tmp_path: Path):
    cfg = RenderSettings(html=False, png=False, gpkg=False, report=False)
    write_outputs(sample(), cfg, tmp_path / "a", PROVENANCE)
    write_outputs(sample(), cfg, tmp_path / "b", {**PROVENANCE, "generated": "2030-01-01T00:00:00"})
    for name in ("events.geojson", "places.geojson", "spread.geojson", "regions.geojson", "events.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


# --------------------------------------------------------------------------- events made from cached parts

# Values that JSON must escape and CSV must quote.
_TRICKY = (
    "", " ", '"', ",", "a, b", 'say "hi"', "\n", "\r\n", "\t", "\\", "é", "“quoted”", "\u2028", "Жаңаөзен",
    "\U0001f525",
)  # fmt: skip
_STRINGS = st.one_of(st.sampled_from(_TRICKY), st.text(max_size=12))
_OPTIONAL = st.one_of(st.none(), _STRINGS)
_PLACES = st.builds(
    Place,
    st.sampled_from(("geonames:1", "geonames:2", "x:3")),
    st.sampled_from(("Aktau", "Zhanaozen", 'Town "A", B')),
    st.one_of(st.sampled_from((0.0, -0.0, 43.65, 43.6510000004)), st.floats(-90, 90)),
    st.one_of(st.sampled_from((0.0, -0.0, 51.2)), st.floats(-180, 180)),
    st.sampled_from(("city", "town", "region", "country")),
    st.sampled_from(("KZ", "XX")),
    _OPTIONAL,
    st.integers(0, 10),
    st.one_of(st.none(), st.just("KZ-MAN")),
)
_DATES = st.one_of(st.none(), st.dates(date(2021, 12, 25), date(2022, 1, 10)))
_EVENTS = st.builds(
    Event,
    doc=st.sampled_from(("a.txt", "b.txt", "c,d.txt")),
    place=_PLACES,
    date=_DATES,
    event_types=st.lists(_STRINGS, max_size=3).map(tuple),
    evidence=st.lists(_STRINGS, max_size=3).map(tuple),
    event_type=_STRINGS,
    sub_event_type=_STRINGS,
    end_date=_DATES,
    date_precision=st.sampled_from((None, "", "day", "week", "month")),
    date_basis=st.sampled_from((None, "explicit", "carried")),
    title=_OPTIONAL,
    source=_OPTIONAL,
    url=_OPTIONAL,
    mentions=st.integers(0, 3),
    background=st.booleans(),
)
# Events drawn from a few values each, so that many share documents, places, dates and sentences.
EVENT_LISTS = st.lists(st.lists(_EVENTS, min_size=1, max_size=6), min_size=1, max_size=4).flatmap(
    lambda pool: st.lists(st.sampled_from([e for group in pool for e in group]), max_size=30)
)
PROPERTY_RUNS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _dumped(events: list[Event]) -> list[str]:
    """The text each event feature had when every feature was encoded whole."""
    return [
        json.dumps(to_feature([(e.place.lat, e.place.lon)], event_properties(e)), ensure_ascii=False, allow_nan=False)
        for e in sorted_events(events)
    ]


@PROPERTY_RUNS
@given(EVENT_LISTS)
@example([Event("a.txt", Place("x:1", "Zero", 0.0, 0.0, "city", "XX"), None, (), ()),
          Event("a.txt", Place("x:1", "Zero", -0.0, -0.0, "city", "XX"), None, (), ())])  # fmt: skip
@example([Event("a.txt", ALMATY, D[4], ("p",), ("s",), mentions=1, background=True),
          Event("a.txt", ALMATY, D[4], ("p",), ("s",), mentions=True, background=1)])  # fmt: skip
def test_event_json_is_each_feature_encoded_whole(events):
    # Equal places with zeros of both signs must not share an encoded part; counts keep their types.
    expected = _dumped(events)
    assert list(iter_event_json(sorted_events(events))) == expected
    with mock.patch.object(geomap.render.geojson, "_PART_CACHE", 2):  # parts forgotten and made again
        assert list(iter_event_json(sorted_events(events))) == expected


@PROPERTY_RUNS
@given(EVENT_LISTS)
def test_event_columns_hold_every_feature_property(events):
    ordered = sorted_events(events)
    columns = event_columns(ordered)
    assert list(columns) == list(EVENT_FIELDS)
    rows = [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]
    assert rows == [event_properties(e) for e in ordered]
    lists = [id(cell) for name, kind in EVENT_FIELDS.items() if kind == "list" for cell in columns[name]]
    assert len(set(lists)) == len(lists)  # a row's list is its own, as in a feature


def test_events_and_background_files_are_the_encoded_features(tmp_path: Path, agg):
    background = (Event("z.txt", ALMATY, D[1], ("Protests",), ("Long ago.",), background=True),)
    full = Aggregates(agg.events, agg.places, agg.days, agg.spread, agg.regions, background=background)
    write_outputs(full, GEOJSON_ONLY, tmp_path, PROVENANCE)
    for name, events in (("events", full.events), ("background", background)):
        features = json.loads((tmp_path / f"{name}.geojson").read_text(encoding="utf-8"))["features"]
        assert [json.dumps(f, ensure_ascii=False) for f in features] == _dumped(list(events)), name


def test_events_jsonl_lines_are_the_geojson_features(tmp_path: Path, agg):
    write_events(agg, tmp_path, PROVENANCE)
    lines = (tmp_path / "events.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines == _dumped(list(agg.events))
    collection = (tmp_path / "events.geojson").read_text(encoding="utf-8")
    assert collection.splitlines()[1:-1] == [line + "," for line in lines[:-1]] + lines[-1:]


def test_events_with_lists_for_tuples_still_encode():
    # Records hold tuples; a list cannot key a cache, and must still be written.
    e = Event("a.txt", ALMATY, D[4], ["Protests"], ["First.", "Second."])  # type: ignore[arg-type]
    assert list(iter_event_json([e])) == _dumped([e])
    assert event_columns([e])["evidence_all"] == [["First.", "Second."]]
